// The segmentation runner (see segmenter.h).
#include "segmentation/segmenter.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "catalogue/catalogue.h"
#include "garden/error.h"

namespace garden {
namespace segmentation {
namespace {

constexpr int kMaxClasses = 256;  // class indices are stored as uint8

constexpr runner::Task kTask = {"segmenter", "segmentation"};

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
  const catalogue::SegmenterPreset* found = catalogue::find(catalogue::segmenter_presets(), base);
  require(found != nullptr, ErrorCode::kInvalidArgument,
          "segmenter: unknown base '" + base + "'; known: " +
              catalogue::names_of(catalogue::segmenter_presets()));
  SegmenterOptions options;
  options.normalization = found->normalization;
  options.fit = found->fit;
  for (const labels::ColoredLabel& label : catalogue::label_set(found->labels)) {
    options.labels.push_back(label.name);
    options.colormap.push_back(label.color);
  }
  if (found->colormap == catalogue::Colormap::kPascalVoc)
    options.colormap = pascal_colormap(static_cast<int>(options.labels.size()));
  options.binary_soft_mask = found->binary_soft_mask;
  return options;
}

Segmenter::Segmenter(runner::ModelRef model, const SegmenterOptions& options)
    : scores_are_probabilities_(runner::ends_in_softmax(model.graph())),
      runner_(model, kTask, options, symmetric_normalization()),
      options_(options) {
  options_.labels = runner::choose_labels(options.labels, runner_.info());
  read_output();
}

void Segmenter::read_output() {
  // A soft mask has one channel; class scores as many as the model has classes.
  map_ = runner_.output_map(options_.binary_soft_mask ? 1 : runner::kAnyChannels);
  require(options_.binary_soft_mask || (map_.channels >= 2 && map_.channels <= kMaxClasses),
          ErrorCode::kUnsupportedModel,
          "segmenter: output " + runner::shape_string(runner_.output().shape) + " must have 2..256 class channels");

  // Classes without a given name or color get the model's names (see
  // choose_labels), "class N" and Pascal's colors, so every index the model
  // can produce is drawable.
  const int classes = options_.binary_soft_mask ? 2 : map_.channels;
  for (int i = static_cast<int>(options_.labels.size()); i < classes; ++i)
    options_.labels.push_back("class " + std::to_string(i));
  const std::vector<std::array<uint8_t, 3>> fallback = pascal_colormap(classes);
  for (size_t i = options_.colormap.size(); i < static_cast<size_t>(classes); ++i)
    options_.colormap.push_back(fallback[i]);

  full_classes_.resize(static_cast<size_t>(map_.width) * map_.height);
}

const SegmentationResult& Segmenter::segment(const ImageView& image) {
  return segment(image, {options_.output_at_image_size, false});
}

const SegmentationResult& Segmenter::segment(const ImageView& image, const SegmentRequest& request) {
  const bool confidence = request.confidence || options_.binary_soft_mask;
  const Letterbox box = runner_.run(image, options_.fit);
  compute_classes(confidence);
  crop_map(box);
  sample_to_image(box, image.width, image.height, request.at_image_size, confidence);
  paint_and_list_classes();
  return result_;
}

void Segmenter::compute_classes(bool confidence) {
  const float* scores = runner_.output_data();
  full_confidence_.resize(confidence ? full_classes_.size() : 0);
  if (options_.binary_soft_mask) {
    for (size_t i = 0; i < full_classes_.size(); ++i) {
      full_confidence_[i] = scores[i];
      full_classes_[i] = scores[i] > 0.5f ? 1 : 0;
    }
    return;
  }
  argmax_channels(scores, map_.height, map_.width, map_.channels, map_.layout, full_classes_.data());
  if (!confidence) return;
  // The winner's share of the softmax: 1 / sum over c of exp(s_c - s_winner).
  const size_t pixels = full_classes_.size();
  const size_t channel_step = map_.layout == Layout::kNCHW ? pixels : 1;
  const size_t pixel_step = map_.layout == Layout::kNCHW ? 1 : static_cast<size_t>(map_.channels);
  for (size_t p = 0; p < pixels; ++p) {
    const float* s = scores + p * pixel_step;
    const float best = s[full_classes_[p] * channel_step];
    if (scores_are_probabilities_) {
      full_confidence_[p] = best;
      continue;
    }
    double sum = 0.0;
    for (int c = 0; c < map_.channels; ++c) sum += std::exp(static_cast<double>(s[c * channel_step]) - best);
    full_confidence_[p] = static_cast<float>(1.0 / sum);
  }
}

// The part of the output map that shows the image (not the padding).
void Segmenter::crop_map(const Letterbox& box) {
  const double ratio_x = static_cast<double>(map_.width) / runner_.input().width;
  const double ratio_y = static_cast<double>(map_.height) / runner_.input().height;
  crop_x_ = std::min(static_cast<int>(box.pad_x * ratio_x), map_.width - 1);
  crop_y_ = std::min(static_cast<int>(box.pad_y * ratio_y), map_.height - 1);
  crop_width_ = std::clamp(static_cast<int>(std::ceil(box.content_width * ratio_x)), 1, map_.width - crop_x_);
  crop_height_ = std::clamp(static_cast<int>(std::ceil(box.content_height * ratio_y)), 1, map_.height - crop_y_);
}

// Fills result_'s maps: the cropped content area as is, or (at image size)
// resampled to the image with nearest sampling.
void Segmenter::sample_to_image(const Letterbox& box, int image_width, int image_height, bool to_image,
                                bool confidence) {
  result_.width = to_image ? image_width : crop_width_;
  result_.height = to_image ? image_height : crop_height_;
  const size_t pixels = static_cast<size_t>(result_.width) * result_.height;
  result_.class_map.resize(pixels);
  result_.confidence.resize(confidence ? pixels : 0);

  // An image pixel's center (x + 0.5) lands at tensor x' = (x + 0.5) * scale + pad.
  const double map_per_tensor_x = static_cast<double>(map_.width) / runner_.input().width;
  const double map_per_tensor_y = static_cast<double>(map_.height) / runner_.input().height;
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
    const size_t source_row = static_cast<size_t>(map_y(y)) * map_.width;
    const size_t target_row = static_cast<size_t>(y) * result_.width;
    for (int x = 0; x < result_.width; ++x) {
      const size_t source = source_row + static_cast<size_t>(map_x(x));
      result_.class_map[target_row + x] = full_classes_[source];
      if (confidence) result_.confidence[target_row + x] = full_confidence_[source];
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
