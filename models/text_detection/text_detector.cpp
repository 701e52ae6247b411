// The text-detection runner (see text_detector.h).
#include "text_detector.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "garden/error.h"

namespace garden {
namespace text {
namespace {

int round_to_32(double side) {
  return std::max(static_cast<int>(std::lround(side / 32.0)) * 32, 32);
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

void check_image_side(int side) {
  require(side > 0 && side <= kMaxImageSide, ErrorCode::kInvalidArgument,
          "text detector: image side must be in [1, 16384], got " + std::to_string(side));
}

}  // namespace

InputSize paddle_det_input_size(int image_width, int image_height, int limit_side_len) {
  check_image_side(image_width);
  check_image_side(image_height);
  require(limit_side_len >= 32 && limit_side_len <= kMaxImageSide, ErrorCode::kInvalidArgument,
          "text detector: limit_side_len must be in [32, 16384]");
  const int longer = std::max(image_width, image_height);
  const double ratio = longer > limit_side_len ? static_cast<double>(limit_side_len) / longer : 1.0;
  // PaddleOCR truncates the scaled side, then rounds it to a multiple of 32.
  return {round_to_32(static_cast<int>(image_width * ratio)),
          round_to_32(static_cast<int>(image_height * ratio))};
}

InputSize pse_input_size(int image_width, int image_height, int resize_length) {
  check_image_side(image_width);
  check_image_side(image_height);
  require(resize_length >= 32 && resize_length <= kMaxImageSide, ErrorCode::kInvalidArgument,
          "text detector: resize_length must be in [32, 16384]");
  const int longer = std::max(image_width, image_height);
  const double ratio = longer > resize_length ? static_cast<double>(resize_length) / longer : 1.0;
  auto side = [&](int s) {  // down to a multiple of 32, at least 32
    const int rounded = static_cast<int>(std::lround(s * ratio));
    return rounded % 32 == 0 ? rounded : std::max(rounded / 32 * 32, 32);
  };
  return {side(image_width), side(image_height)};
}

namespace {

// Unset: ImageNet mean/std, BGR for DB (PaddleOCR), RGB for PSE.
Normalization normalization_for(const TextDetectorOptions& options) {
  return options.normalization.value_or(imagenet_normalization(/*bgr=*/options.kind == DetectorKind::kDb));
}

// Unset: never enlarge for DB (PaddleOCR's "max" side limit), fit for PSE.
Fit fit_for(const TextDetectorOptions& options) {
  return options.fit.value_or(options.kind == DetectorKind::kDb ? Fit::kKeepAspectNoUpscale
                                                                : Fit::kKeepAspect);
}

}  // namespace

TextDetector::TextDetector(const Model& model, const TextDetectorOptions& options)
    : options_(options),
      normalization_(normalization_for(options)),
      fit_(fit_for(options)),
      session_(model, options.session),
      db_(options.db),
      pse_(options.pse) {
  read_ports();
}

TextDetector::TextDetector(Model&& model, const TextDetectorOptions& options)
    : options_(options),
      normalization_(normalization_for(options)),
      fit_(fit_for(options)),
      session_(std::move(model), options.session),
      db_(options.db),
      pse_(options.pse) {
  read_ports();
}

void TextDetector::set_db_options(const DbOptions& options) {
  db_ = DbPostprocessor(options);  // validates before anything is replaced
  options_.db = options;
}

void TextDetector::set_pse_options(const PseOptions& options) {
  pse_ = PsePostprocessor(options);
  options_.pse = options;
}

void TextDetector::read_ports() {
  require(session_.input_count() == 1 && session_.output_count() >= 1,
          ErrorCode::kUnsupportedModel, "text detector: needs one input and an output");

  const TensorView input = session_.input(0);
  require(input.shape.size() == 4 && input.shape[0] == 1, ErrorCode::kUnsupportedModel,
          "text detector: input must be [1,3,H,W] or [1,H,W,3], got " + shape_string(input.shape));
  input_layout_ = input.layout == Layout::kNHWC ? Layout::kNHWC : Layout::kNCHW;
  const bool nchw = input_layout_ == Layout::kNCHW;
  require((nchw ? input.shape[1] : input.shape[3]) == 3, ErrorCode::kUnsupportedModel,
          "text detector: input must have 3 channels, got " + shape_string(input.shape));
  input_height_ = static_cast<int>(nchw ? input.shape[2] : input.shape[1]);
  input_width_ = static_cast<int>(nchw ? input.shape[3] : input.shape[2]);

  const TensorView output = session_.output(0);
  require(output.shape.size() == 4 && output.shape[0] == 1, ErrorCode::kUnsupportedModel,
          "text detector: output must be 4-D with batch 1, got " + shape_string(output.shape));
  output_layout_ = output.layout == Layout::kNHWC ? Layout::kNHWC : Layout::kNCHW;
  const bool out_nchw = output_layout_ == Layout::kNCHW;
  map_count_ = static_cast<int>(out_nchw ? output.shape[1] : output.shape[3]);
  map_height_ = static_cast<int>(out_nchw ? output.shape[2] : output.shape[1]);
  map_width_ = static_cast<int>(out_nchw ? output.shape[3] : output.shape[2]);
  require(options_.kind != DetectorKind::kDb || map_count_ == 1, ErrorCode::kUnsupportedModel,
          "text detector: a DB model has one output map, got " + shape_string(output.shape));
  require(map_width_ > 0 && map_height_ > 0 && map_width_ <= input_width_ &&
              map_height_ <= input_height_,
          ErrorCode::kUnsupportedModel,
          "text detector: output maps larger than the input are not supported");
  require(options_.kind != DetectorKind::kDb ||
              (input_width_ % map_width_ == 0 && input_height_ % map_height_ == 0),
          ErrorCode::kUnsupportedModel,
          "text detector: a DB map must divide the input size, got " + shape_string(output.shape));
}

std::vector<TextBox> TextDetector::detect(const ImageView& image) {
  validate_image(image);
  const Letterbox box = fit_image(image.width, image.height, input_width_, input_height_, fit_);
  resizer_.resize_normalize(image, box, input_width_, input_height_, input_layout_,
                            normalization_, session_.input(0).data);
  session_.run();
  return options_.kind == DetectorKind::kDb ? postprocess_db(box, image)
                                            : postprocess_pse(box, image);
}

std::vector<TextBox> TextDetector::postprocess_db(const Letterbox& box, const ImageView& image) {
  // DB maps have the input's size: look only at the resized image, not at
  // the padding around it.
  const float* map = session_.output(0).data;
  const int ratio_x = input_width_ / map_width_, ratio_y = input_height_ / map_height_;
  const int x0 = box.pad_x / ratio_x, y0 = box.pad_y / ratio_y;
  MapView view;
  view.data = map + static_cast<size_t>(y0) * map_width_ + x0;
  view.width = std::min(map_width_ - x0, (box.content_width + ratio_x - 1) / ratio_x);
  view.height = std::min(map_height_ - y0, (box.content_height + ratio_y - 1) / ratio_y);
  view.stride = map_width_;

  MapTransform transform;
  transform.scale_x = static_cast<float>(ratio_x) / box.scale_x;
  transform.scale_y = static_cast<float>(ratio_y) / box.scale_y;
  transform.offset_x = (x0 * ratio_x + 0.5f * ratio_x - 0.5f - box.pad_x) / box.scale_x;
  transform.offset_y = (y0 * ratio_y + 0.5f * ratio_y - 0.5f - box.pad_y) / box.scale_y;
  transform.image_width = image.width;
  transform.image_height = image.height;
  return db_.run(view, transform);
}

std::vector<TextBox> TextDetector::postprocess_pse(const Letterbox& box, const ImageView& image) {
  KernelMaps kernels;
  kernels.data = session_.output(0).data;
  kernels.width = map_width_;
  kernels.height = map_height_;
  kernels.count = map_count_;
  kernels.layout = output_layout_;

  // A map pixel's center covers input pixels around (x + 0.5) * ratio - 0.5.
  const float ratio_x = static_cast<float>(input_width_) / map_width_;
  const float ratio_y = static_cast<float>(input_height_) / map_height_;
  MapTransform transform;
  transform.scale_x = ratio_x / box.scale_x;
  transform.scale_y = ratio_y / box.scale_y;
  transform.offset_x = (0.5f * ratio_x - 0.5f - box.pad_x) / box.scale_x;
  transform.offset_y = (0.5f * ratio_y - 0.5f - box.pad_y) / box.scale_y;
  transform.image_width = image.width;
  transform.image_height = image.height;
  return pse_.run(kernels, transform);
}

}  // namespace text
}  // namespace garden
