#include "format/graph_checks.h"

#include <string>

#include "format/garden_format.h"
#include "ops/op_card.h"

namespace garden {

void check_shape_limits(const Shape& shape, const std::string& tensor_name, ErrorCode code) {
  const std::string what = "tensor '" + tensor_name + "'";
  require(shape.size() <= kGardenMaxRank, code,
          what + " has rank " + std::to_string(shape.size()) + " (at most " +
              std::to_string(kGardenMaxRank) + ")");
  int64_t elements = 1;
  for (int64_t dim : shape) {
    require(dim >= 0, code, what + " has a negative dimension");
    require(dim <= kGardenMaxTensorElements, code, what + " has a dimension that is too large");
    // Both factors are <= 2^31 here, so the product cannot overflow int64.
    elements *= dim;
    require(elements <= kGardenMaxTensorElements, code, what + " has too many elements");
  }
}

void check_graph_for_format(const Graph& graph) {
  for (const Tensor& tensor : graph.tensors)
    check_shape_limits(tensor.shape, tensor.name, ErrorCode::kInvalidModel);
  ops::validate_graph(graph);
}

}  // namespace garden
