// fuse_hard_swish: the element-wise spellings of hard-swish and hard-sigmoid
// that exporters emit (Paddle: Add(x, 3) -> Clip(0, 6) -> Mul(x, .) -> Div(., 6))
// become one HardSwish / HardSigmoid node. Each element-wise node is a full
// pass over memory, and the clamp of an Add is one more in XNNPACK, so the
// four-node spelling of hard-swish costs four passes where HardSwish costs one.
//
// The gate g = clip(x + 3, 0, 6) is an Add of a constant 3 followed by a Clamp
// to [0, 6], or an Add that already carries that clamp (after fuse_activations).
// Then, with "/ 6" meaning Div by 6 or Mul by 1/6 (constants within 1e-6
// relative, every element equal):
//   Mul(x, g) / 6 or Mul(g, x) / 6   -> HardSwish(x)
//   g / 6                            -> HardSigmoid(x), alpha 1/6, beta 1/2
//   Mul(x, HardSigmoid(x; 1/6, 1/2)) -> HardSwish(x)
// Only intermediates that nothing else reads and that are not graph outputs
// disappear; the last node's own clamp, if any, stays on the fused node.
#include <cmath>
#include <vector>

#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {
namespace {

constexpr float kRelativeTolerance = 1e-6f;

bool near(float value, float target) {
  return std::fabs(value - target) <= kRelativeTolerance * std::fabs(target);
}

// True when `id` is a constant whose every element is within tolerance of `target`.
bool is_constant_near(const Graph& graph, TensorId id, float target) {
  const Tensor& tensor = graph.tensor(id);
  if (!tensor.is_constant() || element_count(tensor.shape) < 1) return false;
  for (float value : constant_as_f32(tensor))
    if (!near(value, target)) return false;
  return true;
}

// Who reads each tensor, so a match can ask for "the one reader of t".
class Readers {
 public:
  explicit Readers(const Graph& graph) : graph_(graph), readers_(graph.tensors.size()) {
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      for (TensorId id : graph.nodes[i].inputs) readers_[static_cast<size_t>(id)].push_back(static_cast<int>(i));
  }

  // The index of the only node reading `id` (once), or -1 when there are none,
  // several, or `id` is also a graph output.
  int sole_reader(TensorId id) const {
    const std::vector<int>& list = readers_[static_cast<size_t>(id)];
    if (list.size() != 1 || is_graph_output(graph_, id)) return -1;
    return list[0];
  }

