// convert_to_nhwc: every 4-D NCHW activation becomes NHWC.
//
// What each op needs is its card's layout rule (ops/op_card.h). Layout-aware
// ops (convolutions, pooling, resize, depth-to-space, BatchNorm) read the
// layout from their tensors, so they need no change. Ops that work on literal
// shapes get their axis attributes permuted, and their constant operands
// re-laid out. Where an op's meaning depends on NCHW memory order (Reshape,
// FullyConnected) a Transpose back to NCHW is inserted before it and one to
// NHWC after it, unless NCHW and NHWC order coincide (C == 1 or H * W == 1). Graph inputs and outputs keep their declared
// layout, joined to the inside by one Transpose each.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "garden/error.h"
#include "graph/graph_utils.h"
#include "graph/passes.h"
#include "graph/permute.h"
#include "ops/op_card.h"

namespace garden {
namespace {

bool is_nchw_activation(const Tensor& t) {
  return !t.is_constant() && t.shape.size() == 4 && t.layout == Layout::kNCHW;
}

// NCHW and NHWC put the elements in the same memory order.
bool same_memory_order(const Shape& nchw) { return nchw[1] == 1 || nchw[2] * nchw[3] == 1; }

// Where NCHW axis `axis` sits in NHWC.
int64_t nhwc_axis(int64_t axis) {
  static const int64_t kPosition[4] = {0, 3, 1, 2};
  require(axis >= 0 && axis < 4, ErrorCode::kInvalidModel, "axis out of range for a 4-D tensor");
  return kPosition[axis];
}

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

Node transpose_node(const std::string& name, TensorId in, TensorId out, const std::vector<int64_t>& perm) {
  Node node{OpType::kTranspose, name, {in}, {out}, {}};
  node.attrs.ints = perm;
  return node;
}

class NhwcRewriter {
 public:
  explicit NhwcRewriter(Graph& graph) : graph_(graph) {}

  void run() {
    std::vector<Node> prologue, epilogue;
    join_inputs(prologue);
    join_outputs(epilogue);
    convert_inner_tensors();
    std::vector<Node> original = std::move(graph_.nodes);
    nodes_ = std::move(prologue);
    for (Node& node : original) rewrite(std::move(node));
    for (Node& node : epilogue) nodes_.push_back(std::move(node));
    graph_.nodes = std::move(nodes_);
  }

 private:
  bool converted(TensorId id) const {
    return static_cast<size_t>(id) < converted_.size() && converted_[static_cast<size_t>(id)];
  }
  void mark_converted(TensorId id) {
    if (converted_.size() <= static_cast<size_t>(id)) converted_.resize(static_cast<size_t>(id) + 1, false);
    converted_[static_cast<size_t>(id)] = true;
  }
  TensorId add_nhwc_twin(TensorId nchw_id, const std::string& suffix) {
    const Tensor t = graph_.tensor(nchw_id);
    const TensorId id = add_activation(graph_, t.name + suffix, permute(t.shape, kNchwToNhwc), Layout::kNHWC);
    mark_converted(id);
    return id;
  }

  // Each NCHW graph input feeds the graph through one Transpose to NHWC.
  void join_inputs(std::vector<Node>& prologue) {
    for (TensorId input : graph_.inputs) {
      if (!is_nchw_activation(graph_.tensor(input))) continue;
      const TensorId inner = add_nhwc_twin(input, "/nhwc");
      replace_reads(graph_, input, inner);
      prologue.push_back(transpose_node(graph_.tensor(input).name + "/to_nhwc", input, inner, kNchwToNhwc));
    }
  }

  // Each NCHW graph output is computed in NHWC and transposed once at the end.
  void join_outputs(std::vector<Node>& epilogue) {
    for (TensorId output : graph_.outputs) {
      if (!is_nchw_activation(graph_.tensor(output)) || producer_of(graph_, output) < 0) continue;
      const TensorId inner = add_nhwc_twin(output, "/nhwc");
      for (Node& node : graph_.nodes) {
        std::replace(node.inputs.begin(), node.inputs.end(), output, inner);
        std::replace(node.outputs.begin(), node.outputs.end(), output, inner);
      }
      epilogue.push_back(transpose_node(graph_.tensor(output).name + "/to_nchw", inner, output, kNhwcToNchw));
    }
  }

