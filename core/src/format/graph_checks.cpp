#include "format/graph_checks.h"

#include <algorithm>
#include <string>
#include <vector>

#include "format/garden_format.h"

namespace garden {
namespace {

struct Arity {
  size_t min_inputs;
  size_t max_inputs;
};

constexpr size_t kUnbounded = static_cast<size_t>(-1);

Arity op_arity(OpType op) {
  switch (op) {
    case OpType::kConv2D:
    case OpType::kConvTranspose2D:
    case OpType::kFullyConnected:
      return {2, 3};
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kDiv:
      return {2, 2};
    case OpType::kConcat:
      return {1, kUnbounded};
    case OpType::kBatchNorm:
      return {5, 5};
    default:
      return {1, 1};
  }
}

std::string node_label(const Node& node) {
  return std::string(op_name(node.op)) + " node '" + node.name + "'";
}

void check(bool condition, const Node& node, const std::string& problem) {
  require(condition, ErrorCode::kInvalidModel, node_label(node) + ": " + problem);
}

void check_all_at_least(const Node& node, const int32_t* values, size_t count, int32_t minimum,
                        const char* what) {
  for (size_t i = 0; i < count; ++i)
    check(values[i] >= minimum, node, std::string(what) + " must be >= " + std::to_string(minimum));
}

void check_window(const Node& node) {
  const Attributes& a = node.attrs;
  check_all_at_least(node, a.stride.data(), a.stride.size(), 1, "stride");
  check_all_at_least(node, a.dilation.data(), a.dilation.size(), 1, "dilation");
  check_all_at_least(node, a.pad.data(), a.pad.size(), 0, "padding");
}

void check_convolution(const Node& node) {
  check_window(node);
  check(node.attrs.groups >= 1, node, "groups must be >= 1");
  check_all_at_least(node, node.attrs.output_padding.data(), node.attrs.output_padding.size(), 0,
                     "output padding");
}

void check_pooling(const Node& node) {
  check_window(node);
  check_all_at_least(node, node.attrs.kernel.data(), node.attrs.kernel.size(), 1, "kernel size");
}

bool is_permutation_of_rank(const std::vector<int64_t>& values, size_t rank) {
  if (values.size() != rank) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t v : values) {
    if (v < 0 || static_cast<size_t>(v) >= rank || seen[static_cast<size_t>(v)]) return false;
    seen[static_cast<size_t>(v)] = true;
  }
  return true;
}

void check_axis(const Node& node, int64_t axis, size_t rank) {
  check(axis >= 0 && static_cast<size_t>(axis) < rank, node,
        "axis " + std::to_string(axis) + " is outside rank " + std::to_string(rank));
}

void check_mean_axes(const Node& node, size_t rank) {
  std::vector<bool> seen(rank, false);
  for (int64_t axis : node.attrs.ints) {
    check_axis(node, axis, rank);
    check(!seen[static_cast<size_t>(axis)], node, "axis " + std::to_string(axis) + " repeats");
    seen[static_cast<size_t>(axis)] = true;
  }
}

void check_pad(const Node& node, const Shape& input) {
  const std::vector<int64_t>& pads = node.attrs.ints;
  check(pads.size() == 2 * input.size(), node, "needs a begin and an end padding per dimension");
  for (int64_t p : pads) check(p >= 0, node, "padding must be >= 0");
}

void check_slice(const Node& node, const Shape& input) {
  const std::vector<int64_t>& ints = node.attrs.ints;
  const size_t rank = input.size();
  check(ints.size() == 2 * rank, node, "needs a begin and a size per dimension");
  for (size_t d = 0; d < rank; ++d) {
    const int64_t begin = ints[d], size = ints[rank + d];
    check(begin >= 0 && size >= 0 && begin <= input[d] && size <= input[d] - begin, node,
          "slice of dimension " + std::to_string(d) + " is outside the input");
  }
}

void check_attributes(const Graph& graph, const Node& node) {
  const Shape& input = graph.tensor(node.inputs[0]).shape;
  const Shape& output = graph.tensor(node.outputs[0]).shape;
  const Attributes& a = node.attrs;
  switch (node.op) {
    case OpType::kConv2D:
    case OpType::kConvTranspose2D:
      check_convolution(node);
      break;
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      check_pooling(node);
      break;
    case OpType::kResize2D:
      check(a.resize_mode <= ResizeMode::kNearest, node, "unknown resize mode");
      check(a.coordinate_mode <= CoordinateMode::kAsymmetric, node, "unknown coordinate mode");
      break;
    case OpType::kConcat:
      check_axis(node, a.axis, output.size());
      break;
    case OpType::kSoftmax:
      check_axis(node, a.axis, input.size());
      break;
    case OpType::kTranspose:
      check(is_permutation_of_rank(a.ints, input.size()), node,
            "permutation does not match the input's rank " + std::to_string(input.size()));
      break;
    case OpType::kPad:
      check_pad(node, input);
      break;
    case OpType::kSlice:
      check_slice(node, input);
      break;
    case OpType::kMean:
      check_mean_axes(node, input.size());
      break;
    case OpType::kDepthToSpace:
      check(a.block_size >= 1, node, "block size must be >= 1");
      break;
    default:
      break;
  }
}

void check_node(const Graph& graph, const Node& node) {
  check(node.op <= OpType::kDepthToSpace, node, "unknown op");
  const Arity arity = op_arity(node.op);
  check(node.inputs.size() >= arity.min_inputs && node.inputs.size() <= arity.max_inputs, node,
        "wrong number of inputs (" + std::to_string(node.inputs.size()) + ")");
  check(node.outputs.size() == 1, node, "must have exactly one output");
  check_attributes(graph, node);
}

}  // namespace

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
  graph.validate();
  for (const Node& node : graph.nodes) check_node(graph, node);
}

}  // namespace garden
