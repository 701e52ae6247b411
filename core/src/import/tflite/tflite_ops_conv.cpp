// TFLite convolutions, pooling and fully connected layers.
//
// TFLite's CONV_2D and TRANSPOSE_CONV weights are already [O, kH, kW, I]
// (the graph's OHWI); DEPTHWISE_CONV_2D weights [1, kH, kW, C*M] become
// [C*M, kH, kW, 1] with groups = C.
#include <algorithm>
#include <cstring>
#include <limits>

#include "graph/graph_utils.h"
#include "graph/permute.h"
#include "import/common/windows.h"
#include "import/tflite/tflite_translators.h"

namespace garden {
namespace tflite {
namespace {

using importer::kMaxWindow;

constexpr int8_t kPaddingSame = 0;
constexpr int8_t kPaddingValid = 1;

int32_t window_value(ImportContext& c, int64_t value, const char* what) {
  if (value < 1 || value > kMaxWindow)
    c.fail_op(ErrorCode::kInvalidModel, std::string(what) + " " + std::to_string(value) + " is out of range");
  return static_cast<int32_t>(value);
}

// The output shape of a forward window over `x` (NHWC) with `channels`.
Shape window_output_shape(const importer::Window& w, const Shape& x, int64_t channels) {
  return {x[0], importer::window_output(w, 0, x[1]), importer::window_output(w, 1, x[2]), channels};
}

// A forward window over the H and W of `x` (NHWC) with TF's SAME padding
// (output = ceil(in / stride), the odd pad at the bottom/right) or VALID (none).
// `kernel_name` names the kernel in errors.
importer::Window forward_window(ImportContext& c, int8_t padding, const Shape& x, const char* kernel_name,
                                const int64_t (&kernel)[2], const int64_t (&stride)[2], const int64_t (&dilation)[2]) {
  importer::Window w;
  for (int a = 0; a < 2; ++a) {
    w.kernel[a] = window_value(c, kernel[a], kernel_name);
    w.stride[a] = window_value(c, stride[a], "stride");
    w.dilation[a] = window_value(c, dilation[a], "dilation");
    const int64_t in = x[static_cast<size_t>(1 + a)];
    if (padding == kPaddingSame) {
      importer::same_padding(w, a, in);
    } else if (padding != kPaddingValid) {
      c.fail_op(ErrorCode::kInvalidModel, "unknown padding " + std::to_string(padding));
    } else if (in < importer::effective_kernel(w, a)) {
      c.fail_op(ErrorCode::kInvalidModel, "window is larger than the input");
    }
  }
  return w;
}

Shape rank4_input(ImportContext& c, size_t k, const char* what) {
  const Shape shape = c.input_shape(k);
  if (shape.size() != 4) c.fail_op(ErrorCode::kUnsupportedModel, std::string(what) + " must be 4-D");
  return shape;
}

void set_activation(Attributes& attrs, ActivationRange range) {
  attrs.activation_min = range.min;
  attrs.activation_max = range.max;
}

void check_bias(ImportContext& c, size_t k, int64_t channels) {
  const Shape bias = c.input_shape(k);
  if (bias.size() != 1 || bias[0] != channels || !c.input_is_constant(k))
    c.fail_op(ErrorCode::kInvalidModel, "bias must be a constant of " + std::to_string(channels) + " values");
}

struct Conv2DParams {
  int8_t padding;
  int64_t stride[2];    // h, w
  int64_t dilation[2];  // h, w
  ActivationRange activation;
};

// Checks the arity of a convolution and reads its options (Conv2DOptions or
// DepthwiseConv2DOptions, which share these fields).
template <typename Options>
Conv2DParams read_conv_params(ImportContext& c) {
  c.require_arity(2, 3, 1);
  const Options& o = c.required_options<Options>();
  return {o.padding(), {o.stride_h(), o.stride_w()}, {o.dilation_h_factor(), o.dilation_w_factor()},
          c.activation(o.fused_activation_function())};
}

// Depthwise weights [1, kH, kW, C*M] -> [C*M, kH, kW, 1].
const std::vector<int64_t> kDepthwiseToOhwi = {3, 1, 2, 0};

// Emits a Conv2D of x (input 0) with an OHWI weight tensor and optional bias.
void emit_conv(ImportContext& c, TensorId weight, const Shape& weight_shape, int bias_input, int32_t groups,
               const Conv2DParams& p) {
  const Shape x = rank4_input(c, 0, "input");
  const int64_t kernel[2] = {weight_shape[1], weight_shape[2]};
  const importer::Window w = forward_window(c, p.padding, x, "kernel size", kernel, p.stride, p.dilation);
  Attributes attrs = importer::window_attributes(w, c.describe());
  attrs.groups = groups;
  set_activation(attrs, p.activation);
  std::vector<TensorId> inputs{c.input(0), weight};
  if (bias_input >= 0) {
    check_bias(c, static_cast<size_t>(bias_input), weight_shape[0]);
    inputs.push_back(c.input(static_cast<size_t>(bias_input)));
  }
  c.emit(OpType::kConv2D, inputs, {c.output(0, window_output_shape(w, x, weight_shape[0]))}, attrs);
}

// Padding of a transposed convolution producing `out` from `in`, as TFLite
// computes it: the padding of the forward convolution from `out` back to `in`;
// what the window leaves over at the end is cropped (pad_end) or, when the
// output is larger, added (output_padding).
void transpose_window(ImportContext& c, int8_t padding, int64_t in, int64_t kernel, int64_t stride, int64_t out,
                      Attributes& attrs, int axis) {
  int64_t forward_out = 0;
  if (padding == kPaddingSame) {
    forward_out = (out + stride - 1) / stride;
  } else if (padding == kPaddingValid) {
    forward_out = (out - kernel + stride) / stride;
  } else {
    c.fail_op(ErrorCode::kInvalidModel, "unknown padding " + std::to_string(padding));
  }
  const int64_t begin = std::max<int64_t>(0, (forward_out - 1) * stride + kernel - out) / 2;
  const int64_t end = (in - 1) * stride + kernel - begin - out;
  if (end < -(stride - 1) || end > kMaxWindow)
    c.fail_op(ErrorCode::kUnsupportedModel, "output size " + std::to_string(out) +
                                                " cannot be produced by this transposed convolution");
  attrs.pad[axis] = static_cast<int32_t>(begin);
  attrs.pad[axis + 2] = static_cast<int32_t>(std::max<int64_t>(0, end));
  attrs.output_padding[axis] = static_cast<int32_t>(std::max<int64_t>(0, -end));
}

struct TransposeConvInputs {
  size_t x, weight;
  int bias;  // -1: none
};

void emit_transpose_conv(ImportContext& c, const TransposeConvInputs& in, int64_t out_h, int64_t out_w,
                         int8_t padding, int64_t stride_h, int64_t stride_w, ActivationRange activation) {
  const Shape x = rank4_input(c, in.x, "input");
  const Shape w = rank4_input(c, in.weight, "weights");
  if (!c.input_is_constant(in.weight)) c.fail_op(ErrorCode::kUnsupportedModel, "weights must be constant");
  if (w[3] != x[3]) c.fail_op(ErrorCode::kInvalidModel, "weights do not match the input channels");
  if (out_h < 1 || out_w < 1 || out_h > kMaxWindow * 16 || out_w > kMaxWindow * 16)
    c.fail_op(ErrorCode::kInvalidModel, "output size is out of range");
  Attributes attrs;
  const int64_t out_hw[2] = {out_h, out_w};
  const int64_t strides[2] = {stride_h, stride_w};
  for (int a = 0; a < 2; ++a) {
    attrs.kernel[a] = window_value(c, w[1 + a], "kernel size");
    attrs.stride[a] = window_value(c, strides[a], "stride");
    transpose_window(c, padding, x[1 + a], attrs.kernel[a], attrs.stride[a], out_hw[a], attrs, a);
  }
  set_activation(attrs, activation);
  std::vector<TensorId> inputs{c.input(in.x), c.input(in.weight)};
  if (in.bias >= 0) {
    check_bias(c, static_cast<size_t>(in.bias), w[0]);
    inputs.push_back(c.input(static_cast<size_t>(in.bias)));
  }
  c.emit(OpType::kConvTranspose2D, inputs, {c.output(0, {x[0], out_h, out_w, w[0]})}, attrs);
}

}  // namespace

void translate_conv_2d(ImportContext& c) {
  const Conv2DParams p = read_conv_params<fb::Conv2DOptions>(c);
  const Shape x = rank4_input(c, 0, "input");
  const Shape w = rank4_input(c, 1, "weights");
  if (!c.input_is_constant(1)) c.fail_op(ErrorCode::kUnsupportedModel, "weights must be constant");
  if (w[3] > x[3] || x[3] % w[3] != 0 || w[0] % (x[3] / w[3]) != 0)
    c.fail_op(ErrorCode::kInvalidModel, "weights do not match the input channels");
  emit_conv(c, c.input(1), w, c.has_input(2) ? 2 : -1, static_cast<int32_t>(x[3] / w[3]), p);
}

void translate_depthwise_conv_2d(ImportContext& c) {
  const Conv2DParams p = read_conv_params<fb::DepthwiseConv2DOptions>(c);
  const int32_t depth_multiplier = c.options<fb::DepthwiseConv2DOptions>()->depth_multiplier();
  const Shape x = rank4_input(c, 0, "input");
  const Shape w = rank4_input(c, 1, "weights");
  const int64_t channels = x[3];
  if (w[0] != 1 || w[3] % channels != 0 || (depth_multiplier > 0 && w[3] != channels * depth_multiplier))
    c.fail_op(ErrorCode::kInvalidModel, "weights [1, kH, kW, C*M] do not match the input channels");
  const Shape ohwi = permute(w, kDepthwiseToOhwi);
  const TensorId weight = c.add_constant(c.graph().tensor(c.input(1)).name + "/ohwi", ohwi,
                                         permute_values(c.constant_f32(1), w, kDepthwiseToOhwi));
  emit_conv(c, weight, ohwi, c.has_input(2) ? 2 : -1, static_cast<int32_t>(channels), p);
}

void translate_transpose_conv(ImportContext& c) {
  // Inputs: output_shape, weights, x, [bias].
  c.require_arity(3, 4, 1);
  const auto& o = c.required_options<fb::TransposeConvOptions>();
  const std::vector<int64_t> out_shape = c.constant_ints(0);
  if (out_shape.size() != 4) c.fail_op(ErrorCode::kInvalidModel, "output_shape must have 4 values");
  const ActivationRange activation = c.activation(o.fused_activation_function());
  emit_transpose_conv(c, {2, 1, c.has_input(3) ? 3 : -1}, out_shape[1], out_shape[2], o.padding(), o.stride_h(),
                      o.stride_w(), activation);
}

void translate_convolution_2d_transpose_bias(ImportContext& c) {
  // Inputs: x, weights [O, kH, kW, I], bias. custom_options holds TFLite's
  // transposed-convolution parameters as three little-endian int32: padding
  // (1 = SAME, 2 = VALID), stride_width, stride_height.
  c.require_arity(3, 3, 1);
  const Bytes options = c.custom_options();
  if (options.size < 12) c.fail_op(ErrorCode::kInvalidModel, "custom options must hold 12 bytes");
  int32_t params[3];
  std::memcpy(params, options.data, sizeof params);
  if (params[0] != 1 && params[0] != 2) c.fail_op(ErrorCode::kInvalidModel, "unknown padding");
  const int8_t padding = params[0] == 1 ? kPaddingSame : kPaddingValid;
  const Shape declared = c.declared_output_shape(0);
  if (declared.size() != 4) c.fail_op(ErrorCode::kInvalidModel, "output must be 4-D");
  emit_transpose_conv(c, {0, 1, 2}, declared[1], declared[2], padding, params[2], params[1],
                      ActivationRange{-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()});
}

void translate_fully_connected(ImportContext& c) {
  c.require_arity(2, 3, 1);
  const auto* o = c.options<fb::FullyConnectedOptions>();
  const ActivationRange activation = c.activation(o == nullptr ? 0 : o->fused_activation_function());
  if (o != nullptr && o->weights_format() != 0)
    c.fail_op(ErrorCode::kUnsupportedModel, "shuffled weight formats are not supported");
  const Shape x = c.input_shape(0);
  const Shape w = c.input_shape(1);
  if (w.size() != 2 || !c.input_is_constant(1)) c.fail_op(ErrorCode::kUnsupportedModel, "weights must be a 2-D constant");
  const int64_t count = element_count(x);
  if (x.empty() || count % w[1] != 0) c.fail_op(ErrorCode::kInvalidModel, "input does not match the weights");
  const int64_t rows = count / w[1];
  const bool keep_dims = o != nullptr && o->keep_num_dims();
  if (keep_dims && x.back() != w[1]) c.fail_op(ErrorCode::kInvalidModel, "input does not match the weights");
  Shape out_shape = keep_dims ? x : Shape{rows, w[0]};
  out_shape.back() = w[0];
  // The graph's FullyConnected reads [rows, I] and writes [rows, O]; reshapes
  // around it give other ranks.
  TensorId input = c.input(0);
  if (x.size() != 2) {
    const std::string name = c.graph().tensor(input).name + "/rows";
    const TensorId rows_id = c.add_activation(name, {rows, w[1]});
    c.emit(OpType::kReshape, {input}, {rows_id});
    input = rows_id;
  }
  std::vector<TensorId> inputs{input, c.input(1)};
  if (c.has_input(2)) {
    check_bias(c, 2, w[0]);
    inputs.push_back(c.input(2));
  }
  Attributes attrs;
  set_activation(attrs, activation);
  const TensorId output = c.output(0, out_shape);
  if (out_shape.size() == 2) {
    c.emit(OpType::kFullyConnected, inputs, {output}, attrs);
    return;
  }
  const TensorId flat = c.add_activation(c.graph().tensor(output).name + "/rows", {rows, w[0]});
  c.emit(OpType::kFullyConnected, inputs, {flat}, attrs);
  c.emit(OpType::kReshape, {flat}, {output});
}

void translate_pool_2d(ImportContext& c, OpType type) {
  c.require_arity(1, 1, 1);
  const auto& o = c.required_options<fb::Pool2DOptions>();
  const Shape x = rank4_input(c, 0, "input");
  const int64_t kernel[2] = {o.filter_height(), o.filter_width()};
  const int64_t stride[2] = {o.stride_h(), o.stride_w()};
  const importer::Window w = forward_window(c, o.padding(), x, "filter size", kernel, stride, {1, 1});
  Attributes attrs = importer::window_attributes(w, c.describe());
  attrs.count_include_pad = false;  // TFLite averages over the valid taps only
  const ActivationRange activation = c.activation(o.fused_activation_function());
  emit_then_clamp(c, type, {c.input(0)}, c.output(0, window_output_shape(w, x, x[3])), attrs, activation);
}

}  // namespace tflite
}  // namespace garden