  void convert_inner_tensors() {
    std::vector<bool> boundary(graph_.tensors.size(), false);
    for (TensorId id : graph_.inputs) boundary[static_cast<size_t>(id)] = true;
    for (TensorId id : graph_.outputs) boundary[static_cast<size_t>(id)] = true;
    for (size_t i = 0; i < boundary.size(); ++i) {
      Tensor& t = graph_.tensors[i];
      if (boundary[i] || !is_nchw_activation(t)) continue;
      t.shape = permute(t.shape, kNchwToNhwc);
      t.layout = Layout::kNHWC;
      mark_converted(static_cast<TensorId>(i));
    }
  }

  // An operand for an op now computed in NHWC order: constants of rank <= 4 are
  // read as right-aligned NCHW ([C,1,1] -> [1,C,1,1]) and re-laid out as NHWC;
  // other activations of lower rank go through Reshape + Transpose.
  TensorId as_nhwc_operand(TensorId id) {
    const Tensor& t = graph_.tensor(id);
    if (converted(id) || (t.shape.size() == 4 && t.layout == Layout::kNHWC)) return id;
    if (element_count(t.shape) == 1) return id;  // a scalar broadcasts the same way in any layout
    const auto cached = nhwc_operands_.find(id);
    if (cached != nhwc_operands_.end()) return cached->second;
    require(t.shape.size() <= 4, ErrorCode::kUnsupportedModel,
            "tensor '" + t.name + "' of rank > 4 is combined with a 4-D activation");
    Shape nchw(4 - t.shape.size(), 1);
    nchw.insert(nchw.end(), t.shape.begin(), t.shape.end());
    TensorId result;
    if (t.is_constant()) {
      const std::vector<float> values = permute_values(constant_as_f32(t), nchw, kNchwToNhwc);
      const std::string name = t.name + "/nhwc";
      result = add_f32_constant(graph_, name, permute(nchw, kNchwToNhwc), values);
    } else {
      const std::string name = t.name;
      TensorId source = id;
      if (t.shape.size() != 4) {
        source = add_activation(graph_, name + "/as_4d", nchw, Layout::kNCHW);
        nodes_.push_back(Node{OpType::kReshape, name + "/as_4d", {id}, {source}, {}});
      }
      result = add_activation(graph_, name + "/nhwc", permute(nchw, kNchwToNhwc), Layout::kNHWC);
      nodes_.push_back(transpose_node(name + "/to_nhwc", source, result, kNchwToNhwc));
    }
    mark_converted(result);
    nhwc_operands_[id] = result;
    return result;
  }

  // A converted activation viewed in NCHW memory order again (a layout boundary).
  TensorId as_nchw(TensorId id) {
    if (!converted(id)) return id;
    const Tensor& t = graph_.tensor(id);
    const Shape nchw = permute(t.shape, kNhwcToNchw);
    if (same_memory_order(nchw)) return id;
    const auto cached = nchw_views_.find(id);
    if (cached != nchw_views_.end()) return cached->second;
    const std::string name = t.name;
    const TensorId view = add_activation(graph_, name + "/nchw", nchw, Layout::kNCHW);
    nodes_.push_back(transpose_node(name + "/to_nchw", id, view, kNhwcToNchw));
    nchw_views_[id] = view;
    return view;
  }

  // Makes `node` write NCHW order into a temporary that a Transpose turns into
  // its (converted) output. Call after pushing the node.
  void transpose_output_after(Node& node) {
    const TensorId output = node.outputs[0];
    const Tensor& t = graph_.tensor(output);
    const Shape nchw = permute(t.shape, kNhwcToNchw);
    if (same_memory_order(nchw)) return;
    const std::string name = t.name;
    const TensorId temporary = add_activation(graph_, name + "/nchw", nchw, Layout::kNCHW);
    node.outputs[0] = temporary;
    nodes_.push_back(transpose_node(name + "/to_nhwc", temporary, output, kNchwToNhwc));
  }

  void permute_per_dim_ints(Node& node) {
    std::vector<int64_t>& ints = node.attrs.ints;
    require(ints.size() == 8, ErrorCode::kInvalidModel,
            std::string(op_name(node.op)) + " node '" + node.name + "' needs 8 values for a 4-D tensor");
    const std::vector<int64_t> first = permute({ints[0], ints[1], ints[2], ints[3]}, kNchwToNhwc);
    const std::vector<int64_t> second = permute({ints[4], ints[5], ints[6], ints[7]}, kNchwToNhwc);
    ints = first;
    ints.insert(ints.end(), second.begin(), second.end());
  }

