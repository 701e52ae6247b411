// PaddleOCR DB post-processing on a hand-built probability map.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "garden/error.h"
#include "painted_maps.h"
#include "text_detection/db_postprocess.h"

using namespace garden::text;
using garden_test::identity;

namespace {

// One probability map, 0.05 where nothing is painted.
struct ProbabilityMap : garden_test::PaintedMaps {
  ProbabilityMap(int w, int h) : PaintedMaps(w, h, 1, 0.05f) {}
  void fill(int x0, int y0, int x1, int y1, float p) { paint(0, x0, y0, x1, y1, p); }
  MapView view() const { return plane(0); }
};

// The box PaddleOCR expects for a filled rectangle of pixels x0..x1, y0..y1:
// the pixel-center rectangle grown on every side by area * 1.5 / perimeter.
void check_unclipped(const TextBox& box, float x0, float y0, float x1, float y1) {
  const double w = x1 - x0, h = y1 - y0;
  const double d = w * h * 1.5 / (2 * (w + h));
  constexpr double kTol = 1e-3;  // float geometry on coordinates below 100
  REQUIRE(box.points.size() == 4);
  CHECK(box.points[0].x == Approx(x0 - d).margin(kTol));  // top-left
  CHECK(box.points[0].y == Approx(y0 - d).margin(kTol));
  CHECK(box.points[1].x == Approx(x1 + d).margin(kTol));  // top-right
  CHECK(box.points[1].y == Approx(y0 - d).margin(kTol));
  CHECK(box.points[2].x == Approx(x1 + d).margin(kTol));  // bottom-right
  CHECK(box.points[2].y == Approx(y1 + d).margin(kTol));
  CHECK(box.points[3].x == Approx(x0 - d).margin(kTol));  // bottom-left
  CHECK(box.points[3].y == Approx(y1 + d).margin(kTol));
}

}  // namespace

TEST_CASE("DB finds two rectangles with PaddleOCR's unclipped extents", "[db]") {
  ProbabilityMap map(100, 60);
  map.fill(10, 10, 39, 19, 0.9f);
  map.fill(50, 35, 89, 44, 0.8f);
  map.fill(60, 5, 90, 15, 0.5f);   // above thresh, but its score 0.5 < box_thresh 0.6
  map.fill(5, 50, 40, 51, 0.95f);  // 2 pixels tall: short side 1 < min_size 3
  DbPostprocessor db;
  std::vector<TextBox> boxes = db.run(map.view(), identity(100, 60));
  REQUIRE(boxes.size() == 2);
  std::sort(boxes.begin(), boxes.end(),
            [](const TextBox& a, const TextBox& b) { return a.points[0].x < b.points[0].x; });
  check_unclipped(boxes[0], 10, 10, 39, 19);
  check_unclipped(boxes[1], 50, 35, 89, 44);
  for (const TextBox& box : boxes) {  // nothing to clip: the line is the box
    REQUIRE(box.line.size() == 4);
    for (int c = 0; c < 4; ++c) {
      CHECK(box.line[c].x == box.points[c].x);
      CHECK(box.line[c].y == box.points[c].y);
    }
  }
  CHECK(boxes[0].score == Approx(0.9f).epsilon(1e-6));
  CHECK(boxes[1].score == Approx(0.8f).epsilon(1e-6));
}

