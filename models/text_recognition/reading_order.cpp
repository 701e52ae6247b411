#include "reading_order.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace garden {
namespace text {

std::vector<size_t> reading_order(const std::vector<Quad>& boxes, float same_line_pixels) {
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto top_left = [&](size_t i) { return boxes[i][0]; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return top_left(a).y != top_left(b).y ? top_left(a).y < top_left(b).y : top_left(a).x < top_left(b).x;
  });
  // PaddleOCR's pass: each box moves left past the boxes of its line that start right of it.
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    for (size_t j = i + 1; j-- > 0;) {
      const Point next = top_left(order[j + 1]), current = top_left(order[j]);
      if (std::fabs(next.y - current.y) < same_line_pixels && next.x < current.x) {
        std::swap(order[j], order[j + 1]);
      } else {
        break;
      }
    }
  }
  return order;
}

}  // namespace text
}  // namespace garden
