// PSENet progressive scale expansion on hand-built kernel maps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "garden/error.h"
#include "painted_maps.h"
#include "text_detection/pse_postprocess.h"

using namespace garden::text;
using garden_test::identity;

namespace {

constexpr float kOn = 5.f;    // logit well above the default salience of 1
constexpr float kOff = -5.f;

// Kernel logits, kOff where nothing is painted.
struct Maps : garden_test::PaintedMaps {
  Maps(int w, int h, int k) : PaintedMaps(w, h, k, kOff) {}
  void fill(int kernel, int x0, int y0, int x1, int y1, float value = kOn) { paint(kernel, x0, y0, x1, y1, value); }
  KernelMaps view() const { return kernels(); }
};

struct PseResult {
  std::vector<TextBox> boxes;
  std::vector<int32_t> labels;
};

// PSE with `options` on the maps, mapped one to one onto an image of their size.
PseResult run_pse(const Maps& maps, const PseOptions& options = {}) {
  PsePostprocessor pse(options);
  PseResult result;
  result.boxes = pse.run(maps.view(), identity(maps.width, maps.height));
  result.labels = pse.labels();
  return result;
}

std::pair<float, float> x_range(const TextBox& box) {
  float lo = box.points[0].x, hi = lo;
  for (const auto& p : box.points) {
    lo = std::min(lo, p.x);
    hi = std::max(hi, p.x);
  }
  return {lo, hi};
}

}  // namespace

TEST_CASE("PSE separates two touching words by their kernels", "[pse]") {
  // One connected text region x 2..29, y 4..11; two kernels inside it.
  Maps maps(32, 16, 2);
  maps.fill(0, 2, 4, 29, 11);
  maps.fill(1, 5, 6, 10, 9);
  maps.fill(1, 19, 6, 25, 9);
  PseResult result = run_pse(maps);
  std::vector<TextBox>& boxes = result.boxes;
  REQUIRE(boxes.size() == 2);
  std::sort(boxes.begin(), boxes.end(),
            [](const TextBox& a, const TextBox& b) { return x_range(a).first < x_range(b).first; });
  // Together the two regions cover the text region's full width, split
  // between the kernels (the seeds are 9 and 8 pixels from the middle).
  CHECK(x_range(boxes[0]).first == Approx(2.f));
  CHECK(x_range(boxes[1]).second == Approx(29.f));
  CHECK(x_range(boxes[0]).second < x_range(boxes[1]).first);
  CHECK(x_range(boxes[0]).second > 10.f);
  CHECK(x_range(boxes[1]).first < 19.f);
  for (const TextBox& b : boxes) {
    CHECK(b.points.size() == 4);
    CHECK(b.score == Approx(1.f / (1.f + std::exp(-kOn))).epsilon(1e-5));
  }
  // Every text pixel got exactly one of the two labels.
  const std::vector<int32_t>& labels = result.labels;
  for (int y = 4; y <= 11; ++y)
    for (int x = 2; x <= 29; ++x) CHECK(labels[y * 32 + x] > 0);
}

TEST_CASE("PSE expansion is first come, first served", "[pse]") {
  // A one-row text strip x 0..20 with single-pixel seeds at x = 2 and 12.
  // Breadth-first growth reaches x = 7 from both sides in the same round;
  // the seed earlier in raster order (x = 2) claims it and keeps it.
  Maps maps(21, 3, 2);
  maps.fill(0, 0, 1, 20, 1);
  maps.fill(1, 2, 1, 2, 1);
  maps.fill(1, 12, 1, 12, 1);
  PseOptions options;
  options.min_text_box_area = 1;
  const PseResult result = run_pse(maps, options);
  CHECK(result.boxes.size() == 2);
  const std::vector<int32_t>& labels = result.labels;
  const int left = labels[1 * 21 + 2], right = labels[1 * 21 + 12];
  REQUIRE(left != right);
  for (int x = 0; x <= 7; ++x) CHECK(labels[21 + x] == left);
  for (int x = 8; x <= 20; ++x) CHECK(labels[21 + x] == right);
  for (int x = 0; x <= 20; ++x) {  // rows outside the text stay unlabeled
    CHECK(labels[x] == 0);
    CHECK(labels[2 * 21 + x] == 0);
  }
}

