// ICDAR 2015 (Robust Reading, task 4.1) text-detection metrics: precision,
// recall and F-measure (hmean) with IoU matching of polygons, as the
// challenge's own script computes them:
//
//  - a ground truth whose transcription is "###" is "don't care": it counts
//    neither as a miss nor as a match;
//  - a detection whose area lies more than 50 % inside one don't-care region
//    is ignored (neither a false positive nor a match);
//  - the remaining pairs are matched one-to-one, greedily in ground-truth then
//    detection order, when their IoU is above 0.5;
//  - precision = matched / cared detections, recall = matched / cared ground
//    truths, per image and summed over a data set.
//
// Intersections use Sutherland–Hodgman clipping, which needs the clipping
// polygon to be convex: of each pair, one polygon must be convex (ICDAR's
// quadrilaterals and every detector's rectangles are).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace garden {
namespace eval {

struct Point {
  double x;
  double y;
};
using Polygon = std::vector<Point>;

struct GroundTruth {
  Polygon polygon;
  bool dont_care = false;  // transcription "###"
};

struct EvalOptions {
  double iou_threshold = 0.5;        // a match needs IoU strictly above this
  double dont_care_threshold = 0.5;  // ignore a detection this much inside a don't-care region
};

// Absolute area (shoelace formula); 0 for fewer than 3 points.
double polygon_area(const Polygon& polygon);
bool is_convex(const Polygon& polygon);
// The part of `subject` inside `convex_clip` (either orientation).
// Throws garden::Error(kInvalidArgument) if `convex_clip` is not convex.
Polygon clip_polygon(const Polygon& subject, const Polygon& convex_clip);
// Area of a ∩ b; one of them must be convex.
double intersection_area(const Polygon& a, const Polygon& b);
double iou(const Polygon& a, const Polygon& b);

struct Counts {
  int cared_ground_truths = 0;
  int cared_detections = 0;
  int matched = 0;
};

struct Scores {
  double precision = 0;
  double recall = 0;
  double hmean = 0;
};

struct ImageEvaluation {
  Counts counts;
  Scores scores;
  std::vector<std::pair<int, int>> matches;  // (ground truth, detection) indices
  std::vector<bool> detection_ignored;       // by detection: inside a don't-care region
};

ImageEvaluation evaluate_image(const std::vector<GroundTruth>& ground_truths,
                               const std::vector<Polygon>& detections, const EvalOptions& options = {});

// Scores from counts, with the challenge's conventions for empty sets: no
// cared ground truth gives recall 1 (and precision 1 only without detections).
Scores scores_of(const Counts& counts);
// Data-set totals: counts summed over the images, then scored.
Scores accumulate(const std::vector<Counts>& images);

// One ICDAR 2015 annotation line: "x1,y1,x2,y2,x3,y3,x4,y4[,transcription]"
// (a UTF-8 BOM is skipped). Throws garden::Error(kInvalidArgument) on a bad line.
GroundTruth parse_icdar_line(const std::string& line);

}  // namespace eval
}  // namespace garden
