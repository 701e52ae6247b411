// ICDAR 2015 detection metrics on hand-made cases whose answers are worked
// out in the comments. Areas are exact up to rounding: tolerance 1e-9.
#include <catch2/catch.hpp>

#include "garden/error.h"
#include "icdar_eval.h"

using namespace garden::eval;

namespace {

Polygon rect(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }
GroundTruth care(const Polygon& p) { return {p, false}; }
GroundTruth dont_care(const Polygon& p) { return {p, true}; }

}  // namespace

TEST_CASE("polygon areas and intersections", "[icdar]") {
  CHECK(polygon_area(rect(0, 0, 4, 3)) == Approx(12).margin(1e-9));
  // Clockwise or counter-clockwise: same area.
  CHECK(polygon_area({{0, 0}, {0, 3}, {4, 3}, {4, 0}}) == Approx(12).margin(1e-9));
  CHECK(polygon_area({{0, 0}, {1, 1}}) == 0);

  // Overlap of [0,4]x[0,4] and [2,6]x[1,5] is [2,4]x[1,4] = 6.
  CHECK(intersection_area(rect(0, 0, 4, 4), rect(2, 1, 6, 5)) == Approx(6).margin(1e-9));
  // IoU = 6 / (16 + 16 - 6).
  CHECK(iou(rect(0, 0, 4, 4), rect(2, 1, 6, 5)) == Approx(6.0 / 26).margin(1e-9));
  CHECK(iou(rect(0, 0, 1, 1), rect(2, 2, 3, 3)) == 0);
  CHECK(iou(rect(0, 0, 2, 2), rect(0, 0, 2, 2)) == Approx(1).margin(1e-9));

  // A diamond |x| + |y| <= 1 (area 2) inside the square [-1,1]^2: all of it;
  // against [0,1]^2: one quarter (0.5).
  const Polygon diamond = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  CHECK(intersection_area(diamond, rect(-1, -1, 1, 1)) == Approx(2).margin(1e-9));
  CHECK(intersection_area(diamond, rect(0, 0, 1, 1)) == Approx(0.5).margin(1e-9));

  // A non-convex "L" (area 3) against a convex square: clipping by the square.
  const Polygon l_shape = {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
  CHECK_FALSE(is_convex(l_shape));
  CHECK(polygon_area(l_shape) == Approx(3).margin(1e-9));
  CHECK(intersection_area(l_shape, rect(0.5, 0.5, 1.5, 1.5)) == Approx(0.75).margin(1e-9));
  CHECK(intersection_area(rect(0.5, 0.5, 1.5, 1.5), l_shape) == Approx(0.75).margin(1e-9));
  CHECK_THROWS_AS(intersection_area(l_shape, l_shape), garden::Error);
}

TEST_CASE("one-to-one greedy matching at IoU > 0.5", "[icdar]") {
  // Two ground truths, three detections: d0 matches g0 (IoU 1), d1 overlaps
  // g0 too but g0 is taken, d2 matches g1 with IoU 0.6 (area 6 of a 10 union).
  const std::vector<GroundTruth> gts = {care(rect(0, 0, 10, 10)), care(rect(20, 0, 30, 1))};
  const std::vector<Polygon> dets = {rect(0, 0, 10, 10), rect(1, 0, 11, 10), rect(20, 0, 26, 1)};
  // Precondition of the case: d2 against g1 is 6 / 10.
  REQUIRE(iou(gts[1].polygon, dets[2]) == Approx(0.6).margin(1e-9));
  const ImageEvaluation result = evaluate_image(gts, dets);
  REQUIRE(result.matches.size() == 2);
  CHECK(result.matches[0] == std::make_pair(0, 0));
  CHECK(result.matches[1] == std::make_pair(1, 2));
  CHECK(result.counts.cared_ground_truths == 2);
  CHECK(result.counts.cared_detections == 3);
  CHECK(result.scores.recall == Approx(1.0).margin(1e-9));
  CHECK(result.scores.precision == Approx(2.0 / 3).margin(1e-9));
  CHECK(result.scores.hmean == Approx(0.8).margin(1e-9));  // 2 * (2/3) * 1 / (5/3)

  // IoU exactly 0.5 is not a match (strictly above): 5 of a 10 union.
  const ImageEvaluation half = evaluate_image({care(rect(0, 0, 10, 1))}, {rect(0, 0, 5, 1)});
  CHECK(half.counts.matched == 0);
  CHECK(half.scores.hmean == 0);
}

TEST_CASE("don't-care regions ignore the detections mostly inside them", "[icdar]") {
  const std::vector<GroundTruth> gts = {care(rect(0, 0, 10, 10)), dont_care(rect(50, 0, 60, 10))};
  const std::vector<Polygon> dets = {
      rect(0, 0, 10, 10),   // matches the cared truth
      rect(52, 2, 58, 8),   // all inside the don't-care region: ignored
      rect(55, 0, 65, 10),  // half inside (50 %, not > 50 %): a false positive
  };
  const ImageEvaluation result = evaluate_image(gts, dets);
  CHECK(result.detection_ignored == std::vector<bool>{false, true, false});
  CHECK(result.counts.cared_ground_truths == 1);
  CHECK(result.counts.cared_detections == 2);
  CHECK(result.counts.matched == 1);
  CHECK(result.scores.precision == Approx(0.5).margin(1e-9));
  CHECK(result.scores.recall == Approx(1.0).margin(1e-9));
}

TEST_CASE("empty sets and data-set totals follow the challenge's conventions", "[icdar]") {
  // Nothing to find, nothing found: perfect. Nothing to find, something found: precision 0.
  CHECK(evaluate_image({}, {}).scores.hmean == Approx(1).margin(1e-9));
  const Scores spurious = evaluate_image({dont_care(rect(0, 0, 1, 1))}, {rect(5, 5, 6, 6)}).scores;
  CHECK(spurious.recall == 1);
  CHECK(spurious.precision == 0);
  // Something to find, nothing found.
  CHECK(evaluate_image({care(rect(0, 0, 1, 1))}, {}).scores.hmean == 0);

  // Totals are summed before dividing: (1 + 3) / (2 + 4) recall, (1 + 3) / (1 + 5) precision.
  const Scores total = accumulate({{2, 1, 1}, {4, 5, 3}});
  CHECK(total.recall == Approx(4.0 / 6).margin(1e-9));
  CHECK(total.precision == Approx(4.0 / 6).margin(1e-9));
}

TEST_CASE("ICDAR 2015 annotation lines", "[icdar]") {
  const GroundTruth word = parse_icdar_line("\xEF\xBB\xBF" "377,117,463,117,465,130,378,130,Genaxis Theatre\r\n");
  REQUIRE(word.polygon.size() == 4);
  CHECK(word.polygon[2].x == 465);
  CHECK(word.polygon[2].y == 130);
  CHECK_FALSE(word.dont_care);
  CHECK(parse_icdar_line("374,155,409,155,409,170,374,170,###").dont_care);
  CHECK_FALSE(parse_icdar_line("1,2,3,4,5,6,7,8,a,b").dont_care);  // commas in a transcription
  CHECK_FALSE(parse_icdar_line("1,2,3,4,5,6,7,8").dont_care);
  CHECK_THROWS_AS(parse_icdar_line("1,2,3,4,5,6,7"), garden::Error);
  CHECK_THROWS_AS(parse_icdar_line("1,2,3,x,5,6,7,8,word"), garden::Error);
}
