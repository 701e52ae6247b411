#include "import/common/axes.h"

#include <algorithm>

#include "garden/error.h"

namespace garden {
namespace importer {

int64_t normalize_axis(int64_t axis, size_t rank, const std::string& where) {
  const int64_t r = static_cast<int64_t>(rank);
  require(axis >= -r && axis < r, ErrorCode::kInvalidModel,
          where + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    require(da == db || da == 1 || db == 1, ErrorCode::kInvalidModel,
            where + ": shapes cannot be broadcast together (dimension " + std::to_string(da) + " vs " +
                std::to_string(db) + ")");
    out[k] = da == 1 ? db : da;
  }
  return out;
}

Shape matmul_shape(const Shape& a, const Shape& b, const std::string& where) {
  require(a.size() >= 2 && b.size() >= 2, ErrorCode::kUnsupportedModel, where + ": 1-D operands are not supported");
  require(a.back() == b[b.size() - 2], ErrorCode::kInvalidModel,
          where + ": inner dimensions differ (" + std::to_string(a.back()) + " vs " +
              std::to_string(b[b.size() - 2]) + ")");
  Shape out = broadcast_shapes(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2), where);
  out.push_back(a[a.size() - 2]);
  out.push_back(b.back());
  return out;
}

}  // namespace importer
}  // namespace garden
