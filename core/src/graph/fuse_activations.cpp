// fuse_activations: a Clamp right after an op that can clamp its own output
// (its card's takes_clamp) becomes that op's activation range.
#include <algorithm>
#include <utility>

#include "graph/graph_utils.h"
#include "graph/passes.h"
#include "ops/op_card.h"

namespace garden {

void fuse_activations(Graph& graph) {
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId id : graph.nodes[i].outputs) producer[static_cast<size_t>(id)] = static_cast<int>(i);
  const std::vector<int> readers = reader_counts(graph);

  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& clamp = graph.nodes[i];
    if (clamp.op != OpType::kClamp || clamp.inputs.size() != 1 || clamp.outputs.size() != 1) continue;
    const TensorId x = clamp.inputs[0];
    const int p = producer[static_cast<size_t>(x)];
    if (p < 0 || removed[static_cast<size_t>(p)]) continue;
    Node& source = graph.nodes[static_cast<size_t>(p)];
    if (!ops::op_card(source.op).takes_clamp || source.outputs.size() != 1) continue;
    if (readers[static_cast<size_t>(x)] != 1 || is_graph_output(graph, x)) continue;
    // clamp(clamp(v, a, b), c, d) == clamp(v, max(a, c), min(b, d)) only when
    // the two ranges overlap.
    const float low = std::max(source.attrs.activation_min, clamp.attrs.activation_min);
    const float high = std::min(source.attrs.activation_max, clamp.attrs.activation_max);
    if (!(low <= high)) continue;
    source.attrs.activation_min = low;
    source.attrs.activation_max = high;
    source.outputs[0] = clamp.outputs[0];
    producer[static_cast<size_t>(clamp.outputs[0])] = p;
    removed[i] = true;
  }
  erase_nodes(graph, removed);
}

}  // namespace garden
