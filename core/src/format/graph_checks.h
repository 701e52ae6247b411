// Checks a .garden writer and reader both apply, so that every file written
// can be read back and every graph read satisfies what backends rely on:
// tensor bounds (rank, element count) and per-op contracts (input/output
// counts, attribute values, axes and permutations within the tensor's rank).
#pragma once

#include <string>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {

// Throws Error(code) if the shape has a rank above kGardenMaxRank, a negative
// dimension or more than kGardenMaxTensorElements elements.
void check_shape_limits(const Shape& shape, const std::string& tensor_name, ErrorCode code);

// Runs Graph::validate, then checks every node's op contract.
// Throws Error(kInvalidModel) naming the node and the problem.
void check_graph_for_format(const Graph& graph);

}  // namespace garden