  // Transpose: out dim j (new) = out dim qo[j] (old) = in dim perm[qo[j]] (old)
  // = in dim inverse(qi)[perm[qo[j]]] (new).
  void rewrite_transpose(Node& node) {
    const bool in_converted = converted(node.inputs[0]);
    const bool out_converted = converted(node.outputs[0]);
    if (!in_converted && !out_converted) return;
    const std::vector<int64_t> perm = node.attrs.ints;
    require(perm.size() == 4, ErrorCode::kInvalidModel, "Transpose node '" + node.name + "' on a 4-D tensor needs 4 axes");
    std::vector<int64_t> result(4);
    for (size_t j = 0; j < 4; ++j) {
      const int64_t old_out = out_converted ? kNchwToNhwc[j] : static_cast<int64_t>(j);
      const int64_t old_in = perm[static_cast<size_t>(old_out)];
      require(old_in >= 0 && old_in < 4, ErrorCode::kInvalidModel, "Transpose node '" + node.name + "': bad axis");
      result[j] = in_converted ? nhwc_axis(old_in) : old_in;
    }
    node.attrs.ints = result;
  }

  void rewrite(Node node) {
    const bool output_converted = !node.outputs.empty() && converted(node.outputs[0]);
    const bool input_converted = !node.inputs.empty() && converted(node.inputs[0]);
    switch (ops::op_card(node.op).layout) {
      case ops::LayoutRule::kLayoutAware:
      case ops::LayoutRule::kElementwise: break;
      case ops::LayoutRule::kBroadcastOperands:
        if (output_converted)
          for (TensorId& id : node.inputs) id = as_nhwc_operand(id);
        break;
      case ops::LayoutRule::kConcatAxis:
        if (output_converted) {
          node.attrs.axis = static_cast<int32_t>(nhwc_axis(node.attrs.axis));
          for (TensorId& id : node.inputs) id = as_nhwc_operand(id);
        }
        break;
      case ops::LayoutRule::kAxisAttribute:
        if (input_converted) node.attrs.axis = static_cast<int32_t>(nhwc_axis(node.attrs.axis));
        break;
      case ops::LayoutRule::kAxesList:
        if (input_converted)
          for (int64_t& axis : node.attrs.ints) axis = nhwc_axis(axis);
        break;
      case ops::LayoutRule::kPerDimensionInts:
        if (input_converted) permute_per_dim_ints(node);
        break;
      case ops::LayoutRule::kPermutation: rewrite_transpose(node); break;
      case ops::LayoutRule::kNchwMemoryOrder:
        for (TensorId& id : node.inputs) id = as_nchw(id);
        nodes_.push_back(std::move(node));
        if (output_converted) transpose_output_after(nodes_.back());
        return;
    }
    nodes_.push_back(std::move(node));
  }

  Graph& graph_;
  std::vector<bool> converted_;
  std::vector<Node> nodes_;
  std::map<TensorId, TensorId> nhwc_operands_;
  std::map<TensorId, TensorId> nchw_views_;
};

// Transpose(Transpose(x, p1), p2) reads x with the composed permutation; an
// identity Transpose inside the graph disappears.
void simplify_transposes(Graph& graph) {
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId id : graph.nodes[i].outputs) producer[static_cast<size_t>(id)] = static_cast<int>(i);
  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op != OpType::kTranspose) continue;
    const int p = producer[static_cast<size_t>(node.inputs[0])];
    if (p >= 0 && graph.nodes[static_cast<size_t>(p)].op == OpType::kTranspose) {
      const Node& first = graph.nodes[static_cast<size_t>(p)];
      std::vector<int64_t> composed(node.attrs.ints.size());
      for (size_t k = 0; k < composed.size(); ++k)
        composed[k] = first.attrs.ints[static_cast<size_t>(node.attrs.ints[k])];
      node.inputs[0] = first.inputs[0];
      node.attrs.ints = composed;
    }
    const Tensor& in = graph.tensor(node.inputs[0]);
    const Tensor& out = graph.tensor(node.outputs[0]);
    if (is_identity(node.attrs.ints) && in.layout == out.layout && !is_graph_output(graph, node.outputs[0])) {
      replace_reads(graph, node.outputs[0], node.inputs[0]);
      removed[i] = true;
    }
  }
  erase_nodes(graph, removed);
}

}  // namespace

void convert_to_nhwc(Graph& graph) {
  graph.validate();
  NhwcRewriter(graph).run();
  simplify_transposes(graph);
}

}  // namespace garden
