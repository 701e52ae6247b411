// Cutting one text line out of an image: the quadrilateral around it warped
// to an upright rectangle, as PaddleOCR's get_rotate_crop_image does.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "garden/image.h"
#include "text_detection/geometry.h"

namespace garden {
namespace text {

using Quad = std::array<Point, 4>;  // clockwise on screen from the top-left

// The largest crop side and area accepted: a line larger than this is not a
// line of text but a hostile or broken box.
constexpr int kMaxCropSide = 16384;
constexpr int64_t kMaxCropPixels = int64_t{1} << 24;

struct LineCrop {
  std::vector<uint8_t> rgba;
  int width = 0;
  int height = 0;

  ImageView view() const { return {rgba.data(), width, height, width * 4}; }
};

// The size crop_line cuts `quad` at, after the turn of tall crops; the
// same errors as crop_line for boxes it would refuse.
struct CropSize {
  int width = 0;
  int height = 0;
};
CropSize line_crop_size(const Quad& quad);

// The crop is max(top, bottom edge) wide and max(left, right edge) high,
// sampled bicubically (OpenCV's INTER_CUBIC, as PaddleOCR's warp) through the
// perspective map from the rectangle to the quad, with pixels beyond the
// image replicating its border. A crop at least
// 1.5 times taller than wide is turned a quarter counter-clockwise (vertical
// text reads left to right then). Non-finite corners, a crop under one pixel
// or over the limits above, and a degenerate quad are Error(kInvalidArgument).
// With `min_height` > 0, a line lower than that (after the turn) is warped
// straight to that height instead, its width scaled alike (rounded up, as
// PaddleOCR sizes a line): one interpolation from the image, not a crop
// enlarged again.
LineCrop crop_line(const ImageView& image, const Quad& quad, int min_height = 0);

// Turns a crop 180 degrees in place (a line the direction classifier finds
// upside down; cv2.rotate(ROTATE_180) in PaddleOCR).
void turn_half(LineCrop& crop);

// How PaddleOCR normalizes a line crop for its recognizer and its direction
// classifier: (pixel / 255 - 0.5) / 0.5, channels as cv2 reads them (BGR).
Normalization paddle_line_normalization();

}  // namespace text
}  // namespace garden
