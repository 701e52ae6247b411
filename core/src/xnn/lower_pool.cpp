// Pooling and reductions.
#include <algorithm>
#include <string>

#include "xnn/lower.h"

namespace garden {
namespace xnn {
namespace {

bool has_padding(const Attributes& a) {
  return a.pad[0] != 0 || a.pad[1] != 0 || a.pad[2] != 0 || a.pad[3] != 0;
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
  const size_t rank = b.input(node, 0).shape.size();
  if (node.attrs.has_activation()) unsupported(node, "fused activation on mean");
  if (node.attrs.ints.empty()) unsupported(node, "no axes to reduce");
  std::vector<size_t> axes;
  for (int64_t axis : node.attrs.ints) {
    if (axis < 0 || static_cast<size_t>(axis) >= rank) unsupported(node, "axis out of range");
    axes.push_back(static_cast<size_t>(axis));
  }
  std::sort(axes.begin(), axes.end());
  if (std::unique(axes.begin(), axes.end()) != axes.end()) unsupported(node, "repeated axis");
  define_mean(b, node, axes);
}

}  // namespace xnn
}  // namespace garden
