// The reusable wasm-heap buffer that RGBA frames are written into, once per
// frame, before a runner reads them: JS asks for a view of the frame's size,
// fills it with one `set`, and hands the buffer to detect/classify/segment.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <vector>

#include "garden/image.h"

namespace garden_js {

class PixelBuffer {
 public:
  // A Uint8Array on the heap of `width * height * 4` bytes; it grows only when
  // a larger frame arrives. Valid until the next call that may allocate.
  emscripten::val view(int width, int height);
  // The last frame given to view(), checked (zero or huge sizes are errors).
  garden::ImageView image() const;

 private:
  std::vector<uint8_t> bytes_;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace garden_js
