// fold_constants: nodes whose inputs are all constants are computed once with
// the reference evaluator and replaced by an f32 constant.
#include <string>
#include <utility>

#include "graph/folding_budget.h"
#include "graph/graph_utils.h"
#include "graph/passes.h"
#include "graph/reference.h"

namespace garden {
namespace {

bool can_fold(const Graph& graph, const Node& node) {
  if (node.inputs.empty() || node.outputs.size() != 1) return false;
  for (TensorId id : node.inputs)
    if (!graph.tensor(id).is_constant()) return false;
  const Tensor& output = graph.tensor(node.outputs[0]);
  // Integer results (shape arithmetic) stay exact only if the importer folds
  // them itself; graph outputs keep a producing node for the backend.
  const bool float_output = output.dtype == DType::kF32 || output.dtype == DType::kF16;
  return float_output && !is_graph_output(graph, node.outputs[0]) && element_count(output.shape) > 0;
}

}  // namespace

void fold_constants(Graph& graph) {
  // Every imported model goes through here: a Pad of a one-element constant
  // in a file of a few hundred bytes can declare a result of gigabytes.
  FoldingBudget budget;
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (Node& node : graph.nodes) {
    if (!can_fold(graph, node)) {
      kept.push_back(std::move(node));
      continue;
    }
    const std::string what = std::string(op_name(node.op)) + " node '" + node.name + "'";
    budget.charge(checked_folded_count(graph.tensor(node.outputs[0]).shape, what), what);
    std::vector<std::vector<float>> input_values;
    input_values.reserve(node.inputs.size());
    for (TensorId id : node.inputs) input_values.push_back(constant_as_f32(graph.tensor(id)));
    std::vector<const std::vector<float>*> inputs;
    for (const std::vector<float>& values : input_values) inputs.push_back(&values);
    const std::vector<std::vector<float>> outputs = evaluate_node(graph, node, inputs);
    set_f32_data(graph.tensor(node.outputs[0]), outputs[0]);
  }
  graph.nodes = std::move(kept);
}

}  // namespace garden
