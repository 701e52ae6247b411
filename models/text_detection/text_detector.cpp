// The text-detection runner (see text_detector.h).
#include "text_detector.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "garden/error.h"

namespace garden {
namespace text {
namespace {

int round_to_32(double side) {
  return std::max(static_cast<int>(std::lround(side / 32.0)) * 32, 32);
}

constexpr runner::Task kTask = {"text detector", "text_detection"};

void check_image_side(int side) {
  require(side > 0 && side <= kMaxImageSide, ErrorCode::kInvalidArgument,
          "text detector: image side must be in [1, 16384], got " + std::to_string(side));
}

// The scale that brings the image's longer side down to `limit` (never up).
double shrink_ratio(int image_width, int image_height, int limit, const char* limit_name) {
  check_image_side(image_width);
  check_image_side(image_height);
  require(limit >= 32 && limit <= kMaxImageSide, ErrorCode::kInvalidArgument,
          std::string("text detector: ") + limit_name + " must be in [32, 16384]");
  const int longer = std::max(image_width, image_height);
  return longer > limit ? static_cast<double>(limit) / longer : 1.0;
}

}  // namespace

InputSize paddle_det_input_size(int image_width, int image_height, int limit_side_len) {
  const double ratio = shrink_ratio(image_width, image_height, limit_side_len, "limit_side_len");
  // PaddleOCR truncates the scaled side, then rounds it to a multiple of 32.
  return {round_to_32(static_cast<int>(image_width * ratio)),
          round_to_32(static_cast<int>(image_height * ratio))};
}

InputSize pse_input_size(int image_width, int image_height, int resize_length) {
  const double ratio = shrink_ratio(image_width, image_height, resize_length, "resize_length");
  auto side = [&](int s) {  // down to a multiple of 32, at least 32
    const int rounded = static_cast<int>(std::lround(s * ratio));
    return rounded % 32 == 0 ? rounded : std::max(rounded / 32 * 32, 32);
  };
  return {side(image_width), side(image_height)};
}

namespace {

// ImageNet's mean/std, in BGR for DB (PaddleOCR), RGB for PSE.
Normalization default_normalization(DetectorKind kind) {
  return imagenet_normalization(/*bgr=*/kind == DetectorKind::kDb);
}

// Unset: never enlarge for DB (PaddleOCR's "max" side limit), fit for PSE.
Fit fit_for(const TextDetectorOptions& options) {
  return options.fit.value_or(options.kind == DetectorKind::kDb ? Fit::kKeepAspectNoUpscale
                                                                : Fit::kKeepAspect);
}

}  // namespace

TextDetector::TextDetector(runner::ModelRef model, const TextDetectorOptions& options)
    : runner_(model, kTask, options, default_normalization(options.kind)),
      options_(options),
      fit_(fit_for(options)),
      db_(options.db),
      pse_(options.pse) {
  read_output();
}

void TextDetector::set_db_options(const DbOptions& options) {
  db_ = DbPostprocessor(options);  // validates before anything is replaced
  options_.db = options;
}

void TextDetector::set_pse_options(const PseOptions& options) {
  pse_ = PsePostprocessor(options);
  options_.pse = options;
}

void TextDetector::read_output() {
  // A DB model has one probability map; a PSE model as many kernels as it was trained with.
  const bool db = options_.kind == DetectorKind::kDb;
  map_ = runner_.output_map(db ? 1 : runner::kAnyChannels);
  const runner::MapShape& input = runner_.input();
  require(!db || (input.width % map_.width == 0 && input.height % map_.height == 0),
          ErrorCode::kUnsupportedModel,
          "text detector: a DB map must divide the input size, got " +
              runner::shape_string(runner_.output().shape));
}

std::vector<TextBox> TextDetector::detect(const ImageView& image) {
  const Letterbox box = runner_.run(image, fit_);
  return options_.kind == DetectorKind::kDb ? postprocess_db(box, image)
                                            : postprocess_pse(box, image);
}

std::vector<TextBox> TextDetector::postprocess_db(const Letterbox& box, const ImageView& image) {
  // DB maps have the input's size: look only at the resized image, not at
  // the padding around it.
  const float* map = runner_.output_data();
  const int ratio_x = runner_.input().width / map_.width, ratio_y = runner_.input().height / map_.height;
  const int x0 = box.pad_x / ratio_x, y0 = box.pad_y / ratio_y;
  MapView view;
  view.data = map + static_cast<size_t>(y0) * map_.width + x0;
  view.width = std::min(map_.width - x0, (box.content_width + ratio_x - 1) / ratio_x);
  view.height = std::min(map_.height - y0, (box.content_height + ratio_y - 1) / ratio_y);
  view.stride = map_.width;

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
  kernels.data = runner_.output_data();
  kernels.width = map_.width;
  kernels.height = map_.height;
  kernels.count = map_.channels;
  kernels.layout = map_.layout;

  // A map pixel's center covers input pixels around (x + 0.5) * ratio - 0.5.
  const float ratio_x = static_cast<float>(runner_.input().width) / map_.width;
  const float ratio_y = static_cast<float>(runner_.input().height) / map_.height;
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
