// Connected components and border following (see contours.h).
#include "contours.h"

#include <cstddef>

namespace garden {
namespace text {
namespace {

// The 8 neighbours clockwise on screen (y down), starting east.
constexpr int kDx[8] = {1, 1, 0, -1, -1, -1, 0, 1};
constexpr int kDy[8] = {0, 1, 1, 1, 0, -1, -1, -1};

}  // namespace

std::vector<ComponentStats> label_components(const uint8_t* mask, int width, int height,
                                             Connectivity connectivity, int32_t* labels,
                                             std::vector<int32_t>& queue) {
  const size_t pixels = static_cast<size_t>(width) * height;
  for (size_t i = 0; i < pixels; ++i) labels[i] = 0;
  const int step = connectivity == Connectivity::kFour ? 2 : 1;  // even directions = 4-conn.
  std::vector<ComponentStats> components;
  queue.clear();
  queue.reserve(pixels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const size_t start = static_cast<size_t>(y) * width + x;
      if (mask[start] == 0 || labels[start] != 0) continue;
      ComponentStats stats;
      stats.label = static_cast<int>(components.size()) + 1;
      stats.first_x = x;
      stats.first_y = y;
      // Breadth-first flood fill; the queue is a plain array with a read index.
      queue.clear();
      queue.push_back(static_cast<int32_t>(start));
      labels[start] = stats.label;
      for (size_t head = 0; head < queue.size(); ++head) {
        const int px = queue[head] % width;
        const int py = queue[head] / width;
        for (int d = 0; d < 8; d += step) {
          const int nx = px + kDx[d], ny = py + kDy[d];
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const size_t at = static_cast<size_t>(ny) * width + nx;
          if (mask[at] == 0 || labels[at] != 0) continue;
          labels[at] = stats.label;
          queue.push_back(static_cast<int32_t>(at));
        }
      }
      stats.area = static_cast<int>(queue.size());
      components.push_back(stats);
    }
  }
  return components;
}

std::vector<Point> trace_outer_contour(const int32_t* labels, int width, int height, int label,
                                       int start_x, int start_y) {
  auto inside = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < width && y < height &&
           labels[static_cast<size_t>(y) * width + x] == label;
  };
  // Clockwise search from the direction after `from` for the next border pixel.
  auto next_direction = [&](int x, int y, int from) {
    for (int i = 0; i < 8; ++i) {
      const int d = (from + i) % 8;
      if (inside(x + kDx[d], y + kDy[d])) return d;
    }
    return -1;
  };

  std::vector<Point> contour;
  contour.push_back({static_cast<float>(start_x), static_cast<float>(start_y)});
  // The first pixel in raster order has background to its west, so the
  // search starts just after west (north-west).
  const int first_move = next_direction(start_x, start_y, 5);
  if (first_move < 0) return contour;  // an isolated pixel

  // Moore neighbour tracing with the chain-code restart rule: having moved in
  // direction d, the search at the new pixel starts at d+7 (even d) or d+6
  // (odd d), just after the background pixel last seen. The walk ends when it
  // is back at the start about to repeat its first move.
  int x = start_x, y = start_y, move = first_move;
  const size_t limit = static_cast<size_t>(width) * height * 4 + 8;
  for (size_t steps = 0; steps < limit; ++steps) {
    x += kDx[move];
    y += kDy[move];
    const int next = next_direction(x, y, (move + (move % 2 == 0 ? 7 : 6)) % 8);
    if (x == start_x && y == start_y && next == first_move) break;
    contour.push_back({static_cast<float>(x), static_cast<float>(y)});
    move = next;
  }
  return contour;
}

}  // namespace text
}  // namespace garden
