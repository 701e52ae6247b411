// Axis and broadcasting rules every importer applies the same way. `where`
// names the node in errors ("Concat node 'c'", "MEAN (operator 3)").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "garden/graph.h"

namespace garden {
namespace importer {

// An axis in [-rank, rank) made non-negative; kInvalidModel otherwise.
int64_t normalize_axis(int64_t axis, size_t rank, const std::string& where);

// Numpy broadcasting of two shapes; kInvalidModel when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& where);

// The output shape of a [..., M, K] x b [..., K, N] with broadcast batch
// dimensions (numpy's matmul for rank >= 2); kUnsupportedModel for a 1-D
// operand, kInvalidModel when the shapes do not fit.
Shape matmul_shape(const Shape& a, const Shape& b, const std::string& where);

}  // namespace importer
}  // namespace garden
