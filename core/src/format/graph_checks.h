// Checks a .garden writer and reader both apply, so that every file written
// can be read back and every graph read satisfies what backends rely on:
// tensor bounds (rank, element count) and each node's op card (input and
// output counts, attribute values, the shape rule).
#pragma once

#include <string>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {

// Throws Error(code) if the shape has a rank above kGardenMaxRank, a negative
// dimension or more than kGardenMaxTensorElements elements.
void check_shape_limits(const Shape& shape, const std::string& tensor_name, ErrorCode code);

// check_shape_limits for every tensor, then ops::validate_graph.
// Throws Error(kInvalidModel) naming the tensor or node and the problem.
void check_graph_for_format(const Graph& graph);

}  // namespace garden
