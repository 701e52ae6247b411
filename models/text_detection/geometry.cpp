// Plane geometry for text boxes (see geometry.h). Arithmetic in double: the
// inputs are pixel coordinates, so float inputs are exact there.
#include "geometry.h"

#include <algorithm>
#include <cmath>

namespace garden {
namespace text {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Vec {
  double x, y;
};

Vec to_vec(Point p) { return {p.x, p.y}; }
Vec sub(Vec a, Vec b) { return {a.x - b.x, a.y - b.y}; }
double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y; }
double cross(Vec a, Vec b) { return a.x * b.y - a.y * b.x; }

// > 0 when o -> a -> b turns counter-clockwise in math axes (y up).
double turn(Point o, Point a, Point b) {
  return cross(sub(to_vec(a), to_vec(o)), sub(to_vec(b), to_vec(o)));
}

bool same_point(Point a, Point b) { return a.x == b.x && a.y == b.y; }

// The enclosing rectangle whose first side lies along unit vector u.
struct Extent {
  double min_u, max_u, min_n, max_n;
  double area() const { return (max_u - min_u) * (max_n - min_n); }
};

RotatedRect rect_from_extent(Vec u, const Extent& e) {
  const Vec n{-u.y, u.x};
  auto at = [&](double a, double b) {
    return Point{static_cast<float>(u.x * a + n.x * b), static_cast<float>(u.y * a + n.y * b)};
  };
  RotatedRect rect;
  rect.center = at((e.min_u + e.max_u) / 2, (e.min_n + e.max_n) / 2);
  double width = e.max_u - e.min_u;
  double height = e.max_n - e.min_n;
  double angle = std::atan2(u.y, u.x) * 180.0 / kPi;
  if (angle < 0) angle += 180.0;  // a side's direction is only defined modulo 180
  if (angle >= 90.0) {
    angle -= 90.0;
    std::swap(width, height);
  }
  if (angle >= 90.0 || angle < 0.0) angle = 0.0;  // rounding at the boundary
  rect.width = static_cast<float>(width);
  rect.height = static_cast<float>(height);
  rect.angle_degrees = static_cast<float>(angle);
  rect.corners = order_clockwise_from_top_left(
      {at(e.min_u, e.min_n), at(e.max_u, e.min_n), at(e.max_u, e.max_n), at(e.min_u, e.max_n)});
  return rect;
}

}  // namespace

