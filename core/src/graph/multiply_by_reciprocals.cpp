// multiply_by_reciprocals: Div(x, c) with a constant divisor becomes
// Mul(x, 1/c). XNNPACK's multiply kernels are several times faster than its
// divide kernels, and x * (1/c) differs from x / c by at most about one ulp
// (exactly equal when c is a power of two).
//
// The reciprocal is a new constant, as the divisor may have other readers.
// Divisors with a zero, non-finite or denormal-reciprocal element are left
// alone: there x / c and x * (1/c) can differ by more than rounding.
#include <cmath>
#include <string>
#include <vector>

#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {
namespace {

bool reciprocals(const std::vector<float>& values, std::vector<float>& inverted) {
  inverted.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == 0.f || !std::isfinite(values[i])) return false;
    inverted[i] = 1.f / values[i];
    if (!std::isnormal(inverted[i])) return false;
  }
  return true;
}

bool has_constant_divisor(const Graph& graph, const Node& node) {
  if (node.op != OpType::kDiv || node.inputs.size() != 2 || node.outputs.size() != 1) return false;
  const Tensor& divisor = graph.tensor(node.inputs[1]);
  return divisor.is_constant() && element_count(divisor.shape) > 0;
}

}  // namespace

void multiply_by_reciprocals(Graph& graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!has_constant_divisor(graph, graph.nodes[i])) continue;
    const TensorId divisor_id = graph.nodes[i].inputs[1];
    std::vector<float> inverted;
    if (!reciprocals(constant_as_f32(graph.tensor(divisor_id)), inverted)) continue;
    const Tensor& divisor = graph.tensor(divisor_id);
    // add_f32_constant may reallocate graph.tensors: copy what it needs first.
    const std::string name = divisor.name + "/reciprocal";
    const Shape shape = divisor.shape;
    const Layout layout = divisor.layout;
    const TensorId reciprocal = add_f32_constant(graph, name, shape, inverted);
    graph.tensor(reciprocal).layout = layout;
    Node& node = graph.nodes[i];
    node.op = OpType::kMul;
    node.inputs[1] = reciprocal;
  }
}

}  // namespace garden
