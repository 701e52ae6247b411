// Cutting text lines out of an image, by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "garden/error.h"
#include "support/errors.h"
#include "text_recognition/line_crop.h"

using garden::ErrorCode;
using garden::text::crop_line;
using garden::text::Quad;

namespace {

// A 40x30 image whose pixel (x, y) is (x, y, x + y, 255).
struct Gradient {
  std::vector<uint8_t> rgba;
  Gradient() {
    for (int y = 0; y < 30; ++y)
      for (int x = 0; x < 40; ++x) rgba.insert(rgba.end(), {uint8_t(x), uint8_t(y), uint8_t(x + y), 255});
  }
  garden::ImageView view() const { return {rgba.data(), 40, 30, 160}; }
};

const uint8_t* pixel(const garden::text::LineCrop& crop, int x, int y) {
  return &crop.rgba[(static_cast<size_t>(y) * crop.width + x) * 4];
}

// The crop's pixel (x, y) came from the image's pixel (source_x, source_y).
void check_source(const garden::text::LineCrop& crop, int x, int y, int source_x, int source_y) {
  INFO("crop pixel (" << x << ", " << y << ")");
  CHECK(int(pixel(crop, x, y)[0]) == source_x);
  CHECK(int(pixel(crop, x, y)[1]) == source_y);
}

ErrorCode error_of(const Gradient& image, const Quad& quad) {
  return garden_test::error_code_of([&] { crop_line(image.view(), quad); });
}

}  // namespace

TEST_CASE("an upright box is cut out pixel for pixel", "[text_recognition]") {
  const Gradient image;
  const auto crop = crop_line(image.view(), {{{5, 7}, {25, 7}, {25, 15}, {5, 15}}});
  REQUIRE(crop.width == 20);
  REQUIRE(crop.height == 8);
  for (int y = 0; y < crop.height; ++y)
    for (int x = 0; x < crop.width; ++x) check_source(crop, x, y, 5 + x, 7 + y);
}

TEST_CASE("a box given from another corner reads the image turned", "[text_recognition]") {
  const Gradient image;
  // The same rectangle with its corners listed from the bottom-right: the
  // crop is the region rotated by 180 degrees.
  const auto crop = crop_line(image.view(), {{{25, 15}, {5, 15}, {5, 7}, {25, 7}}});
  REQUIRE(crop.width == 20);
  REQUIRE(crop.height == 8);
  check_source(crop, 0, 0, 25, 15);
  check_source(crop, 19, 7, 6, 8);
}

TEST_CASE("a box far taller than wide is turned a quarter counter-clockwise", "[text_recognition]") {
  const Gradient image;
  const auto crop = crop_line(image.view(), {{{10, 2}, {14, 2}, {14, 22}, {10, 22}}});
  // 4 wide x 20 high becomes 20 wide x 4 high; the column x = 13 is now the top row.
  REQUIRE(crop.width == 20);
  REQUIRE(crop.height == 4);
  for (int x = 0; x < 20; ++x) check_source(crop, x, 0, 13, 2 + x);
  check_source(crop, 0, 3, 10, 2);
}

TEST_CASE("a box past the image's edge repeats its border", "[text_recognition]") {
  const Gradient image;
  const auto crop = crop_line(image.view(), {{{-10, -5}, {10, -5}, {10, 5}, {-10, 5}}});
  REQUIRE(crop.width == 20);
  check_source(crop, 0, 0, 0, 0);
  check_source(crop, 15, 9, 5, 4);
}

TEST_CASE("broken, degenerate and huge boxes are typed errors", "[text_recognition]") {
  const Gradient image;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CHECK(error_of(image, {{{nan, 0}, {10, 0}, {10, 10}, {0, 10}}}) == ErrorCode::kInvalidArgument);
  CHECK(error_of(image, {{{0, 0}, {0.5f, 0}, {0.5f, 0.5f}, {0, 0.5f}}}) == ErrorCode::kInvalidArgument);
  CHECK(error_of(image, {{{0, 0}, {1e9f, 0}, {1e9f, 1e9f}, {0, 1e9f}}}) == ErrorCode::kInvalidArgument);
  CHECK(error_of(image, {{{0, 0}, {20000, 0}, {20000, 10}, {0, 10}}}) == ErrorCode::kInvalidArgument);
  // Beyond any integer (found by text_lines_fuzzer: the message's size once overflowed a cast).
  CHECK(error_of(image, {{{0, 0}, {3e38f, 0}, {3e38f, 3e38f}, {0, 3e38f}}}) == ErrorCode::kInvalidArgument);
  // Three corners on one line and the fourth off it: no projective map.
  CHECK(error_of(image, {{{0, 0}, {10, 0}, {20, 0}, {5, 10}}}) == ErrorCode::kInvalidArgument);
}

TEST_CASE("a half turn reverses the pixels, each kept whole", "[text_recognition]") {
  for (const auto& [width, height] : std::vector<std::pair<int, int>>{{3, 2}, {1, 1}, {5, 1}, {2, 3}}) {
    garden::text::LineCrop crop;
    crop.width = width;
    crop.height = height;
    for (int i = 0; i < width * height; ++i)
      for (int c = 0; c < 4; ++c) crop.rgba.push_back(static_cast<uint8_t>(i * 4 + c));
    const garden::text::LineCrop original = crop;
    garden::text::turn_half(crop);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < 4; ++c)
          CHECK(crop.rgba[(size_t(y) * width + x) * 4 + c] ==
                original.rgba[(size_t(height - 1 - y) * width + (width - 1 - x)) * 4 + c]);
    garden::text::turn_half(crop);
    CHECK(crop.rgba == original.rgba);
  }
}

// The recognizer's cut: a line lower than its input height is warped straight
// to that height (one interpolation from the image), its width scaled alike.
TEST_CASE("a low line is warped straight to the height asked, its width scaled alike", "[text_recognition]") {
  const Gradient image;
  const auto crop = crop_line(image.view(), {{{5, 7}, {25, 7}, {25, 15}, {5, 15}}}, 24);
  REQUIRE(crop.width == 60);
  REQUIRE(crop.height == 24);
  // Every third pixel lands on a source pixel, which the cubic kernel reads as it is.
  for (int y = 0; y < 24; y += 3)
    for (int x = 0; x < 60; x += 3) check_source(crop, x, y, 5 + x / 3, 7 + y / 3);
  // Between them, values in between (the gradient is linear, so exactly).
  CHECK(int(pixel(crop, 1, 0)[0]) == 5);  // 5 + 1/3, rounded
  CHECK(int(pixel(crop, 2, 0)[0]) == 6);  // 5 + 2/3

  // A turned line: its height is the box's width.
  const auto turned = crop_line(image.view(), {{{10, 2}, {14, 2}, {14, 22}, {10, 22}}}, 12);
  REQUIRE(turned.width == 60);
  REQUIRE(turned.height == 12);
  check_source(turned, 0, 11, 10, 2);  // the box's top-left corner: the bottom-left after the turn
  check_source(turned, 3, 8, 11, 3);
  // A line as high as asked, or higher, is cut at its own size.
  CHECK(crop_line(image.view(), {{{5, 7}, {25, 7}, {25, 15}, {5, 15}}}, 8).height == 8);
  CHECK(crop_line(image.view(), {{{5, 7}, {25, 7}, {25, 15}, {5, 15}}}, 4).height == 8);
}
