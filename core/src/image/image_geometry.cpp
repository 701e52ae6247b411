// Argument checks for images, the normalization presets and the placement of
// a resized image inside a tensor (see garden/image.h).
#include <algorithm>
#include <cmath>
#include <string>

#include "garden/image.h"

namespace garden {

void validate_image(const ImageView& image) {
  require(image.rgba != nullptr, ErrorCode::kInvalidArgument, "image: pixel data is null");
  require(image.width > 0 && image.height > 0, ErrorCode::kInvalidArgument,
          "image: size must be positive, got " + std::to_string(image.width) + "x" +
              std::to_string(image.height));
  require(image.width <= kMaxImageSide && image.height <= kMaxImageSide &&
              int64_t{image.width} * image.height <= kMaxImagePixels,
          ErrorCode::kLimitExceeded,
          "image: " + std::to_string(image.width) + "x" + std::to_string(image.height) +
              " exceeds the size limit");
  require(int64_t{image.stride_bytes} >= int64_t{image.width} * 4, ErrorCode::kInvalidArgument,
          "image: stride of " + std::to_string(image.stride_bytes) +
              " bytes is smaller than a row of RGBA pixels");
}

Normalization imagenet_normalization(bool bgr) {
  Normalization norm;
  const float mean_rgb[3] = {0.485f, 0.456f, 0.406f};
  const float std_rgb[3] = {0.229f, 0.224f, 0.225f};
  // PaddleOCR applies these numbers in this order to its BGR channels, so a
  // BGR preset keeps the order rather than reversing it.
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = mean_rgb[c];
    norm.std[c] = std_rgb[c];
  }
  norm.bgr = bgr;
  return norm;
}

Normalization symmetric_normalization() {
  Normalization norm;
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = 0.5f;
    norm.std[c] = 0.5f;
  }
  return norm;
}

namespace {

void require_side(int side, const char* what) {
  require(side > 0, ErrorCode::kInvalidArgument,
          std::string(what) + " must be positive, got " + std::to_string(side));
  require(side <= kMaxImageSide, ErrorCode::kLimitExceeded,
          std::string(what) + " of " + std::to_string(side) + " exceeds the size limit");
}

int scaled_side(int side, double scale, int limit) {
  const long rounded = std::lround(side * scale);
  return static_cast<int>(std::clamp<long>(rounded, 1, limit));
}

}  // namespace

Letterbox fit_image(int source_width, int source_height, int tensor_width, int tensor_height,
                    Fit fit) {
  require_side(source_width, "source width");
  require_side(source_height, "source height");
  require_side(tensor_width, "tensor width");
  require_side(tensor_height, "tensor height");

  Letterbox box;
  if (fit == Fit::kStretch) {
    box.content_width = tensor_width;
    box.content_height = tensor_height;
  } else if (fit == Fit::kTextLine) {
    box.content_height = tensor_height;
    const double width = std::ceil(static_cast<double>(tensor_height) * source_width / source_height);
    box.content_width = static_cast<int>(std::min(width, static_cast<double>(tensor_width)));
  } else {
    double scale = std::min(static_cast<double>(tensor_width) / source_width,
                            static_cast<double>(tensor_height) / source_height);
    if (fit == Fit::kKeepAspectNoUpscale) scale = std::min(scale, 1.0);
    box.content_width = scaled_side(source_width, scale, tensor_width);
    box.content_height = scaled_side(source_height, scale, tensor_height);
    if (fit == Fit::kKeepAspectCentered) {
      box.pad_x = (tensor_width - box.content_width) / 2;
      box.pad_y = (tensor_height - box.content_height) / 2;
    }
  }
  // The ratios of the sizes actually used, so that mapping back is exact even
  // after rounding the content size to whole pixels.
  box.scale_x = static_cast<float>(box.content_width) / static_cast<float>(source_width);
  box.scale_y = static_cast<float>(box.content_height) / static_cast<float>(source_height);
  return box;
}

}  // namespace garden
