// Convex hull, minimum-area rectangle, polygon helpers and contour tracing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "text_detection/contours.h"
#include "text_detection/geometry.h"

using garden::text::Point;
using garden::text::RotatedRect;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Area of the tightest rectangle at `degrees`, by projecting every point.
double area_at_angle(const std::vector<Point>& points, double degrees) {
  const double a = degrees * kPi / 180.0;
  const double ux = std::cos(a), uy = std::sin(a);
  double min_u = 1e300, max_u = -1e300, min_n = 1e300, max_n = -1e300;
  for (const Point& p : points) {
    const double u = p.x * ux + p.y * uy, n = -p.x * uy + p.y * ux;
    min_u = std::min(min_u, u);
    max_u = std::max(max_u, u);
    min_n = std::min(min_n, n);
    max_n = std::max(max_n, n);
  }
  return (max_u - min_u) * (max_n - min_n);
}

bool inside_rect(const RotatedRect& r, Point p, double tolerance) {
  for (int e = 0; e < 4; ++e) {
    const Point a = r.corners[e], b = r.corners[(e + 1) % 4];
    const double ex = b.x - a.x, ey = b.y - a.y, len = std::hypot(ex, ey);
    if (len == 0) continue;
    if ((ex * (p.y - a.y) - ey * (p.x - a.x)) / len < -tolerance) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("min_area_rect recovers a rectangle rotated by 30 degrees", "[geometry]") {
  const double a = 30.0 * kPi / 180.0;
  const double ux = std::cos(a), uy = std::sin(a), nx = -uy, ny = ux;
  const double cx = 100, cy = 50, w = 40, h = 20;
  std::vector<Point> points;
  std::vector<Point> corners;
  for (const auto& s : std::vector<std::pair<int, int>>{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}) {
    corners.push_back({static_cast<float>(cx + s.first * ux * w / 2 + s.second * nx * h / 2),
                       static_cast<float>(cy + s.first * uy * w / 2 + s.second * ny * h / 2)});
  }
  points = corners;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> unit(-0.49, 0.49);
  for (int i = 0; i < 200; ++i) {  // interior points change nothing
    const double s = unit(rng) * w, t = unit(rng) * h;
    points.push_back({static_cast<float>(cx + s * ux + t * nx), static_cast<float>(cy + s * uy + t * ny)});
  }
  const RotatedRect r = garden::text::min_area_rect(points);
  constexpr double kTol = 1e-3;  // float coordinates of ~100
  CHECK(r.width == Approx(w).margin(kTol));
  CHECK(r.height == Approx(h).margin(kTol));
  CHECK(r.angle_degrees == Approx(30.0).margin(1e-3));
  CHECK(r.center.x == Approx(cx).margin(kTol));
  CHECK(r.center.y == Approx(cy).margin(kTol));
  // Corners clockwise from the top-left: (-w/2,-h/2) rotated is the top-left
  // (smallest x + y) here, then the list order above.
  for (int i = 0; i < 4; ++i) {
    CHECK(r.corners[i].x == Approx(corners[i].x).margin(kTol));
    CHECK(r.corners[i].y == Approx(corners[i].y).margin(kTol));
  }
}

TEST_CASE("min_area_rect matches a brute-force search over angles", "[geometry]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    std::normal_distribution<double> spread(0.0, 30.0);
    const double stretch = 0.2 + (trial % 7) * 0.3;
    std::vector<Point> points(3 + trial * 3);
    for (Point& p : points) {
      p = {static_cast<float>(200 + spread(rng)), static_cast<float>(150 + stretch * spread(rng))};
    }
    const RotatedRect r = garden::text::min_area_rect(points);
    double brute = 1e300;
    for (int step = 0; step < 90 * 200; ++step) brute = std::min(brute, area_at_angle(points, step / 200.0));
    const double area = static_cast<double>(r.width) * r.height;
    INFO("trial " << trial << " area " << area << " brute " << brute);
    // The calipers' answer is exact: never worse than the 0.005-degree grid,
    // and the grid gets within 0.1% of it.
    CHECK(area <= brute * (1 + 1e-5) + 1e-3);
    CHECK(area >= brute * (1 - 1e-3));
    CHECK(area == Approx(area_at_angle(points, r.angle_degrees)).epsilon(1e-4));
    for (const Point& p : points) CHECK(inside_rect(r, p, 1e-3));
  }
}

TEST_CASE("convex_hull drops interior and collinear points", "[geometry]") {
  std::vector<Point> points = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {5, 0}, {5, 5},
                               {10, 5}, {2, 7}, {0, 0}};
  const std::vector<Point> hull = garden::text::convex_hull(points);
  REQUIRE(hull.size() == 4);
  // Clockwise on screen from the smallest x (then y): (0,0) (10,0) (10,10) (0,10).
  const float expected[4][2] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  for (int i = 0; i < 4; ++i) {
    CHECK(hull[i].x == expected[i][0]);
    CHECK(hull[i].y == expected[i][1]);
  }
  CHECK(garden::text::signed_area(hull) == Approx(100.0));
  CHECK(garden::text::polygon_perimeter(hull) == Approx(40.0));
  CHECK(garden::text::point_in_polygon(hull, {3.f, 4.f}));
  CHECK_FALSE(garden::text::point_in_polygon(hull, {11.f, 4.f}));

  // Random clouds: every point is inside, every turn is convex.
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> coord(-50.f, 50.f);
  std::vector<Point> cloud(300);
  for (Point& p : cloud) p = {coord(rng), coord(rng)};
  const std::vector<Point> h = garden::text::convex_hull(cloud);
  REQUIRE(h.size() >= 3);
  for (size_t i = 0; i < h.size(); ++i) {
    const Point a = h[i], b = h[(i + 1) % h.size()], c = h[(i + 2) % h.size()];
    CHECK((double(b.x) - a.x) * (double(c.y) - a.y) - (double(b.y) - a.y) * (double(c.x) - a.x) > 0);
  }
  for (const Point& p : cloud) {
    for (size_t i = 0; i < h.size(); ++i) {
      const Point a = h[i], b = h[(i + 1) % h.size()];
      CHECK((double(b.x) - a.x) * (double(p.y) - a.y) - (double(b.y) - a.y) * (double(p.x) - a.x) >= -1e-3);
    }
  }
}