TEST_CASE("DB boxes are scaled to the image and clipped to it; their line is kept whole", "[db]") {
  ProbabilityMap map(64, 32);
  map.fill(2, 8, 30, 16, 0.9f);   // unclip pushes it past the left edge
  MapTransform half = identity(32, 16);
  half.scale_x = 0.5f;
  half.scale_y = 0.5f;
  DbPostprocessor db;
  const std::vector<TextBox> boxes = db.run(map.view(), half);
  REQUIRE(boxes.size() == 1);
  const double d = 28.0 * 8.0 * 1.5 / (2 * (28.0 + 8.0));  // 4.667 map pixels
  const auto& p = boxes[0].points;
  CHECK(p[0].x == 0.f);  // 2 - d < 0: clipped
  CHECK(p[0].y == Approx((8 - d) / 2).margin(1e-3));
  CHECK(p[2].x == Approx((30 + d) / 2).margin(1e-3));
  CHECK(p[2].y == Approx((16 + d) / 2).margin(1e-3));
  for (const auto& q : p) {
    CHECK(q.x >= 0.f);
    CHECK(q.x <= 31.f);
    CHECK(q.y >= 0.f);
    CHECK(q.y <= 15.f);
  }
  // The line the recognizer reads is the same rectangle, not clipped.
  const auto& line = boxes[0].line;
  REQUIRE(line.size() == 4);
  CHECK(line[0].x == Approx((2 - d) / 2).margin(1e-3));
  CHECK(line[3].x == Approx((2 - d) / 2).margin(1e-3));
  for (int c = 0; c < 4; ++c) {
    CHECK(line[c].y == Approx(p[c].y).margin(1e-6));
    if (c == 1 || c == 2) CHECK(line[c].x == Approx(p[c].x).margin(1e-6));
  }
}

TEST_CASE("DB keeps at most max_candidates regions", "[db]") {
  ProbabilityMap map(100, 20);
  for (int i = 0; i < 5; ++i) map.fill(2 + i * 20, 5, 15 + i * 20, 12, 0.9f);
  DbOptions options;
  options.max_candidates = 3;
  DbPostprocessor db(options);
  CHECK(db.run(map.view(), identity(100, 20)).size() == 3);
  DbPostprocessor all;
  CHECK(all.run(map.view(), identity(100, 20)).size() == 5);
}

TEST_CASE("DB rejects bad options and maps", "[db]") {
  auto rejects = [](DbOptions o) {
    try {
      DbPostprocessor db(o);
    } catch (const garden::Error& e) {
      return e.code() == garden::ErrorCode::kInvalidArgument;
    }
    return false;
  };
  DbOptions o;
  o.thresh = 1.5f;
  CHECK(rejects(o));
  o = DbOptions{};
  o.box_thresh = -0.1f;
  CHECK(rejects(o));
  o = DbOptions{};
  o.unclip_ratio = 0.f;
  CHECK(rejects(o));
  o = DbOptions{};
  o.max_candidates = 0;
  CHECK(rejects(o));
  CHECK_FALSE(rejects(DbOptions{}));

  // Rows shorter than the map, no data, a zero scale.
  const ProbabilityMap map(8, 8);
  MapView short_rows = map.view();
  short_rows.stride = 4;
  MapView no_data = map.view();
  no_data.data = nullptr;
  MapTransform flat = identity(8, 8);
  flat.scale_x = 0.f;
  DbPostprocessor db;
  CHECK_THROWS_AS(db.run(short_rows, identity(8, 8)), garden::Error);
  CHECK_THROWS_AS(db.run(no_data, identity(8, 8)), garden::Error);
  CHECK_THROWS_AS(db.run(map.view(), flat), garden::Error);
}

TEST_CASE("DB slow score measures the region, fast score its box", "[db]") {
  // An L-shaped stroke fills under a quarter of its bounding box.
  ProbabilityMap map(80, 60);
  map.fill(10, 10, 59, 14, 0.9f);
  map.fill(10, 15, 14, 49, 0.9f);
  DbPostprocessor fast;
  CHECK(fast.run(map.view(), identity(80, 60)).empty());
  DbOptions options;
  options.score_mode = garden::text::ScoreMode::kSlow;
  DbPostprocessor slow(options);
  const std::vector<TextBox> boxes = slow.run(map.view(), identity(80, 60));
  REQUIRE(boxes.size() == 1);
  CHECK(boxes[0].score == Approx(0.9f).epsilon(1e-6));

  // A ring: its contour encloses the hole, which counts in the slow score.
  ProbabilityMap ring(40, 40);
  ring.fill(10, 10, 29, 29, 0.9f);
  ring.fill(12, 12, 27, 27, 0.05f);
  options.box_thresh = 0.3f;
  DbPostprocessor slow_ring(options);
  const std::vector<TextBox> ring_boxes = slow_ring.run(ring.view(), identity(40, 40));
  REQUIRE(ring_boxes.size() == 1);
  CHECK(ring_boxes[0].score == Approx((144 * 0.9 + 256 * 0.05) / 400).epsilon(1e-5));
}
