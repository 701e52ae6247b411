// simplify_reshapes: Reshape(Reshape(x)) reads x directly, and a Reshape that
// changes neither shape nor layout disappears (its readers read its input).
#include <utility>

#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {

void simplify_reshapes(Graph& graph) {
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId id : graph.nodes[i].outputs) producer[static_cast<size_t>(id)] = static_cast<int>(i);

  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op != OpType::kReshape || node.inputs.size() != 1 || node.outputs.size() != 1) continue;
    // A chain collapses onto the first Reshape's input (a reshape only reads
    // memory in order, so the intermediate shape does not matter).
    const int source = producer[static_cast<size_t>(node.inputs[0])];
    // (A removed identity Reshape has no readers left, so `source` is live.)
    if (source >= 0 && graph.nodes[static_cast<size_t>(source)].op == OpType::kReshape)
      node.inputs[0] = graph.nodes[static_cast<size_t>(source)].inputs[0];

    const Tensor& in = graph.tensor(node.inputs[0]);
    const Tensor& out = graph.tensor(node.outputs[0]);
    if (in.shape == out.shape && in.layout == out.layout && !is_graph_output(graph, node.outputs[0])) {
      replace_reads(graph, node.outputs[0], node.inputs[0]);
      removed[i] = true;
    }
  }
  erase_nodes(graph, removed);
}

}  // namespace garden
