// Plane geometry for text boxes: convex hull, minimum-area rectangle, polygon
// area/perimeter, point-in-polygon and corner ordering. Image coordinates:
// x to the right, y down.
#pragma once

#include <array>
#include <vector>

namespace garden {
namespace text {

struct Point {
  float x = 0.f;
  float y = 0.f;
};

// Convex hull by Andrew's monotone chain; collinear points are dropped.
// Vertices come clockwise on screen (y down), starting at the smallest x
// (then smallest y). 0, 1 or 2 distinct points give that many vertices.
std::vector<Point> convex_hull(std::vector<Point> points);

struct RotatedRect {
  Point center;
  float width = 0.f;   // along the direction `angle_degrees`
  float height = 0.f;  // perpendicular to it
  float angle_degrees = 0.f;  // in [0, 90)
  std::array<Point, 4> corners;  // clockwise on screen from the top-left
};

// The smallest-area rectangle enclosing the points (rotating calipers over
// the convex hull). Empty input gives an all-zero rectangle.
RotatedRect min_area_rect(const std::vector<Point>& points);

// Shoelace area; positive when the vertices run clockwise on screen.
double signed_area(const std::vector<Point>& polygon);
double polygon_area(const std::vector<Point>& polygon);
double polygon_perimeter(const std::vector<Point>& polygon);

// Even-odd rule; points exactly on an edge may land on either side.
bool point_in_polygon(const std::vector<Point>& polygon, Point p);

// Orders four corners clockwise on screen starting from the top-left one
// (smallest x + y; the upper of two tied corners).
std::array<Point, 4> order_clockwise_from_top_left(std::array<Point, 4> corners);

// The convex polygon grown outward by `distance` with round joins (what
// Clipper's JT_ROUND offset gives for a convex path), as a point list whose
// convex hull is the grown shape; each corner's arc uses `arc_steps` segments.
std::vector<Point> offset_convex_polygon(const std::vector<Point>& convex, double distance,
                                         int arc_steps = 8);

}  // namespace text
}  // namespace garden
