// Reading PNG and JPEG files into RGBA8 pixels, and writing RGBA8 as PNG, for
// the native tools (Debian's libpng and libjpeg). Every failure is a
// garden::Error: kIo when a file cannot be read or written, kInvalidArgument
// when its bytes are not a decodable PNG/JPEG, kLimitExceeded when it is
// larger than garden::kMaxImageSide / kMaxImagePixels.
#pragma once

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
RgbaImage read_image(const std::string& path);
RgbaImage decode_image(const uint8_t* data, size_t size);

void write_png(const std::string& path, const RgbaImage& image);

}  // namespace tools
}  // namespace garden
