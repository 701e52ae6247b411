// Connected components of a binary mask and the outer contour of a component:
// the bitmap side of text-detection post-processing.
#pragma once

#include <cstdint>
#include <vector>

#include "geometry.h"

namespace garden {
namespace text {

enum class Connectivity { kFour, kEight };

struct ComponentStats {
  int label = 0;         // 1-based, as written into the label map
  int area = 0;          // pixels
  int first_x = 0;       // the first pixel in raster order: always on the
  int first_y = 0;       // component's outer border
};

// Labels the non-zero pixels of `mask` (width x height, row-major) into
// `labels` (0 = background, 1..n in raster order of first pixels) and returns
// one entry per component. `queue` is scratch space reused across calls.
std::vector<ComponentStats> label_components(const uint8_t* mask, int width, int height,
                                             Connectivity connectivity, int32_t* labels,
                                             std::vector<int32_t>& queue);

// The outer border of the 8-connected component `label` that contains the
// pixel (start_x, start_y), which must be its first pixel in raster order:
// pixel centers, clockwise on screen, each border pixel once per visit (a
// one-pixel-wide part is walked out and back, as cv2.findContours does).
std::vector<Point> trace_outer_contour(const int32_t* labels, int width, int height, int label,
                                       int start_x, int start_y);

}  // namespace text
}  // namespace garden
