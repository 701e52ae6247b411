#include "graph/permute.h"

#include "graph/graph_utils.h"

namespace garden {

std::vector<size_t> permuted_offsets(const Shape& shape, const std::vector<int64_t>& perm) {
  const size_t rank = shape.size();
  const Shape out_shape = permute(shape, perm);
  std::vector<int64_t> strides(rank, 1);
  for (size_t k = rank; k-- > 1;) strides[k - 1] = strides[k] * shape[k];
  std::vector<size_t> offsets(static_cast<size_t>(element_count(shape)));
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (size_t n = 0; n < offsets.size(); ++n) {
    offsets[n] = static_cast<size_t>(offset);
    // Odometer over the result's index; the source offset follows it stride by stride.
    for (size_t axis = rank; axis-- > 0;) {
      const int64_t stride = strides[static_cast<size_t>(perm[axis])];
      offset += stride;
      if (++index[axis] < out_shape[axis]) break;
      offset -= stride * out_shape[axis];
      index[axis] = 0;
    }
  }
  return offsets;
}

}  // namespace garden
