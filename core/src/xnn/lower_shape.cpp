// Data movement: Concat, Reshape, Transpose, Pad, Slice, DepthToSpace, and Softmax.
#include <string>
#include <utility>
#include <vector>

#include "xnn/lower.h"

namespace garden {
namespace xnn {
namespace {

// XNNPACK concatenates at most five tensors per node.
constexpr size_t kMaxConcatInputs = 5;

void define_concat(SubgraphBuilder& b, const Node& node, int32_t axis,
                   const std::vector<uint32_t>& in, uint32_t out) {
  xnn_status status = xnn_status_invalid_parameter;
  switch (in.size()) {
    case 2: status = xnn_define_concatenate2(b.get(), axis, in[0], in[1], out, 0); break;
    case 3: status = xnn_define_concatenate3(b.get(), axis, in[0], in[1], in[2], out, 0); break;
    case 4:
      status = xnn_define_concatenate4(b.get(), axis, in[0], in[1], in[2], in[3], out, 0);
      break;
    case 5:
      status = xnn_define_concatenate5(b.get(), axis, in[0], in[1], in[2], in[3], in[4], out, 0);
      break;
    default: unsupported(node, "internal: concat of " + std::to_string(in.size()));
  }
  b.defined(status, node, "concatenate");
}

std::vector<size_t> int_list(const Node& node, size_t begin, size_t count) {
  std::vector<size_t> values;
  for (size_t i = begin; i < begin + count; ++i) {
    const int64_t v = node.attrs.ints[i];
    if (v < 0) unsupported(node, "negative value " + std::to_string(v) + " in attribute ints");
    values.push_back(static_cast<size_t>(v));
  }
  return values;
}

void require_ints(const Node& node, size_t count) {
  if (node.attrs.ints.size() != count) {
    unsupported(node, "attribute ints has " + std::to_string(node.attrs.ints.size()) +
                          " values, expected " + std::to_string(count));
  }
}

}  // namespace

// More than five inputs: concatenate the first five, then keep folding the
// running result with up to four more.
void lower_concat(SubgraphBuilder& b, const Node& node) {
  if (node.inputs.empty()) unsupported(node, "no inputs");
  const Shape& out_shape = b.output(node).shape;
  const int32_t axis = node.attrs.axis;
  if (axis < 0 || static_cast<size_t>(axis) >= out_shape.size()) unsupported(node, "bad axis");
  if (node.inputs.size() == 1) {
    b.defined(xnn_define_copy(b.get(), b.input_value(node, 0), b.output_value(node), 0), node,
              "copy");
    return;
  }
  std::vector<uint32_t> pending;
  Shape running = b.input(node, 0).shape;
  running[axis] = 0;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    pending.push_back(b.input_value(node, i));
    const Shape& in = b.input(node, i).shape;
    if (in.size() != out_shape.size()) unsupported(node, "inputs differ in rank");
    running[axis] += in[axis];
    const bool last = i + 1 == node.inputs.size();
    if (pending.size() == kMaxConcatInputs && !last) {
      const uint32_t partial = b.internal_value(running, node);
      define_concat(b, node, axis, pending, partial);
      pending = {partial};
    }
  }
  define_concat(b, node, axis, pending, b.output_value(node));
}

void lower_reshape(SubgraphBuilder& b, const Node& node) {
  const Tensor& x = b.input(node, 0);
  const Tensor& y = b.output(node);
  if (element_count(x.shape) != element_count(y.shape)) unsupported(node, "element count changes");
  const std::vector<size_t> dims = xnn_dims(y.shape, node);
  b.defined(xnn_define_static_reshape(b.get(), dims.size(), dims.data(), b.input_value(node, 0),
                                      b.output_value(node), 0),
            node, "reshape");
}

void lower_transpose(SubgraphBuilder& b, const Node& node) {
  const size_t rank = b.input(node, 0).shape.size();
  require_ints(node, rank);
  const std::vector<size_t> perm = int_list(node, 0, rank);
  b.defined(xnn_define_static_transpose(b.get(), perm.size(), perm.data(), b.input_value(node, 0),
                                        b.output_value(node), 0),
            node, "transpose");
}

void lower_pad(SubgraphBuilder& b, const Node& node) {
  const size_t rank = b.input(node, 0).shape.size();
  require_ints(node, 2 * rank);
  const std::vector<size_t> before = int_list(node, 0, rank), after = int_list(node, rank, rank);
  b.defined(xnn_define_static_constant_pad(b.get(), before.data(), after.data(),
                                           node.attrs.pad_value, b.input_value(node, 0),
                                           b.output_value(node), 0),
            node, "constant pad");
}

void lower_slice(SubgraphBuilder& b, const Node& node) {
  const Shape& in = b.input(node, 0).shape;
  const size_t rank = in.size();
  require_ints(node, 2 * rank);
  const std::vector<size_t> offsets = int_list(node, 0, rank), sizes = int_list(node, rank, rank);
  for (size_t d = 0; d < rank; ++d) {
    if (offsets[d] + sizes[d] > static_cast<size_t>(in[d])) unsupported(node, "slice out of bounds");
  }
  b.defined(xnn_define_static_slice(b.get(), rank, offsets.data(), sizes.data(),
                                    b.input_value(node, 0), b.output_value(node), 0),
            node, "slice");
}

void lower_depth_to_space(SubgraphBuilder& b, const Node& node) {
  require_rank(node, b.input(node, 0), 4);
  if (node.attrs.block_size < 2) unsupported(node, "block_size must be >= 2");
  b.defined(xnn_define_depth_to_space_2d(b.get(), node.attrs.block_size, b.input_value(node, 0),
                                         b.output_value(node), 0),
            node, "depth to space");
}

// XNNPACK's softmax runs over the last axis; any other axis is swapped with
// the last one before and after (the swap is its own inverse).
void lower_softmax(SubgraphBuilder& b, const Node& node) {
  const Shape& shape = b.input(node, 0).shape;
  const size_t rank = shape.size();
  if (rank == 0 || node.attrs.axis < 0 || node.attrs.axis >= static_cast<int32_t>(rank)) {
    unsupported(node, "softmax axis out of range");
  }
  const size_t axis = static_cast<size_t>(node.attrs.axis);
  if (axis == rank - 1) {
    b.defined(xnn_define_softmax(b.get(), b.input_value(node, 0), b.output_value(node), 0), node, "softmax");
    return;
  }
  std::vector<size_t> swap(rank);
  for (size_t k = 0; k < rank; ++k) swap[k] = k;
  std::swap(swap[axis], swap[rank - 1]);
  Shape swapped = shape;
  std::swap(swapped[axis], swapped[rank - 1]);
  const uint32_t moved = b.internal_value(swapped, node);
  const uint32_t normalized = b.internal_value(swapped, node);
  b.defined(xnn_define_static_transpose(b.get(), rank, swap.data(), b.input_value(node, 0), moved, 0), node,
            "transpose");
  b.defined(xnn_define_softmax(b.get(), moved, normalized, 0), node, "softmax");
  b.defined(xnn_define_static_transpose(b.get(), rank, swap.data(), normalized, b.output_value(node), 0), node,
            "transpose");
}

}  // namespace xnn
}  // namespace garden
