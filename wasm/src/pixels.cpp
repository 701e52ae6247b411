#include "pixels.h"

#include <string>

#include "garden/error.h"
#include "js_error.h"

namespace garden_js {

emscripten::val PixelBuffer::view(int width, int height) {
  return call_guarded([&] {
    garden::require(width > 0 && height > 0 && width <= garden::kMaxImageSide &&
                        height <= garden::kMaxImageSide,
                    garden::ErrorCode::kInvalidArgument,
                    "image size must be in [1, 16384] per side, got " + std::to_string(width) + "x" +
                        std::to_string(height));
    const size_t size = static_cast<size_t>(width) * static_cast<size_t>(height) * 4;
    if (bytes_.size() < size) bytes_.resize(size);
    width_ = width;
    height_ = height;
    return emscripten::val(emscripten::typed_memory_view(size, bytes_.data()));
  });
}

garden::ImageView PixelBuffer::image() const {
  garden::require(width_ > 0 && height_ > 0, garden::ErrorCode::kInvalidArgument,
                  "no image was written to the pixel buffer");
  garden::ImageView image;
  image.rgba = bytes_.data();
  image.width = width_;
  image.height = height_;
  image.stride_bytes = width_ * 4;
  return image;
}

}  // namespace garden_js
