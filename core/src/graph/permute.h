// Re-laying out the values of a dense row-major tensor: a transpose of a
// constant, a weight from one format's axis order into the graph's, a constant
// operand from NCHW into NHWC. One permutation for every such re-layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "garden/graph.h"

namespace garden {

// For each element of the permuted tensor, in its row-major order, the offset
// of the same element in the source of `shape`. Axis i of the result is axis
// perm[i] of the source, so the result has shape permute(shape, perm).
std::vector<size_t> permuted_offsets(const Shape& shape, const std::vector<int64_t>& perm);

// `values` (row-major, of `shape`) with their axes permuted by `perm`.
template <typename T>
std::vector<T> permute_values(const std::vector<T>& values, const Shape& shape, const std::vector<int64_t>& perm) {
  const std::vector<size_t> offsets = permuted_offsets(shape, perm);
  std::vector<T> out(offsets.size());
  for (size_t k = 0; k < offsets.size(); ++k) out[k] = values[offsets[k]];
  return out;
}

}  // namespace garden
