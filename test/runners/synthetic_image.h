// Synthetic RGBA images for the runner tests: each pixel's color from a
// function of its position, alpha 255.
//
//   const SyntheticImage image(300, 200, [](int x, int y) { return Rgb{x, y, 0}; });
//   classifier.classify(image.view(), 5);
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "garden/image.h"

namespace garden_test {

using Rgb = std::array<int, 3>;  // stored as uint8_t, so modulo 256

struct SyntheticImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;

  template <typename ColorAt>
  SyntheticImage(int image_width, int image_height, ColorAt color_at)
      : width(image_width), height(image_height), rgba(static_cast<size_t>(image_width) * image_height * 4) {
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        uint8_t* pixel = &rgba[(static_cast<size_t>(y) * width + x) * 4];
        const Rgb color = color_at(x, y);
        for (int c = 0; c < 3; ++c) pixel[c] = static_cast<uint8_t>(color[c]);
        pixel[3] = 255;
      }
  }

  garden::ImageView view() const { return {rgba.data(), width, height, width * 4}; }
};

}  // namespace garden_test
