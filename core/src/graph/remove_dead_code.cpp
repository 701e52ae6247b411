// remove_dead_code: drops nodes whose outputs nothing needs, then tensors no
// node, input or output refers to (renumbering the rest).
#include <utility>

#include "graph/passes.h"

namespace garden {
namespace {

void remove_dead_nodes(Graph& graph) {
  std::vector<bool> needed(graph.tensors.size(), false);
  for (TensorId id : graph.outputs) needed[static_cast<size_t>(id)] = true;
  std::vector<bool> live(graph.nodes.size(), false);
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    for (TensorId id : graph.nodes[i].outputs)
      if (needed[static_cast<size_t>(id)]) live[i] = true;
    if (!live[i]) continue;
    for (TensorId id : graph.nodes[i].inputs) needed[static_cast<size_t>(id)] = true;
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (live[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

void remove_unreferenced_tensors(Graph& graph) {
  std::vector<bool> used(graph.tensors.size(), false);
  for (TensorId id : graph.inputs) used[static_cast<size_t>(id)] = true;
  for (TensorId id : graph.outputs) used[static_cast<size_t>(id)] = true;
  for (const Node& node : graph.nodes) {
    for (TensorId id : node.inputs) used[static_cast<size_t>(id)] = true;
    for (TensorId id : node.outputs) used[static_cast<size_t>(id)] = true;
  }
  std::vector<TensorId> new_id(graph.tensors.size(), -1);
  std::vector<Tensor> kept;
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    if (!used[i]) continue;
    new_id[i] = static_cast<TensorId>(kept.size());
    kept.push_back(std::move(graph.tensors[i]));
  }
  graph.tensors = std::move(kept);
  auto remap = [&](std::vector<TensorId>& ids) {
    for (TensorId& id : ids) id = new_id[static_cast<size_t>(id)];
  };
  remap(graph.inputs);
  remap(graph.outputs);
  for (Node& node : graph.nodes) {
    remap(node.inputs);
    remap(node.outputs);
  }
}

}  // namespace

void remove_dead_code(Graph& graph) {
  graph.validate();  // ids are in range before they index the tables below
  remove_dead_nodes(graph);
  remove_unreferenced_tensors(graph);
}

}  // namespace garden
