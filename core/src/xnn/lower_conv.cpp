// Conv2D, ConvTranspose2D and FullyConnected.
#include <cstring>
#include <string>
#include <vector>

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
      depthwise_weights(b.constant_f32(node, 1), s.out_channels, s.kernel_h * s.kernel_w), node,
      StaticUse::kPacking);
  b.defined(xnn_define_depthwise_convolution_2d(
                b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], s.kernel_h, s.kernel_w, a.stride[0],
                a.stride[1], a.dilation[0], a.dilation[1], s.out_channels / s.in_channels,
                s.in_channels, a.activation_min, a.activation_max, b.input_value(node, 0), filter,
                b.optional_input_value(node, 2), b.output_value(node), 0),
            node, "depthwise convolution");
}

// Whether a convolution (groups 1) or fully connected layer runs in int8:
// its weights are stored so (DType::kQI8). Its input is then quantized per
// image at run time; the output stays f32.
bool runs_in_int8(SubgraphBuilder& b, const Node& node) { return b.input(node, 1).dtype == DType::kQI8; }

std::vector<int8_t> int8_values(const Tensor& t) {
  std::vector<int8_t> values(t.data.size());
  std::memcpy(values.data(), t.data.data(), t.data.size());
  return values;
}

// The XNNPACK value of a convolution's or fully connected layer's weights
// (input 1): per-channel int8 for an int8 layer, else f32.
uint32_t weights_value(SubgraphBuilder& b, const Node& node) {
  const Tensor& w = b.input(node, 1);
  if (!runs_in_int8(b, node)) return b.input_value(node, 1);
  return b.channelwise_int8_value(w.shape, int8_values(w), w.scales, node);
}

// The input of an int8 layer: quantized per `nonbatch_dims` trailing dims.
uint32_t data_value(SubgraphBuilder& b, const Node& node, size_t nonbatch_dims) {
  const uint32_t x = b.input_value(node, 0);
  return runs_in_int8(b, node) ? b.quantized_at_run_time(x, b.input(node, 0).shape, nonbatch_dims, node) : x;
}

// OHWI weights of `kernel_h` x `kernel_w` taps: the rows [row_first, ..] and
// columns [col_first, ..] of `rows` x `cols` taps (elements of any type).
template <typename T>
std::vector<T> live_weights(const std::vector<T>& weights, int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                            int64_t channels, int64_t row_first, int64_t rows, int64_t col_first, int64_t cols) {
  std::vector<T> kept;
  kept.reserve(static_cast<size_t>(out_channels * rows * cols * channels));
  for (int64_t o = 0; o < out_channels; ++o) {
    for (int64_t y = row_first; y < row_first + rows; ++y) {
      const auto row = weights.begin() + ((o * kernel_h + y) * kernel_w + col_first) * channels;
      kept.insert(kept.end(), row, row + cols * channels);
    }
  }
  return kept;
}

// The kernel taps [first, last] along one axis that read the input for at
// least one output position; the others only ever read padding.
struct LiveTaps {
  int64_t first, last;
};

bool tap_reads_input(int64_t tap, int64_t in, int64_t out, int64_t stride, int64_t dilation,
                     int64_t pad_begin) {
  const int64_t first_index = tap * dilation - pad_begin;  // input index read at output 0
  // The first output position whose index is >= 0, then whether it is < in.
  const int64_t y = first_index >= 0 ? 0 : (-first_index + stride - 1) / stride;
  return y < out && first_index + y * stride < in;
}

LiveTaps live_taps(int64_t kernel, int64_t in, int64_t out, int64_t stride, int64_t dilation,
                   int64_t pad_begin) {
  LiveTaps taps{0, kernel - 1};
  while (taps.first < kernel && !tap_reads_input(taps.first, in, out, stride, dilation, pad_begin)) ++taps.first;
  while (taps.last > taps.first && !tap_reads_input(taps.last, in, out, stride, dilation, pad_begin)) --taps.last;
  return taps;
}