TEST_CASE("PSE grows through each larger kernel in turn", "[pse]") {
  // Three maps: text x 0..29, middle kernel x 10..19 only, smallest x 14..15.
  // A second smallest-kernel seed at x 26..27 lies outside the middle
  // kernel, so it cannot grow at the middle stage; the first seed takes the
  // middle kernel, and both then race through the text region.
  Maps maps(30, 3, 3);
  maps.fill(0, 0, 0, 29, 2);
  maps.fill(1, 10, 0, 19, 2);
  maps.fill(2, 14, 0, 15, 2);
  maps.fill(2, 26, 0, 27, 2);
  maps.fill(1, 26, 0, 27, 2);  // the seed itself must be in every kernel
  PseOptions options;
  options.min_text_box_area = 4;
  const std::vector<int32_t> labels = run_pse(maps, options).labels;
  const int a = labels[14], b = labels[26];
  REQUIRE(a != 0);
  REQUIRE(b != 0);
  REQUIRE(a != b);
  for (int x = 10; x <= 19; ++x) CHECK(labels[x] == a);  // the middle kernel
  for (int x = 0; x < 10; ++x) CHECK(labels[x] == a);
  // From x = 19 and x = 26 the two labels meet in between.
  CHECK(labels[22] == a);
  CHECK(labels[23] == b);
}

TEST_CASE("PSE filters by area and confidence and maps to the image", "[pse]") {
  Maps maps(40, 20, 2);
  maps.fill(0, 2, 2, 17, 8);            // confident word
  maps.fill(1, 5, 4, 14, 6);
  maps.fill(0, 22, 2, 37, 8, 1.5f);     // above salience, but sigmoid(1.5) = 0.82 < 0.94
  maps.fill(1, 25, 4, 34, 6, 1.5f);
  maps.fill(0, 2, 14, 4, 15);           // tiny: 2-pixel kernel < min area 10
  maps.fill(1, 3, 14, 4, 14);
  MapTransform to_image = identity(160, 80);
  to_image.scale_x = 4.f;
  to_image.scale_y = 4.f;
  to_image.offset_x = 1.5f;
  to_image.offset_y = 1.5f;
  PsePostprocessor pse;
  const std::vector<TextBox> boxes = pse.run(maps.view(), to_image);
  REQUIRE(boxes.size() == 1);
  const auto& p = boxes[0].points;
  CHECK(p[0].x == Approx(2 * 4 + 1.5f));
  CHECK(p[0].y == Approx(2 * 4 + 1.5f));
  CHECK(p[2].x == Approx(17 * 4 + 1.5f));
  CHECK(p[2].y == Approx(8 * 4 + 1.5f));

  PseOptions lenient;
  lenient.min_text_confidence = 0.8f;
  lenient.process_points = garden::text::ProcessPoints::kPolygon;
  PsePostprocessor pse2(lenient);
  const std::vector<TextBox> both = pse2.run(maps.view(), identity(40, 20));
  REQUIRE(both.size() == 2);
  // A rectangle's traced border: 2 * (16 + 7) - 4 pixels.
  CHECK(both[0].points.size() == 42);
}

TEST_CASE("PSE rejects bad options and maps", "[pse]") {
  PseOptions bad;
  bad.min_text_confidence = 1.5f;
  CHECK_THROWS_AS(PsePostprocessor(bad), garden::Error);
  bad = PseOptions{};
  bad.min_text_box_area = -1.f;
  CHECK_THROWS_AS(PsePostprocessor(bad), garden::Error);
  bad = PseOptions{};
  bad.resize_length = 0;
  CHECK_THROWS_AS(PsePostprocessor(bad), garden::Error);
  PsePostprocessor pse;
  Maps maps(8, 8, 2);
  KernelMaps view = maps.view();
  view.count = 0;
  CHECK_THROWS_AS(pse.run(view, identity(8, 8)), garden::Error);
  view = maps.view();
  view.data = nullptr;
  CHECK_THROWS_AS(pse.run(view, identity(8, 8)), garden::Error);
  CHECK_THROWS_AS(pse.run(maps.view(), identity(0, 8)), garden::Error);
}
