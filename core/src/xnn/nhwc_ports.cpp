#include "xnn/nhwc_ports.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {
namespace xnn {
namespace {

bool is_nchw_port(const Tensor& tensor) {
  return !tensor.is_constant() && tensor.shape.size() == 4 && tensor.layout == Layout::kNCHW;
}

bool is_transpose(const Node& node, const std::vector<int64_t>& perm) {
  return node.op == OpType::kTranspose && node.attrs.ints == perm;
}

bool is_graph_input(const Graph& graph, TensorId id) {
  return std::find(graph.inputs.begin(), graph.inputs.end(), id) != graph.inputs.end();
}

// The one node reading `id`, or -1 when none or several do.
int sole_reader(const Graph& graph, TensorId id) {
  int reader = -1;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const int reads = static_cast<int>(std::count(graph.nodes[i].inputs.begin(), graph.nodes[i].inputs.end(), id));
    if (reads == 0) continue;
    if (reader >= 0 || reads > 1) return -1;
    reader = static_cast<int>(i);
  }
  return reader;
}

Node transpose(const std::string& name, TensorId in, TensorId out, const std::vector<int64_t>& perm) {
  Node node{OpType::kTranspose, name, {in}, {out}, {}};
  node.attrs.ints = perm;
  return node;
}

// `replacement` takes the port's name, what the caller knows it by; the old
// tensor, when it is still used inside, is told apart by a suffix.
void hand_over_name(Graph& graph, TensorId port, TensorId replacement) {
  std::string& old_name = graph.tensors[static_cast<size_t>(port)].name;
  graph.tensors[static_cast<size_t>(replacement)].name = old_name;
  old_name += "/nchw";
}

// A new NHWC tensor with the shape of NCHW `port`.
TensorId add_nhwc_twin(Graph& graph, TensorId port) {
  const Tensor& t = graph.tensor(port);
  const Shape shape = permute(t.shape, kNchwToNhwc);
  return add_activation(graph, t.name + "/nhwc_port", shape, Layout::kNHWC);
}

// Returns the NHWC tensor that replaces NCHW input `input`.
TensorId nhwc_input(Graph& graph, TensorId input) {
  const int reader = sole_reader(graph, input);
  if (reader >= 0 && !is_graph_output(graph, input) &&
      is_transpose(graph.nodes[static_cast<size_t>(reader)], kNchwToNhwc)) {
    const TensorId inner = graph.nodes[static_cast<size_t>(reader)].outputs[0];
    if (!is_graph_output(graph, inner)) {
      graph.nodes.erase(graph.nodes.begin() + reader);
      return inner;
    }
  }
  const TensorId outer = add_nhwc_twin(graph, input);
  graph.nodes.insert(graph.nodes.begin(),
                     transpose(graph.tensor(input).name + "/from_nhwc", outer, input, kNhwcToNchw));
  return outer;
}

// Returns the NHWC tensor that replaces NCHW output `output`.
TensorId nhwc_output(Graph& graph, TensorId output) {
  const int producer = producer_of(graph, output);
  const bool read_inside = reader_counts(graph)[static_cast<size_t>(output)] > 0;
  if (producer >= 0 && !read_inside && is_transpose(graph.nodes[static_cast<size_t>(producer)], kNhwcToNchw)) {
    const TensorId inner = graph.nodes[static_cast<size_t>(producer)].inputs[0];
    const Tensor& t = graph.tensor(inner);
    if (!t.is_constant() && t.layout == Layout::kNHWC && !is_graph_input(graph, inner) &&
        !is_graph_output(graph, inner)) {
      graph.nodes.erase(graph.nodes.begin() + producer);
      return inner;
    }
  }
  const TensorId outer = add_nhwc_twin(graph, output);
  graph.nodes.push_back(transpose(graph.tensor(output).name + "/to_nhwc", output, outer, kNchwToNhwc));
  return outer;
}

}  // namespace

void expose_nhwc_ports(Graph& graph) {
  for (TensorId& input : graph.inputs) {
    if (!is_nchw_port(graph.tensor(input))) continue;
    const TensorId nhwc = nhwc_input(graph, input);
    hand_over_name(graph, input, nhwc);
    input = nhwc;
  }
  for (TensorId& output : graph.outputs) {
    if (!is_nchw_port(graph.tensor(output))) continue;
    const TensorId nhwc = nhwc_output(graph, output);
    hand_over_name(graph, output, nhwc);
    output = nhwc;
  }
  remove_dead_code(graph);  // the NCHW tensors no node reads any more
}

}  // namespace xnn
}  // namespace garden