 private:
  const Graph& graph_;
  std::vector<std::vector<int>> readers_;
};

bool is_single_output(const Node& node) { return node.outputs.size() == 1; }

bool same_shape(const Graph& graph, TensorId a, TensorId b) {
  return graph.tensor(a).shape == graph.tensor(b).shape;
}

// For a two-input node with one constant input near `target`: the other input.
TensorId operand_beside_constant(const Graph& graph, const Node& node, float target) {
  if (node.inputs.size() != 2) return -1;
  if (is_constant_near(graph, node.inputs[1], target)) return node.inputs[0];
  if (is_constant_near(graph, node.inputs[0], target)) return node.inputs[1];
  return -1;
}

// v / 6 as Div(v, 6), Mul(v, 1/6) or Mul(1/6, v): the node's non-constant input v, or -1.
TensorId divided_by_six(const Graph& graph, const Node& node) {
  if (!is_single_output(node) || node.inputs.size() != 2) return -1;
  if (node.op == OpType::kDiv)
    return is_constant_near(graph, node.inputs[1], 6.f) ? node.inputs[0] : -1;
  if (node.op == OpType::kMul) return operand_beside_constant(graph, node, 1.f / 6.f);
  return -1;
}

// The other factor of Mul(x, v) or Mul(v, x), or -1.
TensorId other_factor(const Node& mul, TensorId v) {
  if (mul.op != OpType::kMul || mul.inputs.size() != 2 || mul.outputs.size() != 1) return -1;
  if (mul.inputs[0] == v) return mul.inputs[1];
  if (mul.inputs[1] == v) return mul.inputs[0];
  return -1;
}

bool clamps_to_zero_six(const Attributes& attrs) {
  return attrs.activation_min == 0.f && attrs.activation_max == 6.f;
}

// g = clip(x + 3, 0, 6), found from its Add.
struct Gate {
  TensorId x = -1;
  TensorId out = -1;
  std::vector<int> nodes;  // the Add, and the Clamp when there is one
};

bool match_gate(const Graph& graph, const Readers& readers, int add_index, Gate& gate) {
  const Node& add = graph.nodes[static_cast<size_t>(add_index)];
  if (add.op != OpType::kAdd || !is_single_output(add)) return false;
  const TensorId x = operand_beside_constant(graph, add, 3.f);
  if (x < 0 || graph.tensor(x).is_constant() || !same_shape(graph, x, add.outputs[0])) return false;
  gate = Gate{x, add.outputs[0], {add_index}};
  if (clamps_to_zero_six(add.attrs)) return true;
  if (add.attrs.has_activation()) return false;
  const int c = readers.sole_reader(add.outputs[0]);
  if (c < 0) return false;
  const Node& clamp = graph.nodes[static_cast<size_t>(c)];
  if (clamp.op != OpType::kClamp || !is_single_output(clamp) || !clamps_to_zero_six(clamp.attrs)) return false;
  gate.out = clamp.outputs[0];
  gate.nodes.push_back(c);
  return true;
}

// Turns graph.nodes[index] into `op` reading x, keeping its output and its own
// clamp, and marks the nodes it replaces as removed.
void rewrite_as(Graph& graph, int index, OpType op, TensorId x, const std::vector<int>& replaced,
                std::vector<bool>& removed) {
  Node& node = graph.nodes[static_cast<size_t>(index)];
  node.op = op;
  node.inputs = {x};
  for (int r : replaced) removed[static_cast<size_t>(r)] = true;
}

void make_hard_sigmoid(Graph& graph, int index, TensorId x, const std::vector<int>& replaced,
                       std::vector<bool>& removed) {
  rewrite_as(graph, index, OpType::kHardSigmoid, x, replaced, removed);
  Attributes& attrs = graph.nodes[static_cast<size_t>(index)].attrs;
  attrs.alpha = 1.f / 6.f;
  attrs.beta = 0.5f;
}

// Mul(x, g) / 6 -> HardSwish(x); g / 6 -> HardSigmoid(x). True when rewritten.
// (The reader lists predate this sweep's rewrites; nodes already rewritten or
// removed are skipped, so a stale list can only miss a match.)
bool fuse_from_gate(Graph& graph, const Readers& readers, const Gate& gate, std::vector<bool>& removed) {
  const int next = readers.sole_reader(gate.out);
  if (next < 0 || removed[static_cast<size_t>(next)]) return false;
  const Node& after_gate = graph.nodes[static_cast<size_t>(next)];
  if (divided_by_six(graph, after_gate) == gate.out) {
    if (!same_shape(graph, gate.x, after_gate.outputs[0])) return false;
    make_hard_sigmoid(graph, next, gate.x, gate.nodes, removed);
    return true;
  }
  if (other_factor(after_gate, gate.out) != gate.x || after_gate.attrs.has_activation()) return false;
  const int last = readers.sole_reader(after_gate.outputs[0]);
  if (last < 0 || removed[static_cast<size_t>(last)]) return false;
  const Node& scale = graph.nodes[static_cast<size_t>(last)];
  if (divided_by_six(graph, scale) != after_gate.outputs[0] || !same_shape(graph, gate.x, scale.outputs[0]))
    return false;
  std::vector<int> replaced = gate.nodes;
  replaced.push_back(next);
  rewrite_as(graph, last, OpType::kHardSwish, gate.x, replaced, removed);
  return true;
}

bool is_sixth_hard_sigmoid(const Node& node) {
  return node.op == OpType::kHardSigmoid && node.inputs.size() == 1 && is_single_output(node) &&
         near(node.attrs.alpha, 1.f / 6.f) && near(node.attrs.beta, 0.5f) && !node.attrs.has_activation();
}

// Mul(x, HardSigmoid(x; 1/6, 1/2)) -> HardSwish(x).
void fuse_gated_products(Graph& graph) {
  const Readers readers(graph);
  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& gate = graph.nodes[i];
    if (!is_sixth_hard_sigmoid(gate)) continue;
    const int mul = readers.sole_reader(gate.outputs[0]);
    if (mul < 0 || removed[static_cast<size_t>(mul)]) continue;
    if (other_factor(graph.nodes[static_cast<size_t>(mul)], gate.outputs[0]) != gate.inputs[0]) continue;
    rewrite_as(graph, mul, OpType::kHardSwish, gate.inputs[0], {static_cast<int>(i)}, removed);
  }
  erase_nodes(graph, removed);
}

void fuse_gates(Graph& graph) {
  const Readers readers(graph);
  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Gate gate;
    if (removed[i] || !match_gate(graph, readers, static_cast<int>(i), gate)) continue;
    fuse_from_gate(graph, readers, gate, removed);
  }
  erase_nodes(graph, removed);
}

}  // namespace

void fuse_hard_swish(Graph& graph) {
  fuse_gates(graph);
  // Runs after fuse_gates so that a gate it turned into a HardSigmoid can join
  // the Mul after it.
  fuse_gated_products(graph);
}

}  // namespace garden