// A convolution whose outer kernel rows or columns only ever read padding
// (a dilation about as large as the feature map) computes the same as the
// smaller convolution without them. DeepLab's ASPP at rate 36 on a 33x33 map
// is a 3x3 convolution that is exactly the 1x1 convolution of its centre tap:
// a ninth of the work. Returns false (nothing trimmed) when no tap is dead,
// or when trimming would need negative padding.
bool define_trimmed_conv(SubgraphBuilder& b, const Node& node, const ConvShape& s) {
  const Attributes& a = node.attrs;
  const Shape& in = b.input(node, 0).shape;
  const Shape& out = b.output(node).shape;
  const LiveTaps rows = live_taps(s.kernel_h, in[1], out[1], a.stride[0], a.dilation[0], a.pad[0]);
  const LiveTaps cols = live_taps(s.kernel_w, in[2], out[2], a.stride[1], a.dilation[1], a.pad[1]);
  if (rows.first > rows.last || cols.first > cols.last) return false;  // all padding: leave it as is
  const int64_t kernel_h = rows.last - rows.first + 1, kernel_w = cols.last - cols.first + 1;
  if (kernel_h == s.kernel_h && kernel_w == s.kernel_w) return false;
  const int64_t top = a.pad[0] - rows.first * a.dilation[0];
  const int64_t left = a.pad[1] - cols.first * a.dilation[1];
  const int64_t bottom = a.pad[2] - (s.kernel_h - 1 - rows.last) * a.dilation[0];
  const int64_t right = a.pad[3] - (s.kernel_w - 1 - cols.last) * a.dilation[1];
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return false;
  // OHWI weights: keep the live rows and columns.
  const int64_t channels = s.weight_in;
  const Shape trimmed_shape = {s.out_channels, kernel_h, kernel_w, channels};
  const bool int8 = runs_in_int8(b, node);
  const uint32_t filter =
      int8 ? b.channelwise_int8_value(trimmed_shape,
                                      live_weights(int8_values(b.input(node, 1)), s.out_channels, s.kernel_h,
                                                   s.kernel_w, channels, rows.first, kernel_h, cols.first, kernel_w),
                                      b.input(node, 1).scales, node)
           : b.static_value(trimmed_shape,
                            live_weights(b.constant_f32(node, 1), s.out_channels, s.kernel_h, s.kernel_w, channels,
                                         rows.first, kernel_h, cols.first, kernel_w),
                            node, StaticUse::kPacking);
  const int64_t groups = a.groups;
  // With one tap along an axis its dilation no longer matters; 1 lets XNNPACK
  // take its plain GEMM path for 1x1 convolutions.
  b.defined(xnn_define_convolution_2d(
                b.get(), top, right, bottom, left, kernel_h, kernel_w, a.stride[0], a.stride[1],
                kernel_h == 1 ? 1 : a.dilation[0], kernel_w == 1 ? 1 : a.dilation[1], groups,
                s.in_channels / groups, s.out_channels / groups, a.activation_min, a.activation_max,
                data_value(b, node, 3), filter, b.optional_input_value(node, 2), b.output_value(node), 0),
            node, int8 ? "int8 convolution (dead kernel taps trimmed)" : "convolution (dead kernel taps trimmed)");
  return true;
}

}  // namespace

void lower_conv2d(SubgraphBuilder& b, const Node& node) {
  const ConvShape s = conv_shape(b, node);
  const Attributes& a = node.attrs;
  const int64_t groups = a.groups;
  const bool depthwise = groups > 1 && groups == s.in_channels && s.weight_in == 1 &&
                         s.out_channels % groups == 0;
  if (depthwise) return lower_depthwise(b, node, s);
  require_groups(node, s, groups > 0 ? s.in_channels / groups : 0,
                 groups > 0 ? s.out_channels / groups : 0);
  if (runs_in_int8(b, node) && groups != 1) unsupported(node, "int8 weights need groups = 1 (or a depthwise convolution)");
  if (define_trimmed_conv(b, node, s)) return;
  b.defined(xnn_define_convolution_2d(
                b.get(), a.pad[0], a.pad[3], a.pad[2], a.pad[1], s.kernel_h, s.kernel_w, a.stride[0],
                a.stride[1], a.dilation[0], a.dilation[1], groups, s.in_channels / groups,
                s.out_channels / groups, a.activation_min, a.activation_max, data_value(b, node, 3),
                weights_value(b, node), b.optional_input_value(node, 2), b.output_value(node), 0),
            node, runs_in_int8(b, node) ? "int8 convolution" : "convolution");
}

void lower_conv_transpose2d(SubgraphBuilder& b, const Node& node) {
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
  // An int8 layer's input is quantized per row of I values: the last axis,
  // or, flattened, all but the first (whose rows must then be the output's).
  const size_t row_dims = same_rank ? 1 : x.shape.size() - 1;
  if (runs_in_int8(b, node) && !same_rank && x.shape[0] != y.shape[0])
    unsupported(node, "int8 weights need the input's rows to be the output's");
  b.defined(xnn_define_fully_connected(b.get(), node.attrs.activation_min, node.attrs.activation_max,
                                       data_value(b, node, row_dims), weights_value(b, node),
                                       b.optional_input_value(node, 2), b.output_value(node), flags),
            node, runs_in_int8(b, node) ? "int8 fully connected" : "fully connected");
}

// Both operands may be activations (attention's Q x K^T); XNNPACK broadcasts
// the batch dimensions itself.
void lower_batch_matmul(SubgraphBuilder& b, const Node& node) {
  b.defined(xnn_define_batch_matrix_multiply(b.get(), b.input_value(node, 0), b.input_value(node, 1),
                                             b.output_value(node), 0),
            node, "batch matrix multiply");
}

}  // namespace xnn
}  // namespace garden
