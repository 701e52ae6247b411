// Reading PNG and JPEG files into RGBA8 pixels, and writing RGBA8 as PNG, for
// the native tools (Debian's libpng and libjpeg). Every failure is a
// garden::Error: kIo when a file cannot be read or written, kInvalidArgument
// when its bytes are not a decodable PNG/JPEG, kLimitExceeded when it is
// larger than garden::kMaxImageSide / kMaxImagePixels (or, for a JPEG, needs
// more scans or decoder memory than a real photo does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "garden/image.h"

namespace garden {
namespace tools {

struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4, rows packed

  ImageView view() const { return {rgba.data(), width, height, width * 4}; }
};

// The format is recognized from the first bytes, not from the file name.
// read_image reads the file and hands its bytes to decode_image: there is one
// decoding path. `max_pixels` (at most kMaxImagePixels) bounds width * height
// and is checked from the header, before any pixel memory is allocated; each
// side is also at most kMaxImageSide.
RgbaImage read_image(const std::string& path);
RgbaImage decode_image(const uint8_t* data, size_t size, int64_t max_pixels = kMaxImagePixels);

void write_png(const std::string& path, const RgbaImage& image);

}  // namespace tools
}  // namespace garden
