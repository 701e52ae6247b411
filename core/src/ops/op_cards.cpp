// The table of op cards, indexed by OpType, and the checks every card shares.
#include <algorithm>
#include <iterator>
#include <string>

#include "ops/cards.h"

namespace garden {
namespace ops {
namespace {

// In OpType order: op_card(op) is kCards[op].
const OpCard* const kCards[] = {
    &kConv2DCard,        &kConvTranspose2DCard, &kFullyConnectedCard, &kAddCard,
    &kSubCard,           &kMulCard,             &kDivCard,            &kClampCard,
    &kSigmoidCard,       &kHardSigmoidCard,     &kHardSwishCard,      &kSwishCard,
    &kTanhCard,          &kAveragePool2DCard,   &kMaxPool2DCard,      &kGlobalAveragePool2DCard,
    &kResize2DCard,      &kConcatCard,          &kReshapeCard,        &kTransposeCard,
    &kSoftmaxCard,       &kPadCard,             &kBatchNormCard,      &kSliceCard,
    &kMeanCard,          &kDepthToSpaceCard,    &kLeakyReluCard,       &kAbsCard,
    &kNegCard,           &kExpCard,             &kLogCard,            &kSqrtCard,
    &kFloorCard,         &kCeilCard,            &kRoundCard,          &kEluCard,
    &kMaximumCard,       &kMinimumCard,         &kPowCard,            &kPReluCard,
    &kSquaredDifferenceCard, &kSignCard,        &kReciprocalCard,     &kBatchMatMulCard,
    &kReduceMaxCard,     &kReduceMinCard,       &kReduceProdCard,     &kSinCard,
    &kCosCard,           &kAtan2Card,
};
static_assert(std::size(kCards) == static_cast<size_t>(OpType::kLast) + 1, "every OpType needs its card");

std::string node_label(const Node& node) {
  return std::string(op_name(node.op)) + " node '" + node.name + "'";
}

void require_node(bool condition, const Node& node, const std::string& problem) {
  require(condition, ErrorCode::kInvalidModel, node_label(node) + ": " + problem);
}

}  // namespace

bool is_known_op(OpType op) { return op <= OpType::kLast; }

const OpCard& op_card(OpType op) {
  require(is_known_op(op), ErrorCode::kInvalidModel, "unknown op " + std::to_string(static_cast<int>(op)));
  return *kCards[static_cast<size_t>(op)];
}

void check(const NodeTensors& node, bool condition, const std::string& problem) {
  require_node(condition, node.node, problem);
}

void check_node(const Graph& graph, const Node& node) {
  require_node(is_known_op(node.op), node, "unknown op");
  const OpCard& card = op_card(node.op);
  require_node(node.inputs.size() >= card.min_inputs && node.inputs.size() <= card.max_inputs, node,
               "wrong number of inputs (" + std::to_string(node.inputs.size()) + ")");
  require_node(node.outputs.size() == 1, node, "must have exactly one output");
  NodeTensors tensors{node, {}, graph.tensor(node.outputs[0])};
  for (TensorId id : node.inputs) tensors.input_tensors.push_back(&graph.tensor(id));
  card.check(tensors);
}

void validate_graph(const Graph& graph) {
  graph.validate();
  for (const Node& node : graph.nodes) check_node(graph, node);
}

ImageView image_view(const NodeTensors& node, const Tensor& tensor) {
  check(node, tensor.shape.size() == 4, "tensor '" + tensor.name + "' is not 4-D");
  const Shape& s = tensor.shape;
  ImageView view;
  view.n = s[0];
  if (tensor.layout == Layout::kNCHW) {
    view.c = s[1], view.h = s[2], view.w = s[3];
    view.stride_w = 1, view.stride_h = view.w, view.stride_c = view.h * view.w;
    view.stride_n = view.c * view.h * view.w;
  } else {
    view.h = s[1], view.w = s[2], view.c = s[3];
    view.stride_c = 1, view.stride_w = view.c, view.stride_h = view.w * view.c;
    view.stride_n = view.h * view.w * view.c;
  }
  return view;
}

void check_window_values(const NodeTensors& node, const int32_t* values, size_t count, int32_t minimum,
                         const char* what) {
  for (size_t i = 0; i < count; ++i)
    check(node, values[i] >= minimum && values[i] <= kMaxWindow,
          std::string(what) + " must be in [" + std::to_string(minimum) + ", " + std::to_string(kMaxWindow) + "]");
}

void check_window(const NodeTensors& node) {
  const Attributes& a = node.node.attrs;
  check_window_values(node, a.stride.data(), a.stride.size(), 1, "stride");
  check_window_values(node, a.dilation.data(), a.dilation.size(), 1, "dilation");
  check_window_values(node, a.pad.data(), a.pad.size(), 0, "padding");
}

void check_axis(const NodeTensors& node, int64_t axis, size_t rank) {
  check(node, axis >= 0 && static_cast<size_t>(axis) < rank,
        "axis " + std::to_string(axis) + " is outside rank " + std::to_string(rank));
}

void check_same_shape(const NodeTensors& node) {
  check(node, node.output_tensor.shape == node.input_tensors[0]->shape, "output shape differs from input");
}

void check_broadcast_shapes(const NodeTensors& node, const Shape& a, const Shape& b, const Shape& out) {
  const size_t rank = std::max(a.size(), b.size());
  check(node, out.size() == rank, "output rank is not the broadcast rank");
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    check(node, out[rank - 1 - k] == std::max(da, db) || (da == 0 || db == 0),
          "output shape is not the broadcast of the input shapes");
  }
  for (const Shape* shape : {&a, &b}) {
    for (size_t k = 0; k < shape->size(); ++k) {
      const int64_t d = (*shape)[shape->size() - 1 - k];
      check(node, d == out[out.size() - 1 - k] || d == 1, "input shapes do not broadcast to the output shape");
    }
  }
}

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < shape.size(); ++k) {
    const size_t in_axis = shape.size() - 1 - k;
    strides[out.size() - 1 - k] = shape[in_axis] == 1 ? 0 : stride;
    stride *= shape[in_axis];
  }
  return strides;
}

}  // namespace ops
}  // namespace garden
