// PaddleOCR DB post-processing (see db_postprocess.h).
#include "db_postprocess.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "contours.h"
#include "garden/error.h"

namespace garden {
namespace text {
namespace {

float short_side(const RotatedRect& rect) { return std::min(rect.width, rect.height); }

std::vector<Point> corner_list(const std::array<Point, 4>& corners) {
  return {corners.begin(), corners.end()};
}

float distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

// Signed distance of p from the directed edge a -> b, positive on the side
// where a clockwise-on-screen polygon has its inside.
float inward_distance(Point a, Point b, Point p) {
  const float ex = b.x - a.x, ey = b.y - a.y;
  const float length = std::hypot(ex, ey);
  if (length == 0.f) return 0.f;
  return (ex * (p.y - a.y) - ey * (p.x - a.x)) / length;
}

}  // namespace

void validate(const DbOptions& o) {
  auto unit = [](float v) { return std::isfinite(v) && v >= 0.f && v <= 1.f; };
  require(unit(o.thresh), ErrorCode::kInvalidArgument, "DB: thresh must be in [0, 1]");
  require(unit(o.box_thresh), ErrorCode::kInvalidArgument, "DB: box_thresh must be in [0, 1]");
  require(std::isfinite(o.unclip_ratio) && o.unclip_ratio > 0.f && o.unclip_ratio <= 16.f,
          ErrorCode::kInvalidArgument, "DB: unclip_ratio must be in (0, 16]");
  require(o.max_candidates > 0, ErrorCode::kInvalidArgument,
          "DB: max_candidates must be positive");
  require(o.min_size >= 0, ErrorCode::kInvalidArgument, "DB: min_size must not be negative");
  require(o.score_mode == ScoreMode::kFast || o.score_mode == ScoreMode::kSlow,
          ErrorCode::kInvalidArgument, "DB: unknown score_mode");
}

DbPostprocessor::DbPostprocessor(const DbOptions& options) : options_(options) {
  validate(options_);
}

// PaddleOCR's "fast" score: the mean probability over the pixels of the
// box's bounding rectangle whose centers lie in the box (edges included).
float DbPostprocessor::box_score(const MapView& map, const std::array<Point, 4>& box) const {
  float min_x = box[0].x, max_x = box[0].x, min_y = box[0].y, max_y = box[0].y;
  for (const Point& p : box) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const int x0 = std::clamp(static_cast<int>(std::floor(min_x)), 0, map.width - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(max_x)), 0, map.width - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(min_y)), 0, map.height - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(max_y)), 0, map.height - 1);
  constexpr float kEdgeTolerance = 1e-3f;  // corners sit on pixel centers
  double sum = 0.0;
  int count = 0;
  for (int y = y0; y <= y1; ++y) {
    const float* row = map.data + static_cast<size_t>(y) * map.stride;
    for (int x = x0; x <= x1; ++x) {
      const Point p{static_cast<float>(x), static_cast<float>(y)};
      bool inside = true;
      for (int e = 0; e < 4 && inside; ++e) {
        inside = inward_distance(box[e], box[(e + 1) % 4], p) >= -kEdgeTolerance;
      }
      if (!inside) continue;
      sum += row[x];
      ++count;
    }
  }
  return count == 0 ? 0.f : static_cast<float>(sum / count);
}

// PaddleOCR's "slow" score: the mean probability over the pixels the outer
// contour encloses: the region's own pixels plus any holes in it.
float DbPostprocessor::region_score(const MapView& map, const std::vector<Point>& contour,
                                    int label) const {
  float min_x = contour[0].x, max_x = min_x, min_y = contour[0].y, max_y = min_y;
  for (const Point& p : contour) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  double sum = 0.0;
  int count = 0;
  for (int y = static_cast<int>(min_y); y <= static_cast<int>(max_y); ++y) {
    const float* row = map.data + static_cast<size_t>(y) * map.stride;
    const int32_t* labels = labels_.data() + static_cast<size_t>(y) * map.width;
    for (int x = static_cast<int>(min_x); x <= static_cast<int>(max_x); ++x) {
      const Point p{static_cast<float>(x), static_cast<float>(y)};
      if (labels[x] != label && !point_in_polygon(contour, p)) continue;
      sum += row[x];
      ++count;
    }
  }
  return count == 0 ? 0.f : static_cast<float>(sum / count);
}

std::vector<TextBox> DbPostprocessor::run(const MapView& map, const MapTransform& to_image) {
  validate_map(map, "DB");
  validate_transform(to_image);
  const size_t pixels = static_cast<size_t>(map.width) * map.height;
  bitmap_.resize(pixels);
  labels_.resize(pixels);
  for (int y = 0; y < map.height; ++y) {
    const float* row = map.data + static_cast<size_t>(y) * map.stride;
    uint8_t* bits = bitmap_.data() + static_cast<size_t>(y) * map.width;
    for (int x = 0; x < map.width; ++x) bits[x] = row[x] > options_.thresh ? 1 : 0;
  }
  const std::vector<ComponentStats> regions = label_components(
      bitmap_.data(), map.width, map.height, Connectivity::kEight, labels_.data(), queue_);

  std::vector<TextBox> boxes;
  const size_t candidates = std::min(regions.size(), static_cast<size_t>(options_.max_candidates));
  for (size_t i = 0; i < candidates; ++i) {
    const ComponentStats& region = regions[i];
    const std::vector<Point> contour = trace_outer_contour(
        labels_.data(), map.width, map.height, region.label, region.first_x, region.first_y);
    const RotatedRect rect = min_area_rect(contour);
    if (short_side(rect) < static_cast<float>(options_.min_size)) continue;
    const float score = options_.score_mode == ScoreMode::kFast
                            ? box_score(map, rect.corners)
                            : region_score(map, contour, region.label);
    if (score < options_.box_thresh) continue;

    // Unclip: the text kernel is a shrunk copy of the line; grow it back by
    // the offset the training labels used (area * ratio / perimeter).
    const std::vector<Point> corners = corner_list(rect.corners);
    const double offset =
        polygon_area(corners) * options_.unclip_ratio / polygon_perimeter(corners);
    const RotatedRect grown = min_area_rect(offset_convex_polygon(corners, offset));
    if (short_side(grown) < static_cast<float>(options_.min_size + 2)) continue;

    std::array<Point, 4> mapped, line;
    for (int c = 0; c < 4; ++c) {
      mapped[c] = to_image.to_image(grown.corners[c]);
      line[c] = to_image.to_image_unclipped(grown.corners[c]);
    }
    mapped = order_clockwise_from_top_left(mapped);
    line = order_clockwise_from_top_left(line);
    // As PaddleOCR's final filter: a box squeezed to a sliver by clipping is noise.
    if (distance(mapped[0], mapped[1]) <= 3.f || distance(mapped[0], mapped[3]) <= 3.f) continue;
    boxes.push_back({{mapped.begin(), mapped.end()}, score, {line.begin(), line.end()}});
  }
  return boxes;
}

}  // namespace text
}  // namespace garden
