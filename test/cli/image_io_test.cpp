// The tools' PNG/JPEG decoding on hostile bytes (what decode_image_fuzzer
// feeds it): sizes are refused from the header before pixels are allocated,
// and libjpeg's and libpng's failures become a garden::Error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "garden/error.h"
#include "image_io.h"
#include "support/fixtures.h"

using garden::ErrorCode;
using garden::tools::decode_image;
using garden::tools::RgbaImage;

namespace {

using Bytes = std::vector<uint8_t>;

void append_u16(Bytes& out, int value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value & 0xff));
}

// A progressive 8-bit JPEG of width x height with `components` (1: gray,
// 3: YCbCr) whose every scan is a DC scan of the first component coding a
// zero difference for one block (the rest of the image has no data), so an
// 8 x 8 gray image is 128 everywhere. libjpeg decodes each scan in turn.
Bytes progressive_jpeg(int width, int height, int scans, int components = 1) {
  Bytes out = {0xff, 0xd8};                              // SOI
  out.insert(out.end(), {0xff, 0xdb, 0x00, 0x43, 0x00});  // DQT, table 0: all ones
  out.insert(out.end(), 64, 1);
  out.insert(out.end(), {0xff, 0xc2});  // SOF2 (progressive)
  append_u16(out, 8 + 3 * components);
  out.push_back(8);  // bits
  append_u16(out, height);
  append_u16(out, width);
  out.push_back(static_cast<uint8_t>(components));
  for (int c = 1; c <= components; ++c)
    out.insert(out.end(), {static_cast<uint8_t>(c), 0x11, 0x00});  // 1x1 sampling, table 0
  out.insert(out.end(), {0xff, 0xc4, 0x00, 0x14, 0x00,   // DHT, DC table 0:
                         0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // one 1-bit code,
                         0x00});                                                // for category 0
  for (int s = 0; s < scans; ++s) {
    out.insert(out.end(), {0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00,  // SOS: component 1, table 0,
                           0x00, 0x00, 0x00});                         // Ss=0 Se=0 Ah=0 Al=0
    out.push_back(0x7f);  // the code '0' (difference 0), padded with ones
  }
  out.insert(out.end(), {0xff, 0xd9});  // EOI
  return out;
}

// A 17 x 13 PNG written by the tools' own writer, with distinct pixels.
Bytes small_png(RgbaImage* pixels) {
  RgbaImage image;
  image.width = 17;
  image.height = 13;
  for (int i = 0; i < 17 * 13; ++i)
    image.rgba.insert(image.rgba.end(), {static_cast<uint8_t>(i), static_cast<uint8_t>(3 * i), 7, 255});
  const std::string path = "image_io_test_small.png";
  garden::tools::write_png(path, image);
  const Bytes bytes = garden_test::read_bytes(path);
  std::remove(path.c_str());
  *pixels = image;
  return bytes;
}

uint32_t crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// The same PNG claiming another size: IHDR's width and height, and its CRC
// (libpng checks it), rewritten. The pixel data no longer matches.
Bytes with_png_size(Bytes png, uint32_t width, uint32_t height) {
  const size_t ihdr = 8 + 4;  // signature, chunk length; then "IHDR" and its 13 bytes
  REQUIRE(std::string(png.begin() + ihdr, png.begin() + ihdr + 4) == "IHDR");
  for (int k = 0; k < 4; ++k) {
    png[ihdr + 4 + k] = static_cast<uint8_t>(width >> (24 - 8 * k));
    png[ihdr + 8 + k] = static_cast<uint8_t>(height >> (24 - 8 * k));
  }
  const uint32_t crc = crc32(png.data() + ihdr, 4 + 13);
  for (int k = 0; k < 4; ++k) png[ihdr + 17 + k] = static_cast<uint8_t>(crc >> (24 - 8 * k));
  return png;
}

// Offset of the `nth` (from 0) marker 0xff `code`.
size_t find_marker(const Bytes& bytes, uint8_t code, int nth) {
  const Bytes marker = {0xff, code};
  auto at = bytes.begin();
  for (int k = 0;; ++k) {
    at = std::search(at, bytes.end(), marker.begin(), marker.end());
    REQUIRE(at != bytes.end());
    if (k == nth) return static_cast<size_t>(at - bytes.begin());
    ++at;
  }
}

ErrorCode decode_error(const Bytes& bytes, int64_t max_pixels, std::string* message = nullptr) {
  try {
    decode_image(bytes.data(), bytes.size(), max_pixels);
  } catch (const garden::Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  FAIL("the image decoded without an error");
  return ErrorCode::kIo;
}

}  // namespace

