// What text-detection post-processing consumes and produces: a view on the
// model's output maps, the mapping from map pixels to source-image pixels,
// and the boxes found.
#pragma once

#include <vector>

#include "geometry.h"

namespace garden {
namespace text {

// One [height, width] float map, rows `stride` floats apart.
struct MapView {
  const float* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;
};

// Map pixel (x, y) lands at (x * scale_x + offset_x, y * scale_y + offset_y)
// in the source image, whose size bounds (clips) the boxes.
struct MapTransform {
  float scale_x = 1.f;
  float scale_y = 1.f;
  float offset_x = 0.f;
  float offset_y = 0.f;
  int image_width = 0;
  int image_height = 0;

  Point to_image(Point p) const;  // clipped to the image
  Point to_image_unclipped(Point p) const;
};

struct TextBox {
  // Source-image coordinates: 4 corners clockwise from the top-left for
  // rectangles; hull or contour vertices, clockwise on screen, otherwise.
  std::vector<Point> points;
  float score = 0.f;  // mean text probability of the region
  // DB boxes: the line's whole rectangle (4 corners, clockwise from the
  // top-left) before `points` were clipped to the image, so it may reach
  // past the edge. The recognizer reads along it: clipping a tilted line that
  // runs off the image turns its rectangle into a trapezoid, and a warp of
  // that squeezes the text near the edge. Empty: read along `points`.
  std::vector<Point> line;
};

// Throws garden::Error(kInvalidArgument / kLimitExceeded) on a bad view or
// transform.
void validate_map(const MapView& map, const char* what);
void validate_transform(const MapTransform& transform);

}  // namespace text
}  // namespace garden
