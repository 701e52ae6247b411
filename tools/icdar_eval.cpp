// ICDAR 2015 detection metrics (see icdar_eval.h).
#include "icdar_eval.h"

#include <cmath>
#include <cstdlib>

#include "garden/error.h"

namespace garden {
namespace eval {
namespace {

double signed_area(const Polygon& polygon) {
  double twice = 0;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const Point& a = polygon[i];
    const Point& b = polygon[(i + 1) % polygon.size()];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

double cross(const Point& origin, const Point& a, const Point& b) {
  return (a.x - origin.x) * (b.y - origin.y) - (a.y - origin.y) * (b.x - origin.x);
}

// Where segment p→q crosses the line through a→b (p and q on opposite sides).
Point crossing(const Point& p, const Point& q, const Point& a, const Point& b) {
  const double dp = cross(a, b, p), dq = cross(a, b, q);
  const double t = dp / (dp - dq);
  return {p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t};
}

// Keeps the part of `polygon` on the left of a→b (inside, for a
// counter-clockwise clipper).
Polygon clip_by_edge(const Polygon& polygon, const Point& a, const Point& b) {
  Polygon out;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const Point& current = polygon[i];
    const Point& next = polygon[(i + 1) % polygon.size()];
    const bool current_in = cross(a, b, current) >= 0, next_in = cross(a, b, next) >= 0;
    if (current_in) out.push_back(current);
    if (current_in != next_in) out.push_back(crossing(current, next, a, b));
  }
  return out;
}

double parse_coordinate(const std::string& text, const std::string& line) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  require(!text.empty() && *end == '\0' && std::isfinite(value), ErrorCode::kInvalidArgument,
          "icdar: bad coordinate '" + text + "' in line '" + line + "'");
  return value;
}

}  // namespace

double polygon_area(const Polygon& polygon) {
  return polygon.size() < 3 ? 0.0 : std::abs(signed_area(polygon));
}

bool is_convex(const Polygon& polygon) {
  if (polygon.size() < 3) return false;
  bool positive = false, negative = false;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const double turn = cross(polygon[i], polygon[(i + 1) % polygon.size()],
                              polygon[(i + 2) % polygon.size()]);
    positive |= turn > 0;
    negative |= turn < 0;
  }
  return !(positive && negative);
}

Polygon clip_polygon(const Polygon& subject, const Polygon& convex_clip) {
  require(is_convex(convex_clip), ErrorCode::kInvalidArgument,
          "icdar: the clipping polygon must be convex");
  // Sutherland–Hodgman assumes a counter-clockwise clipper (in y-up terms).
  Polygon clipper = convex_clip;
  if (signed_area(clipper) < 0) clipper.assign(convex_clip.rbegin(), convex_clip.rend());
  Polygon result = subject;
  for (size_t i = 0; i < clipper.size() && !result.empty(); ++i)
    result = clip_by_edge(result, clipper[i], clipper[(i + 1) % clipper.size()]);
  return result;
}

double intersection_area(const Polygon& a, const Polygon& b) {
  if (polygon_area(a) == 0 || polygon_area(b) == 0) return 0;
  if (is_convex(b)) return polygon_area(clip_polygon(a, b));
  require(is_convex(a), ErrorCode::kInvalidArgument,
          "icdar: intersection needs one convex polygon of the pair");
  return polygon_area(clip_polygon(b, a));
}

double iou(const Polygon& a, const Polygon& b) {
  const double inter = intersection_area(a, b);
  const double uni = polygon_area(a) + polygon_area(b) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

Scores scores_of(const Counts& counts) {
  Scores s;
  if (counts.cared_ground_truths == 0) {
    s.recall = 1.0;
    s.precision = counts.cared_detections > 0 ? 0.0 : 1.0;
  } else {
    s.recall = static_cast<double>(counts.matched) / counts.cared_ground_truths;
    s.precision = counts.cared_detections > 0
                      ? static_cast<double>(counts.matched) / counts.cared_detections
                      : 0.0;
  }
  s.hmean = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  return s;
}

ImageEvaluation evaluate_image(const std::vector<GroundTruth>& ground_truths,
                               const std::vector<Polygon>& detections, const EvalOptions& options) {
  ImageEvaluation result;
  result.detection_ignored.assign(detections.size(), false);
  for (size_t d = 0; d < detections.size(); ++d) {
    const double area = polygon_area(detections[d]);
    for (const GroundTruth& gt : ground_truths) {
      if (!gt.dont_care || area == 0) continue;
      if (intersection_area(detections[d], gt.polygon) / area > options.dont_care_threshold) {
        result.detection_ignored[d] = true;
        break;
      }
    }
  }

  std::vector<bool> gt_matched(ground_truths.size(), false), det_matched(detections.size(), false);
  for (size_t g = 0; g < ground_truths.size(); ++g) {
    if (ground_truths[g].dont_care) continue;
    ++result.counts.cared_ground_truths;
    for (size_t d = 0; d < detections.size() && !gt_matched[g]; ++d) {
      if (result.detection_ignored[d] || det_matched[d]) continue;
      if (iou(ground_truths[g].polygon, detections[d]) > options.iou_threshold) {
        gt_matched[g] = det_matched[d] = true;
        result.matches.emplace_back(static_cast<int>(g), static_cast<int>(d));
      }
    }
  }
  for (const bool ignored : result.detection_ignored) result.counts.cared_detections += ignored ? 0 : 1;
  result.counts.matched = static_cast<int>(result.matches.size());
  result.scores = scores_of(result.counts);
  return result;
}

Scores accumulate(const std::vector<Counts>& images) {
  Counts total;
  for (const Counts& c : images) {
    total.cared_ground_truths += c.cared_ground_truths;
    total.cared_detections += c.cared_detections;
    total.matched += c.matched;
  }
  return scores_of(total);
}

GroundTruth parse_icdar_line(const std::string& raw) {
  std::string line = raw;
  if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  GroundTruth gt;
  size_t start = 0;
  for (int i = 0; i < 8; ++i) {
    const size_t comma = line.find(',', start);
    require(i == 7 || comma != std::string::npos, ErrorCode::kInvalidArgument,
            "icdar: expected 8 coordinates in line '" + line + "'");
    const std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const double value = parse_coordinate(field, line);
    if (i % 2 == 0) gt.polygon.push_back({value, 0});
    else gt.polygon.back().y = value;
    start = comma == std::string::npos ? line.size() : comma + 1;
  }
  // The transcription is the rest of the line and may itself contain commas.
  gt.dont_care = start < line.size() && line.substr(start) == "###";
  return gt;
}

}  // namespace eval
}  // namespace garden
