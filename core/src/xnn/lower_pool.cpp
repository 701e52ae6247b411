// Pooling and reductions.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "xnn/lower.h"

namespace garden {
namespace xnn {
namespace {

bool has_padding(const Attributes& a) {
  return a.pad[0] != 0 || a.pad[1] != 0 || a.pad[2] != 0 || a.pad[3] != 0;
}

// attrs.ints as sorted XNNPACK axes; a reduction carries no fused clamp.
std::vector<size_t> reduced_axes(SubgraphBuilder& b, const Node& node) {
  const size_t rank = b.input(node, 0).shape.size();
  if (node.attrs.has_activation()) unsupported(node, "fused activation on a reduction");
  std::vector<size_t> axes;
  for (int64_t axis : node.attrs.ints) {
    if (axis < 0 || static_cast<size_t>(axis) >= rank) unsupported(node, "axis out of range");
    axes.push_back(static_cast<size_t>(axis));
  }
  std::sort(axes.begin(), axes.end());
  if (std::unique(axes.begin(), axes.end()) != axes.end()) unsupported(node, "repeated axis");
  return axes;
}

void define_mean(SubgraphBuilder& b, const Node& node, const std::vector<size_t>& axes) {
  b.defined(xnn_define_static_reduce(b.get(), xnn_reduce_mean, axes.size(), axes.data(),
                                     b.input_value(node, 0), b.output_value(node),
                                     XNN_FLAG_KEEP_DIMS),
            node, "mean");
}

}  // namespace

void lower_average_pool(SubgraphBuilder& b, const Node& node) {
  const Tensor& x = b.input(node, 0);
  require_rank(node, x, 4);
  const Attributes& a = node.attrs;
  uint32_t input = b.input_value(node, 0);
  std::array<int32_t, 4> pad = a.pad;
  if (a.count_include_pad && has_padding(a)) {
    // XNNPACK leaves padding out of the average; counting it in is the same as
    // averaging over an explicitly zero-padded input.
    const size_t before[4] = {0, size_t(a.pad[0]), size_t(a.pad[1]), 0};
    const size_t after[4] = {0, size_t(a.pad[2]), size_t(a.pad[3]), 0};
    const Shape padded{x.shape[0], x.shape[1] + a.pad[0] + a.pad[2], x.shape[2] + a.pad[1] + a.pad[3],
                       x.shape[3]};
    const uint32_t padded_value = b.internal_value(padded, node);
    b.defined(xnn_define_static_constant_pad(b.get(), before, after, 0.f, input, padded_value, 0),
              node, "pad");
    input = padded_value;
    pad = {0, 0, 0, 0};
  }
  b.defined(xnn_define_average_pooling_2d(b.get(), pad[0], pad[3], pad[2], pad[1], a.kernel[0],
                                          a.kernel[1], a.stride[0], a.stride[1], a.activation_min,
                                          a.activation_max, input, b.output_value(node), 0),
            node, "average pooling");
}

void lower_max_pool(SubgraphBuilder& b, const Node& node) {
  require_rank(node, b.input(node, 0), 4);
  const Attributes& a = node.attrs;
  b.defined(xnn_define_max_pooling_2d(b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], a.kernel[0],
                                      a.kernel[1], a.stride[0], a.stride[1], a.dilation[0],
                                      a.dilation[1], a.activation_min, a.activation_max,
                                      b.input_value(node, 0), b.output_value(node), 0),
            node, "max pooling");
}

void lower_global_average_pool(SubgraphBuilder& b, const Node& node) {
  require_rank(node, b.input(node, 0), 4);
  if (node.attrs.has_activation()) unsupported(node, "fused activation on global pooling");
  define_mean(b, node, {1, 2});
}

void lower_mean(SubgraphBuilder& b, const Node& node) {
  if (node.attrs.ints.empty()) unsupported(node, "no axes to reduce");
  define_mean(b, node, reduced_axes(b, node));
}

// This XNNPACK reduces by sum and mean only. A maximum, minimum or product is
// a tree of the matching binary operator: the reduced axes moved last and
// flattened into one of length R, padded with the operator's identity to a
// power of two P, then halved log2(P) times, each half combined with the
// other. 3 log2(P) + 3 nodes, each a plain XNNPACK operator.
void lower_reduce_tree(SubgraphBuilder& b, const Node& node) {
  const Shape& in = b.input(node, 0).shape;
  const std::vector<size_t> axes = reduced_axes(b, node);
  std::vector<size_t> order;  // kept axes, then reduced axes
  std::vector<bool> reduced(in.size(), false);
  for (size_t axis : axes) reduced[axis] = true;
  int64_t kept_count = 1, reduced_count = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    if (!reduced[k]) order.push_back(k), kept_count *= in[k];
    else reduced_count *= in[k];
  }
  order.insert(order.end(), axes.begin(), axes.end());
  if (reduced_count == 0 || kept_count == 0) unsupported(node, "an empty tensor");
  xnn_binary_operator op = xnn_binary_multiply;
  float identity = 1.f;
  if (node.op == OpType::kReduceMax) op = xnn_binary_maximum, identity = -INFINITY;
  if (node.op == OpType::kReduceMin) op = xnn_binary_minimum, identity = INFINITY;

  uint32_t value = b.input_value(node, 0);
  if (!std::is_sorted(order.begin(), order.end())) {
    Shape moved;
    for (size_t k : order) moved.push_back(in[k]);
    const uint32_t transposed = b.internal_value(moved, node);
    b.defined(xnn_define_static_transpose(b.get(), order.size(), order.data(), value, transposed, 0), node,
              "transpose");
    value = transposed;
  }
  int64_t width = 1;
  while (width < reduced_count) width *= 2;
  const auto reshape = [&](const Shape& shape, uint32_t to) {
    const std::vector<size_t> dims = xnn_dims(shape, node);
    b.defined(xnn_define_static_reshape(b.get(), dims.size(), dims.data(), value, to, 0), node, "reshape");
    value = to;
  };
  if (width == 1) return reshape(b.output(node).shape, b.output_value(node));
  reshape({kept_count, reduced_count}, b.internal_value({kept_count, reduced_count}, node));
  if (width > reduced_count) {
    const size_t before[2] = {0, 0}, after[2] = {0, static_cast<size_t>(width - reduced_count)};
    const uint32_t padded = b.internal_value({kept_count, width}, node);
    b.defined(xnn_define_static_constant_pad(b.get(), before, after, identity, value, padded, 0), node, "pad");
    value = padded;
  }
  for (; width > 1; width /= 2) {
    const Shape half{kept_count, width / 2};
    const size_t sizes[2] = {static_cast<size_t>(kept_count), static_cast<size_t>(width / 2)};
    const size_t first[2] = {0, 0}, second[2] = {0, static_cast<size_t>(width / 2)};
    const uint32_t low = b.internal_value(half, node), high = b.internal_value(half, node);
    b.defined(xnn_define_static_slice(b.get(), 2, first, sizes, value, low, 0), node, "slice");
    b.defined(xnn_define_static_slice(b.get(), 2, second, sizes, value, high, 0), node, "slice");
    const uint32_t combined = b.internal_value(half, node);
    xnn_binary_params params{-INFINITY, INFINITY};
    b.defined(xnn_define_binary(b.get(), op, &params, low, high, combined, 0), node, "binary op");
    value = combined;
  }
  reshape(b.output(node).shape, b.output_value(node));
}

}  // namespace xnn
}  // namespace garden
