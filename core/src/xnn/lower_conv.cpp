// Conv2D, ConvTranspose2D and FullyConnected.
#include <string>

#include "xnn/lower.h"

namespace garden {
namespace xnn {
namespace {

struct ConvShape {
  int64_t batch, in_channels, out_channels, kernel_h, kernel_w, weight_in;
};

ConvShape conv_shape(SubgraphBuilder& b, const Node& node) {
  const Tensor& x = b.input(node, 0);
  const Tensor& w = b.input(node, 1);
  require_rank(node, x, 4);
  require_rank(node, w, 4);
  require_rank(node, b.output(node), 4);
  if (!w.is_constant()) unsupported(node, "weights must be constant");
  if (b.has_input(node, 2)) {
    const Tensor& bias = b.input(node, 2);
    if (!bias.is_constant() || element_count(bias.shape) != w.shape[0]) {
      unsupported(node, "bias must be a constant of " + std::to_string(w.shape[0]) + " values");
    }
  }
  return {x.shape[0], x.shape[3], w.shape[0], w.shape[1], w.shape[2], w.shape[3]};
}

void require_groups(const Node& node, const ConvShape& s, int64_t group_in, int64_t group_out) {
  const int64_t groups = node.attrs.groups;
  if (groups < 1 || s.in_channels % groups != 0 || s.out_channels % groups != 0 ||
      s.weight_in != group_in || group_out * groups != s.out_channels) {
    unsupported(node, "groups=" + std::to_string(groups) + " does not fit " +
                          std::to_string(s.in_channels) + " input and " +
                          std::to_string(s.out_channels) + " output channels");
  }
}

// [C*M, kh, kw, 1] (OHWI) -> [1, kh, kw, C*M], the layout XNNPACK's depthwise
// convolution takes.
std::vector<float> depthwise_weights(const std::vector<float>& ohwi, int64_t channels, int64_t taps) {
  std::vector<float> hwo(ohwi.size());
  for (int64_t o = 0; o < channels; ++o) {
    for (int64_t t = 0; t < taps; ++t) hwo[t * channels + o] = ohwi[o * taps + t];
  }
  return hwo;
}

void lower_depthwise(SubgraphBuilder& b, const Node& node, const ConvShape& s) {
  const Attributes& a = node.attrs;
  const uint32_t filter = b.static_value(
      {1, s.kernel_h, s.kernel_w, s.out_channels},
      depthwise_weights(b.constant_f32(node, 1), s.out_channels, s.kernel_h * s.kernel_w), node);
  b.defined(xnn_define_depthwise_convolution_2d(
                b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], s.kernel_h, s.kernel_w, a.stride[0],
                a.stride[1], a.dilation[0], a.dilation[1], s.out_channels / s.in_channels,
                s.in_channels, a.activation_min, a.activation_max, b.input_value(node, 0), filter,
                b.optional_input_value(node, 2), b.output_value(node), 0),
            node, "depthwise convolution");
}

}  // namespace

void lower_conv2d(SubgraphBuilder& b, const Node& node) {
  require_window(node);
  const ConvShape s = conv_shape(b, node);
  const Attributes& a = node.attrs;
  const int64_t groups = a.groups;
  const bool depthwise = groups > 1 && groups == s.in_channels && s.weight_in == 1 &&
                         s.out_channels % groups == 0;
  if (depthwise) return lower_depthwise(b, node, s);
  require_groups(node, s, groups > 0 ? s.in_channels / groups : 0,
                 groups > 0 ? s.out_channels / groups : 0);
  b.defined(xnn_define_convolution_2d(
                b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], s.kernel_h, s.kernel_w, a.stride[0],
                a.stride[1], a.dilation[0], a.dilation[1], groups, s.in_channels / groups,
                s.out_channels / groups, a.activation_min, a.activation_max, b.input_value(node, 0),
                b.input_value(node, 1), b.optional_input_value(node, 2), b.output_value(node), 0),
            node, "convolution");
}

void lower_conv_transpose2d(SubgraphBuilder& b, const Node& node) {
  require_window(node);
  const ConvShape s = conv_shape(b, node);
  const Attributes& a = node.attrs;
  const int64_t groups = a.groups;
  require_groups(node, s, groups > 0 ? s.in_channels / groups : 0,
                 groups > 0 ? s.out_channels / groups : 0);
  for (int i = 0; i < 2; ++i) {
    // XNNPACK's adjustment, like ONNX's output_padding, must stay below the stride.
    if (a.output_padding[i] < 0 || a.output_padding[i] >= a.stride[i]) {
      unsupported(node, "output_padding must be in [0, stride)");
    }
  }
  b.defined(xnn_define_deconvolution_2d(
                b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], a.output_padding[0],
                a.output_padding[1], s.kernel_h, s.kernel_w, a.stride[0], a.stride[1],
                a.dilation[0], a.dilation[1], groups, s.in_channels / groups,
                s.out_channels / groups, a.activation_min, a.activation_max,
                b.input_value(node, 0), b.input_value(node, 1), b.optional_input_value(node, 2),
                b.output_value(node), 0),
            node, "deconvolution");
}

void lower_fully_connected(SubgraphBuilder& b, const Node& node) {
  const Tensor& x = b.input(node, 0);
  const Tensor& w = b.input(node, 1);
  const Tensor& y = b.output(node);
  require_rank(node, w, 2);
  if (!w.is_constant()) unsupported(node, "weights must be constant");
  if (x.shape.empty()) unsupported(node, "input must have rank >= 1");
  uint32_t flags = 0;
  const bool same_rank = y.shape.size() == x.shape.size() && x.shape.back() == w.shape[1];
  if (!same_rank) {
    // Any rank flattened to [prod(leading), I], as TensorFlow's 2-D reshape does.
    if (y.shape.size() != 2) unsupported(node, "output must keep the input rank or be 2-D");
    flags = XNN_FLAG_TENSORFLOW_RESHAPE_2D;
  }
  b.defined(xnn_define_fully_connected(b.get(), node.attrs.activation_min,
                                       node.attrs.activation_max, b.input_value(node, 0),
                                       b.input_value(node, 1), b.optional_input_value(node, 2),
                                       b.output_value(node), flags),
            node, "fully connected");
}

}  // namespace xnn
}  // namespace garden
