// Reading order of detected lines, by hand.
#include <catch2/catch.hpp>

#include "text_recognition/reading_order.h"

using garden::text::Quad;
using garden::text::reading_order;

namespace {

Quad box(float x, float y, float w = 50.f, float h = 12.f) {
  return {{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}};
}

}  // namespace

TEST_CASE("lines read top to bottom, and left to right within a line", "[text_recognition]") {
  // Two lines; on each, words whose tops differ by a few pixels (a tilted
  // scan), given in no particular order.
  const std::vector<Quad> boxes = {box(120, 42), box(10, 40), box(200, 3), box(10, 0), box(110, 1), box(65, 44)};
  CHECK(reading_order(boxes) == std::vector<size_t>{3, 4, 2, 1, 5, 0});
  // Tops 10 px or more apart are separate lines, whatever their left edges.
  CHECK(reading_order({box(100, 0), box(0, 10)}) == std::vector<size_t>{0, 1});
  CHECK(reading_order({}).empty());
}
