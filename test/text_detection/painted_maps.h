// Hand-built inputs for the DB and PSE post-processing tests: `count` planes
// of width x height floats (NCHW) at a background value, with rectangles
// painted in; and the map-to-image transform that changes nothing.
#pragma once

#include <cstddef>
#include <vector>

#include "text_detection/pse_postprocess.h"
#include "text_detection/text_box.h"

namespace garden_test {

struct PaintedMaps {
  int width, height, count;
  std::vector<float> data;

  PaintedMaps(int w, int h, int planes, float background)
      : width(w), height(h), count(planes), data(size_t(w) * h * planes, background) {}

  void paint(int plane, int x0, int y0, int x1, int y1, float value) {  // inclusive
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) data[(size_t(plane) * height + y) * width + x] = value;
  }
  garden::text::MapView plane(int index) const {
    return {data.data() + size_t(index) * width * height, width, height, width};
  }
  garden::text::KernelMaps kernels() const { return {data.data(), width, height, count, garden::Layout::kNCHW}; }
};

// Map pixel (x, y) is image pixel (x, y), on an image of width x height.
inline garden::text::MapTransform identity(int width, int height) {
  garden::text::MapTransform transform;
  transform.image_width = width;
  transform.image_height = height;
  return transform;
}

}  // namespace garden_test
