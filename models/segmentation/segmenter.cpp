// The segmentation runner (see segmenter.h).
#include "segmentation/segmenter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "garden/error.h"
#include "labels/labels.h"

namespace garden {
namespace segmentation {
namespace {

constexpr int kMaxClasses = 256;  // class indices are stored as uint8

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// ONNX declares NCHW, TF.js/TFLite NHWC; an undeclared 4-D layout is taken
// from where a channel count of `channels` sits.
Layout layout_of(const TensorView& tensor, int64_t channels) {
  if (tensor.layout == Layout::kNHWC || tensor.layout == Layout::kNCHW) return tensor.layout;
  return tensor.shape[3] == channels && tensor.shape[1] != channels ? Layout::kNHWC : Layout::kNCHW;
}

SegmenterOptions with_labels(const std::vector<labels::ColoredLabel>& classes) {
  SegmenterOptions options;
  for (const labels::ColoredLabel& label : classes) {
    options.labels.push_back(label.name);
    options.colormap.push_back(label.color);
  }
  return options;
}

// Labels given in the options, else the model's own. Read in the member
// initializers, before the model moves into the session.
SegmenterOptions with_model_labels(SegmenterOptions options, const Model& model) {
  if (options.labels.empty()) options.labels = model.graph.info.labels;
  return options;
}

}  // namespace

std::vector<std::array<uint8_t, 3>> pascal_colormap(int count) {
  require(count >= 0 && count <= kMaxClasses, ErrorCode::kInvalidArgument,
          "pascal_colormap: count must be in [0, 256], got " + std::to_string(count));
  // Pascal VOC's devkit: bits 0,1,2 of the index go to the top bit of R,G,B,
  // bits 3,4,5 to the next bit down, and so on.
  std::vector<std::array<uint8_t, 3>> colors(static_cast<size_t>(count));
  for (int index = 0; index < count; ++index) {
    int bits = index;
    for (int shift = 7; shift >= 0 && bits != 0; --shift, bits >>= 3)
      for (int channel = 0; channel < 3; ++channel)
        colors[index][channel] |= static_cast<uint8_t>(((bits >> channel) & 1) << shift);
  }
  return colors;
}

SegmenterOptions preset(const std::string& base) {
  if (base == "pascal") {
    SegmenterOptions options = with_labels(labels::pascal());
    options.colormap = pascal_colormap(static_cast<int>(options.labels.size()));
    return options;
  }
  if (base == "cityscapes") return with_labels(labels::cityscapes());
  if (base == "ade20k") return with_labels(labels::ade20k());
  if (base == "selfie") {
    // MediaPipe's selfie model: [0, 1] input stretched to 256x256, one
    // sigmoid person probability per pixel.
    SegmenterOptions options;
    options.normalization = Normalization{};
    options.fit = Fit::kStretch;
    options.labels = {"background", "person"};
    options.colormap = {{0, 0, 0}, pascal_colormap(16)[15]};
    options.binary_soft_mask = true;
    return options;
  }
  fail(ErrorCode::kInvalidArgument,
       "segmenter: unknown base '" + base + "'; known: pascal, cityscapes, ade20k, selfie");
}

Segmenter::Segmenter(const Model& model, const SegmenterOptions& options)
    : options_(with_model_labels(options, model)), session_(model, options.session) {
  read_ports();
}

Segmenter::Segmenter(Model&& model, const SegmenterOptions& options)
    : options_(with_model_labels(options, model)), session_(std::move(model), options.session) {
  read_ports();
}

void Segmenter::read_ports() {
  require(session_.input_count() == 1 && session_.output_count() >= 1,
          ErrorCode::kUnsupportedModel, "segmenter: needs one input and an output");
  const TensorView input = session_.input(0);
  require(input.shape.size() == 4 && input.shape[0] == 1, ErrorCode::kUnsupportedModel,
          "segmenter: input must be [1,3,H,W] or [1,H,W,3], got " + shape_string(input.shape));
  input_layout_ = layout_of(input, 3);
  const bool nhwc = input_layout_ == Layout::kNHWC;
  require((nhwc ? input.shape[3] : input.shape[1]) == 3, ErrorCode::kUnsupportedModel,
          "segmenter: input must have 3 channels, got " + shape_string(input.shape));
  input_height_ = static_cast<int>(nhwc ? input.shape[1] : input.shape[2]);
  input_width_ = static_cast<int>(nhwc ? input.shape[2] : input.shape[3]);

  const TensorView output = session_.output(0);
  require(output.shape.size() == 4 && output.shape[0] == 1, ErrorCode::kUnsupportedModel,
          "segmenter: output must be [1,C,H,W] or [1,H,W,C], got " + shape_string(output.shape));
  const int64_t declared_channels = options_.binary_soft_mask ? 1 : -1;
  output_layout_ = declared_channels > 0 ? layout_of(output, declared_channels)
                                         : (output.layout == Layout::kNHWC ? Layout::kNHWC : Layout::kNCHW);
  const bool out_nhwc = output_layout_ == Layout::kNHWC;
  map_channels_ = static_cast<int>(out_nhwc ? output.shape[3] : output.shape[1]);
  map_height_ = static_cast<int>(out_nhwc ? output.shape[1] : output.shape[2]);
  map_width_ = static_cast<int>(out_nhwc ? output.shape[2] : output.shape[3]);
  require(options_.binary_soft_mask ? map_channels_ == 1 : (map_channels_ >= 2 && map_channels_ <= kMaxClasses),
          ErrorCode::kUnsupportedModel,
          std::string("segmenter: output ") + shape_string(output.shape) +
              (options_.binary_soft_mask ? " must have one probability channel"
                                        : " must have 2..256 class channels"));
  require(map_width_ > 0 && map_height_ > 0 && map_width_ <= input_width_ && map_height_ <= input_height_,
          ErrorCode::kUnsupportedModel, "segmenter: output maps larger than the input are not supported");

  // Classes without a given name or color get the model's names (see
  // with_model_labels), "class N" and Pascal's colors, so every index the
  // model can produce is drawable.
  const int classes = options_.binary_soft_mask ? 2 : map_channels_;
  for (int i = static_cast<int>(options_.labels.size()); i < classes; ++i)
    options_.labels.push_back("class " + std::to_string(i));
  const std::vector<std::array<uint8_t, 3>> fallback = pascal_colormap(classes);
  for (size_t i = options_.colormap.size(); i < static_cast<size_t>(classes); ++i)
    options_.colormap.push_back(fallback[i]);

  full_classes_.resize(static_cast<size_t>(map_width_) * map_height_);
  if (options_.binary_soft_mask) full_mask_.resize(full_classes_.size());
}

const SegmentationResult& Segmenter::segment(const ImageView& image) {
  validate_image(image);
  const Letterbox box = fit_image(image.width, image.height, input_width_, input_height_, options_.fit);
  resizer_.resize_normalize(image, box, input_width_, input_height_, input_layout_,
                            options_.normalization, session_.input(0).data);
  session_.run();
  compute_classes();
  crop_map(box);
  sample_to_image(box, image.width, image.height);
  paint_and_list_classes();
  return result_;
}

void Segmenter::compute_classes() {
  const float* scores = session_.output(0).data;
  if (!options_.binary_soft_mask) {
    argmax_channels(scores, map_height_, map_width_, map_channels_, output_layout_, full_classes_.data());
    return;
  }
  for (size_t i = 0; i < full_classes_.size(); ++i) {
    full_mask_[i] = scores[i];
    full_classes_[i] = scores[i] > 0.5f ? 1 : 0;
  }
}

// The part of the output map that shows the image (not the padding).
void Segmenter::crop_map(const Letterbox& box) {
  const double ratio_x = static_cast<double>(map_width_) / input_width_;
  const double ratio_y = static_cast<double>(map_height_) / input_height_;
  crop_x_ = std::min(static_cast<int>(box.pad_x * ratio_x), map_width_ - 1);
  crop_y_ = std::min(static_cast<int>(box.pad_y * ratio_y), map_height_ - 1);
  crop_width_ = std::clamp(static_cast<int>(std::ceil(box.content_width * ratio_x)), 1, map_width_ - crop_x_);
  crop_height_ = std::clamp(static_cast<int>(std::ceil(box.content_height * ratio_y)), 1, map_height_ - crop_y_);
}

// Fills result_'s maps: the cropped content area as is, or (with
// output_at_image_size) resampled to the image with nearest sampling.
void Segmenter::sample_to_image(const Letterbox& box, int image_width, int image_height) {
  const bool to_image = options_.output_at_image_size;
  result_.width = to_image ? image_width : crop_width_;
  result_.height = to_image ? image_height : crop_height_;
  const size_t pixels = static_cast<size_t>(result_.width) * result_.height;
  result_.class_map.resize(pixels);
  result_.mask.resize(options_.binary_soft_mask ? pixels : 0);

  // An image pixel's center (x + 0.5) lands at tensor x' = (x + 0.5) * scale + pad.
  const double map_per_tensor_x = static_cast<double>(map_width_) / input_width_;
  const double map_per_tensor_y = static_cast<double>(map_height_) / input_height_;
  auto map_x = [&](int x) {
    if (!to_image) return crop_x_ + x;
    const double tensor_x = (x + 0.5) * box.scale_x + box.pad_x;
    return std::clamp(static_cast<int>(tensor_x * map_per_tensor_x), crop_x_, crop_x_ + crop_width_ - 1);
  };
  auto map_y = [&](int y) {
    if (!to_image) return crop_y_ + y;
    const double tensor_y = (y + 0.5) * box.scale_y + box.pad_y;
    return std::clamp(static_cast<int>(tensor_y * map_per_tensor_y), crop_y_, crop_y_ + crop_height_ - 1);
  };
  for (int y = 0; y < result_.height; ++y) {
    const size_t source_row = static_cast<size_t>(map_y(y)) * map_width_;
    const size_t target_row = static_cast<size_t>(y) * result_.width;
    for (int x = 0; x < result_.width; ++x) {
      const size_t source = source_row + static_cast<size_t>(map_x(x));
      result_.class_map[target_row + x] = full_classes_[source];
      if (options_.binary_soft_mask) result_.mask[target_row + x] = full_mask_[source];
    }
  }
}

void Segmenter::paint_and_list_classes() {
  bool present[kMaxClasses] = {};
  result_.rgba.resize(result_.class_map.size() * 4);
  uint8_t* pixel = result_.rgba.data();
  for (const uint8_t index : result_.class_map) {
    present[index] = true;
    const std::array<uint8_t, 3>& color = options_.colormap[index];
    pixel[0] = color[0];
    pixel[1] = color[1];
    pixel[2] = color[2];
    pixel[3] = 255;
    pixel += 4;
  }
  // Entries are assigned in place so their strings keep their capacity.
  size_t count = 0;
  for (int index = 0; index < kMaxClasses; ++index) count += present[index] ? 1 : 0;
  result_.legend.resize(count);
  size_t next = 0;
  for (int index = 0; index < kMaxClasses; ++index) {
    if (!present[index]) continue;
    LegendEntry& entry = result_.legend[next++];
    entry.index = index;
    entry.name = options_.labels[static_cast<size_t>(index)];
    entry.color = options_.colormap[static_cast<size_t>(index)];
  }
}

}  // namespace segmentation
}  // namespace garden