TEST_CASE("offset_convex_polygon grows a rectangle's bounding box by the distance", "[geometry]") {
  const std::vector<Point> rect = {{10, 10}, {40, 10}, {40, 20}, {10, 20}};
  const RotatedRect grown = garden::text::min_area_rect(garden::text::offset_convex_polygon(rect, 3.0));
  CHECK(grown.width == Approx(36.0).margin(1e-4));
  CHECK(grown.height == Approx(16.0).margin(1e-4));
  CHECK(grown.corners[0].x == Approx(7.0).margin(1e-4));
  CHECK(grown.corners[0].y == Approx(7.0).margin(1e-4));
}

TEST_CASE("trace_outer_contour walks a component's border clockwise", "[geometry]") {
  // 0 0 0 0 0
  // 0 1 1 1 0
  // 0 1 1 1 0
  // 0 0 0 1 1
  const int w = 5, h = 4;
  const uint8_t mask[w * h] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1};
  std::vector<int32_t> labels(w * h), queue;
  const auto parts = garden::text::label_components(mask, w, h, garden::text::Connectivity::kEight,
                                                    labels.data(), queue);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].area == 8);
  const auto contour = garden::text::trace_outer_contour(labels.data(), w, h, 1, parts[0].first_x,
                                                         parts[0].first_y);
  const float expected[][2] = {{1, 1}, {2, 1}, {3, 1}, {3, 2}, {4, 3}, {3, 3}, {2, 2}, {1, 2}};
  REQUIRE(contour.size() == 8);
  for (size_t i = 0; i < contour.size(); ++i) {
    CHECK(contour[i].x == expected[i][0]);
    CHECK(contour[i].y == expected[i][1]);
  }
  // Pixels touching only at a corner are one component under
  // 8-connectivity and two under 4-connectivity.
  const uint8_t diagonal[4] = {1, 0, 0, 1};
  std::vector<int32_t> l2(4);
  CHECK(garden::text::label_components(diagonal, 2, 2, garden::text::Connectivity::kFour, l2.data(), queue).size() == 2);
  CHECK(garden::text::label_components(diagonal, 2, 2, garden::text::Connectivity::kEight, l2.data(), queue).size() == 1);
}