TEST_CASE("decode_image decodes PNG and refuses sizes beyond the bounds from the header", "[image_io]") {
  RgbaImage expected;
  const Bytes png = small_png(&expected);
  const RgbaImage image = decode_image(png.data(), png.size());
  CHECK(image.width == 17);
  CHECK(image.height == 13);
  CHECK(image.rgba == expected.rgba);

  // The caller's pixel bound: 221 pixels fit in 221, not in 220.
  CHECK(decode_image(png.data(), png.size(), 17 * 13).rgba == expected.rgba);
  CHECK(decode_error(png, 17 * 13 - 1) == ErrorCode::kLimitExceeded);

  // Headers claiming more than a side of 16384 or 2^28 pixels: refused
  // before the 1 GiB+ buffer their pixels would need is allocated.
  std::string message;
  CHECK(decode_error(with_png_size(png, 16385, 1), garden::kMaxImagePixels, &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("16385x1") != std::string::npos);
  CHECK(decode_error(with_png_size(png, 20000, 20000), garden::kMaxImagePixels) == ErrorCode::kLimitExceeded);
  // Within the bounds, the short pixel data is a bad PNG.
  CHECK(decode_error(with_png_size(png, 18, 13), garden::kMaxImagePixels) == ErrorCode::kInvalidArgument);

  CHECK(decode_error(png, 0) == ErrorCode::kInvalidArgument);  // not a bound
}

TEST_CASE("decode_image decodes progressive JPEG and bounds its size and scans", "[image_io]") {
  const Bytes jpeg = progressive_jpeg(8, 8, 3);
  const RgbaImage image = decode_image(jpeg.data(), jpeg.size());
  REQUIRE(image.width == 8);
  REQUIRE(image.height == 8);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    INFO("pixel " << i / 4);
    CHECK(image.rgba[i] == 128);
    CHECK(image.rgba[i + 3] == 255);
  }

  std::string message;
  CHECK(decode_error(progressive_jpeg(16385, 8, 1), garden::kMaxImagePixels, &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("16385x8") != std::string::npos);
  CHECK(decode_error(progressive_jpeg(64, 64, 1), 64 * 64 - 1) == ErrorCode::kLimitExceeded);
  // Within the pixel bound, but a progressive image keeps every coefficient:
  // 1.5 GiB for 16384 x 16384 in three components, more than libjpeg may use.
  CHECK(decode_error(progressive_jpeg(16384, 16384, 1, 3), garden::kMaxImagePixels, &message) ==
        ErrorCode::kLimitExceeded);
  CHECK(message.find("MiB") != std::string::npos);

  // Every scan is a full decoding pass: a file of a few kilobytes can ask for
  // thousands. 256 are accepted, the 257th is refused.
  const Bytes most_scans = progressive_jpeg(8, 8, 256);
  CHECK(decode_image(most_scans.data(), most_scans.size()).width == 8);
  CHECK(decode_error(progressive_jpeg(8, 8, 257), garden::kMaxImagePixels, &message) == ErrorCode::kLimitExceeded);
  CHECK(message.find("scans") != std::string::npos);
}

TEST_CASE("decode_image turns libjpeg's and libpng's failures into kInvalidArgument", "[image_io]") {
  RgbaImage expected;
  const Bytes png = small_png(&expected);
  const Bytes jpeg = progressive_jpeg(8, 8, 3);
  // Every prefix: each stops the decoder somewhere else (libjpeg's error_exit
  // jumps out of a different place each time); none may crash (nor, in the
  // AddressSanitizer build, leak).
  for (const Bytes* file : {&png, &jpeg}) {
    for (size_t size = 1; size < file->size(); ++size) {
      try {
        decode_image(file->data(), size);
      } catch (const garden::Error& e) {
        INFO(size << ": " << e.what());
        CHECK(e.code() == ErrorCode::kInvalidArgument);
      }
    }
  }
  // libjpeg fails in jpeg_read_header (a 12-bit JPEG) and inside
  // jpeg_start_decompress, after it allocated its buffers (a second scan of a
  // component the frame does not have).
  Bytes twelve_bits = jpeg;
  twelve_bits[find_marker(jpeg, 0xc2, 0) + 4] = 12;
  Bytes bad_scan = jpeg;
  bad_scan[find_marker(jpeg, 0xda, 1) + 5] = 2;
  for (const Bytes* file : {&twelve_bits, &bad_scan}) {
    std::string message;
    CHECK(decode_error(*file, garden::kMaxImagePixels, &message) == ErrorCode::kInvalidArgument);
    INFO(message);
    CHECK(message.find("bad JPEG: ") == 0);
    CHECK(message.size() > std::string("bad JPEG: ").size());  // libjpeg's own words follow
  }
}