std::vector<Point> convex_hull(std::vector<Point> points) {
  std::sort(points.begin(), points.end(),
            [](Point a, Point b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
  points.erase(std::unique(points.begin(), points.end(), same_point), points.end());
  if (points.size() < 3) return points;

  std::vector<Point> hull(points.size() * 2);
  size_t k = 0;
  for (const Point& p : points) {  // one chain, left to right
    while (k >= 2 && turn(hull[k - 2], hull[k - 1], p) <= 0) --k;
    hull[k++] = p;
  }
  const size_t lower = k + 1;
  for (size_t i = points.size() - 1; i-- > 0;) {  // the other chain, back
    while (k >= lower && turn(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);  // the last point repeats the first
  return hull;
}

RotatedRect min_area_rect(const std::vector<Point>& points) {
  const std::vector<Point> hull = convex_hull(points);
  if (hull.empty()) return RotatedRect{};
  if (hull.size() == 1) {
    RotatedRect rect;
    rect.center = hull[0];
    rect.corners = {hull[0], hull[0], hull[0], hull[0]};
    return rect;
  }

  // Rotating calipers: for each hull edge, three pointers track the vertices
  // farthest along the edge, farthest from it, and farthest behind it. Each
  // pointer only moves forward, so the whole sweep is linear in the hull size.
  const size_t h = hull.size();
  auto vertex = [&](size_t i) { return to_vec(hull[i % h]); };
  size_t ahead = 1, far = 1, behind = 1;
  Extent best{0, 0, 0, 0};
  Vec best_u{1, 0};
  bool have_best = false;
  const size_t edges = h == 2 ? 1 : h;
  for (size_t i = 0; i < edges; ++i) {
    const Vec edge = sub(vertex(i + 1), vertex(i));
    const double length = std::sqrt(dot(edge, edge));
    const Vec u{edge.x / length, edge.y / length};
    const Vec n{-u.y, u.x};  // points into the hull for this orientation
    if (i == 0) ahead = far = i + 1;
    ahead = std::max(ahead, i + 1);
    for (size_t s = 0; s < h && dot(vertex(ahead + 1), u) >= dot(vertex(ahead), u); ++s) ++ahead;
    far = std::max(far, ahead);
    for (size_t s = 0; s < h && dot(vertex(far + 1), n) >= dot(vertex(far), n); ++s) ++far;
    if (i == 0) behind = far;
    behind = std::max(behind, far);
    for (size_t s = 0; s < h && dot(vertex(behind + 1), u) <= dot(vertex(behind), u); ++s) {
      ++behind;
    }
    const double base_n = dot(vertex(i), n);
    Extent e{dot(vertex(behind), u), dot(vertex(ahead), u), base_n, dot(vertex(far), n)};
    if (h == 2) e.max_n = e.min_n;
    if (!have_best || e.area() < best.area()) {
      best = e;
      best_u = u;
      have_best = true;
    }
  }
  return rect_from_extent(best_u, best);
}

double signed_area(const std::vector<Point>& polygon) {
  double twice = 0.0;
  for (size_t i = 0, n = polygon.size(); i < n; ++i) {
    twice += cross(to_vec(polygon[i]), to_vec(polygon[(i + 1) % n]));
  }
  return twice / 2.0;
}

double polygon_area(const std::vector<Point>& polygon) { return std::fabs(signed_area(polygon)); }

double polygon_perimeter(const std::vector<Point>& polygon) {
  double length = 0.0;
  for (size_t i = 0, n = polygon.size(); i < n; ++i) {
    const Vec d = sub(to_vec(polygon[(i + 1) % n]), to_vec(polygon[i]));
    length += std::sqrt(dot(d, d));
  }
  return length;
}

bool point_in_polygon(const std::vector<Point>& polygon, Point p) {
  bool inside = false;
  for (size_t i = 0, n = polygon.size(), j = n - 1; i < n; j = i++) {
    const Point a = polygon[i], b = polygon[j];
    if ((a.y > p.y) != (b.y > p.y)) {
      const double x_cross = a.x + (static_cast<double>(p.y) - a.y) * (b.x - a.x) / (b.y - a.y);
      if (p.x < x_cross) inside = !inside;
    }
  }
  return inside;
}

std::array<Point, 4> order_clockwise_from_top_left(std::array<Point, 4> corners) {
  double cx = 0, cy = 0;
  for (const Point& p : corners) {
    cx += p.x / 4.0;
    cy += p.y / 4.0;
  }
  // With y down, increasing atan2 runs clockwise on screen.
  std::sort(corners.begin(), corners.end(), [&](Point a, Point b) {
    return std::atan2(a.y - cy, a.x - cx) < std::atan2(b.y - cy, b.x - cx);
  });
  size_t first = 0;
  for (size_t i = 1; i < 4; ++i) {
    const double sum = corners[i].x + corners[i].y;
    const double best = corners[first].x + corners[first].y;
    if (sum < best || (sum == best && corners[i].y < corners[first].y)) first = i;
  }
  std::rotate(corners.begin(), corners.begin() + first, corners.end());
  return corners;
}

std::vector<Point> offset_convex_polygon(const std::vector<Point>& convex, double distance,
                                         int arc_steps) {
  std::vector<Point> polygon = convex;
  const size_t n = polygon.size();
  if (n < 3) return polygon;
  // Make the vertex order counter-clockwise in math axes so that the
  // outward normal of edge e is (e.y, -e.x).
  if (signed_area(polygon) < 0) std::reverse(polygon.begin(), polygon.end());
  arc_steps = std::max(arc_steps, 1);
  auto outward_angle = [&](size_t from) {
    const Vec e = sub(to_vec(polygon[(from + 1) % n]), to_vec(polygon[from]));
    return std::atan2(-e.x, e.y);
  };
  std::vector<Point> grown;
  grown.reserve(n * (arc_steps + 1));
  for (size_t i = 0; i < n; ++i) {
    const double start = outward_angle((i + n - 1) % n);
    double sweep = outward_angle(i) - start;
    while (sweep < 0) sweep += 2 * kPi;
    while (sweep >= 2 * kPi) sweep -= 2 * kPi;
    for (int k = 0; k <= arc_steps; ++k) {
      const double a = start + sweep * k / arc_steps;
      grown.push_back({static_cast<float>(polygon[i].x + distance * std::cos(a)),
                       static_cast<float>(polygon[i].y + distance * std::sin(a))});
    }
  }
  return grown;
}

}  // namespace text
}  // namespace garden
