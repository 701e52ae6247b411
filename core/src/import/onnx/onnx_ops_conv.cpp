// Convolutions, pooling and fully-connected layers.
#include <algorithm>
#include <optional>

#include "import/common/folding.h"
#include "import/common/windows.h"
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {
namespace {

using importer::effective_kernel;
using importer::kMaxWindow;
using importer::permute_constant;
using importer::same_padding;
using importer::set_explicit_padding;
using importer::to_int32;
using importer::Window;
using importer::window_attributes;
using importer::window_output;
using importer::with_shape;

std::vector<int64_t> pair_attribute(const NodeAttributes& attrs, const Node& node, const std::string& name) {
  std::vector<int64_t> v = attrs.get_ints(name, {1, 1});
  require(v.size() == 2, ErrorCode::kInvalidModel, describe(node) + ": '" + name + "' must have 2 values");
  for (int64_t x : v)
    require(x >= 1 && x <= kMaxWindow, ErrorCode::kInvalidModel,
            describe(node) + ": '" + name + "' value " + std::to_string(x) + " is out of range");
  return v;
}

// Reads strides, dilations, pads and auto_pad; kernel must already be set.
Window read_window(const Node& node, const Shape& input, Window w) {
  NodeAttributes attrs(node);
  std::vector<int64_t> stride = pair_attribute(attrs, node, "strides");
  std::vector<int64_t> dilation = pair_attribute(attrs, node, "dilations");
  for (int a = 0; a < 2; ++a) {
    w.stride[a] = stride[static_cast<size_t>(a)];
    w.dilation[a] = dilation[static_cast<size_t>(a)];
  }
  std::string auto_pad = attrs.get_string("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    std::vector<int64_t> pads = attrs.get_ints("pads", {0, 0, 0, 0});
    require(pads.size() == 4, ErrorCode::kInvalidModel, describe(node) + ": 'pads' must have 4 values");
    set_explicit_padding(w, {pads[0], pads[1], pads[2], pads[3]}, ErrorCode::kUnsupportedModel,
                         describe(node) + ": pad");
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int a = 0; a < 2; ++a) same_padding(w, a, input[static_cast<size_t>(2 + a)], auto_pad == "SAME_UPPER");
  } else {
    require(auto_pad == "VALID", ErrorCode::kInvalidModel, describe(node) + ": unknown auto_pad '" + auto_pad + "'");
  }
  return w;
}

const Shape& activation_4d(ImportContext& context, const Node& node) {
  return importer::rank4_shape(context.input(node, 0), describe(node), "; only 2-D (NCHW) is supported");
}

const Constant& float_weight(ImportContext& context, const Node& node, size_t index, size_t rank) {
  const Constant& w = context.constant_input(node, index);
  require(w.is_float(), ErrorCode::kInvalidModel, describe(node) + ": weight is not floating point");
  require(w.shape.size() == rank, ErrorCode::kInvalidModel,
          describe(node) + ": weight has rank " + std::to_string(w.shape.size()) + ", expected " + std::to_string(rank));
  return w;
}

// Optional bias input of `channels` floats; -1 if absent.
TensorId bias_tensor(ImportContext& context, const Node& node, size_t index, int64_t channels) {
  if (!context.has_input(node, index)) return -1;
  const Constant& b = context.constant_input(node, index);
  require(b.is_float() && b.size() == static_cast<size_t>(channels), ErrorCode::kInvalidModel,
          describe(node) + ": bias must hold " + std::to_string(channels) + " floats");
  Constant bias = Constant::floats({channels}, b.f);
  return context.constant_tensor(node.inputs[index], bias);
}

void require_kernel_attribute(const Node& node, int64_t kh, int64_t kw) {
  std::vector<int64_t> kernel = NodeAttributes(node).get_ints("kernel_shape", {kh, kw});
  require(kernel.size() == 2 && kernel[0] == kh && kernel[1] == kw, ErrorCode::kInvalidModel,
          describe(node) + ": kernel_shape does not match the weight");
}

// OIHW -> OHWI.
Constant conv_weight_to_ohwi(const Constant& w) { return permute_constant(w, {0, 2, 3, 1}); }

// [I, O/g, kH, kW] (ONNX ConvTranspose) -> [O, kH, kW, I/g]: as [g, I/g, O/g, kH, kW]
// the input channels move last and the groups stay first.
Constant deconv_weight_to_ohwi(const Constant& w, int64_t groups) {
  const int64_t I = w.shape[0], Og = w.shape[1], H = w.shape[2], W = w.shape[3];
  const Constant grouped = with_shape(w, {groups, I / groups, Og, H, W});
  return with_shape(permute_constant(grouped, {0, 2, 3, 4, 1}), {Og * groups, H, W, I / groups});
}

int64_t read_groups(const Node& node, int64_t channels) {
  int64_t groups = NodeAttributes(node).get_int("group", 1);
  require(groups >= 1 && groups <= channels && channels % groups == 0, ErrorCode::kInvalidModel,
          describe(node) + ": group " + std::to_string(groups) + " does not divide " + std::to_string(channels) +
              " input channels");
  return groups;
}

std::vector<TensorId> with_optional(std::vector<TensorId> ids, TensorId optional) {
  if (optional >= 0) ids.push_back(optional);
  return ids;
}

using Translate2d = void (*)(ImportContext&, const Node&);

// A 1-D convolution or pooling ([N, C, L]) runs as the 2-D one on
// [N, C, L, 1]: each per-axis attribute gains a second axis (a kernel,
// stride and dilation of 1, no padding: pads [b, e] -> [b, 0, e, 0]), a
// weight [.., k] becomes [.., k, 1], and the result is reshaped back to
// [N, C', L']. False when the input is not 1-D.
bool translated_as_2d(ImportContext& context, const Node& node, Translate2d translate_2d) {
  const Shape x = context.input(node, 0).shape;
  if (x.size() != 3) return false;
  const std::string base = context.output_name(node) + "_2d";
  Node plain = node;
  for (Attribute& a : plain.attributes) {
    if (a.ints.size() == 1 && (a.name == "kernel_shape" || a.name == "strides" || a.name == "dilations" ||
                               a.name == "output_shape"))
      a.ints.push_back(1);
    if (a.ints.size() == 1 && a.name == "output_padding") a.ints.push_back(0);
    if (a.ints.size() == 2 && a.name == "pads") a.ints = {a.ints[0], 0, a.ints[1], 0};
  }
  const Shape x4{x[0], x[1], x[2], 1};
  const TensorId input = context.define_intermediate(base + "_in", x4);
  context.emit(OpType::kReshape, node, {context.input_tensor(node, 0)}, {input});
  context.set_alias(base + "_in", Value{x4, std::nullopt, input});
  plain.inputs[0] = base + "_in";
  if (context.has_input(node, 1)) {
    const Constant& w = context.constant_input(node, 1);
    require(w.shape.size() == 3, ErrorCode::kInvalidModel, describe(node) + ": a 1-D weight must have rank 3");
    context.set_constant(base + "_w", importer::with_shape(w, {w.shape[0], w.shape[1], w.shape[2], 1}));
    plain.inputs[1] = base + "_w";
  }
  plain.outputs.at(0) = base + "_out";
  translate_2d(context, plain);
  const Shape& y4 = context.value(plain, base + "_out").shape;
  const TensorId output = context.define_output(node, {y4[0], y4[1], y4[2]});
  context.emit(OpType::kReshape, node, {context.tensor_of(base + "_out", node)}, {output});
  return true;
}

}  // namespace

void translate_conv(ImportContext& context, const Node& node) {
  if (translated_as_2d(context, node, translate_conv)) return;
  const Shape x = activation_4d(context, node);
  const Constant& w = float_weight(context, node, 1, 4);
  const int64_t groups = read_groups(node, x[1]);
  require(w.shape[1] * groups == x[1] && w.shape[0] % groups == 0 && w.shape[0] > 0, ErrorCode::kInvalidModel,
          describe(node) + ": weight shape does not match " + std::to_string(x[1]) + " input channels in " +
              std::to_string(groups) + " groups");
  require_kernel_attribute(node, w.shape[2], w.shape[3]);
  Window window;
  window.kernel[0] = w.shape[2];
  window.kernel[1] = w.shape[3];
  window = read_window(node, x, window);
  Shape out{x[0], w.shape[0], window_output(window, 0, x[2], false), window_output(window, 1, x[3], false)};
  Attributes attrs = window_attributes(window, describe(node));
  attrs.kernel = {1, 1};  // the kernel size of a convolution lives in its weight
  attrs.groups = to_int32(groups, 1, INT32_MAX, describe(node), "group");
  TensorId input = context.input_tensor(node, 0);
  TensorId weight = context.constant_tensor(node.inputs[1] + "_ohwi", conv_weight_to_ohwi(w));
  TensorId bias = bias_tensor(context, node, 2, w.shape[0]);
  TensorId output = context.define_output(node, out);
  context.emit(OpType::kConv2D, node, with_optional({input, weight}, bias), {output}, attrs);
}

void translate_conv_transpose(ImportContext& context, const Node& node) {
  if (translated_as_2d(context, node, translate_conv_transpose)) return;
  const Shape x = activation_4d(context, node);
  const Constant& w = float_weight(context, node, 1, 4);
  require(w.shape[0] == x[1], ErrorCode::kInvalidModel,
          describe(node) + ": weight has " + std::to_string(w.shape[0]) + " input channels, the input " +
              std::to_string(x[1]));
  const int64_t groups = read_groups(node, x[1]);
  require(w.shape[1] > 0, ErrorCode::kInvalidModel, describe(node) + ": weight has no output channels");
  require_kernel_attribute(node, w.shape[2], w.shape[3]);
  NodeAttributes attrs_in(node);
  Window window;
  window.kernel[0] = w.shape[2];
  window.kernel[1] = w.shape[3];
  // auto_pad SAME_* of a transposed convolution is resolved through output_shape below.
  std::string auto_pad = attrs_in.get_string("auto_pad", "NOTSET");
  Node plain = node;
  plain.attributes.erase(std::remove_if(plain.attributes.begin(), plain.attributes.end(),
                                        [](const Attribute& a) { return a.name == "auto_pad"; }),
                         plain.attributes.end());
  window = read_window(plain, x, window);
  std::vector<int64_t> output_padding = attrs_in.get_ints("output_padding", {0, 0});
  require(output_padding.size() == 2, ErrorCode::kInvalidModel, describe(node) + ": output_padding needs 2 values");
  std::vector<int64_t> output_shape = attrs_in.get_ints("output_shape");
  if (output_shape.empty() && (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER"))
    output_shape = {x[2] * window.stride[0], x[3] * window.stride[1]};
  Shape out{x[0], w.shape[1] * groups, 0, 0};
  for (int a = 0; a < 2; ++a) {
    int64_t in = x[static_cast<size_t>(2 + a)];
    int64_t op = output_padding[static_cast<size_t>(a)];
    require(op >= 0 && op < std::max(window.stride[a], window.dilation[a]), ErrorCode::kUnsupportedModel,
            describe(node) + ": output_padding must be smaller than the stride");
    int64_t full = window.stride[a] * (in - 1) + op + effective_kernel(window, a);
    if (!output_shape.empty()) {
      require(output_shape.size() >= 2, ErrorCode::kInvalidModel, describe(node) + ": output_shape needs 2 values");
      int64_t target = output_shape[output_shape.size() - 2 + static_cast<size_t>(a)];
      int64_t total = full - target;
      require(target > 0 && total >= 0, ErrorCode::kUnsupportedModel,
              describe(node) + ": output_shape needs negative padding");
      bool upper = auto_pad == "SAME_UPPER";
      window.pad[a] = upper ? total / 2 : total - total / 2;
      window.pad[a + 2] = upper ? total - total / 2 : total / 2;
    }
    out[static_cast<size_t>(2 + a)] = full - window.pad[a] - window.pad[a + 2];
  }
  Attributes attrs = window_attributes(window, describe(node));
  attrs.kernel = {1, 1};
  attrs.groups = to_int32(groups, 1, INT32_MAX, describe(node), "group");
  attrs.output_padding = {static_cast<int32_t>(output_padding[0]), static_cast<int32_t>(output_padding[1])};
  TensorId input = context.input_tensor(node, 0);
  TensorId weight = context.constant_tensor(node.inputs[1] + "_ohwi", deconv_weight_to_ohwi(w, groups));
  TensorId bias = bias_tensor(context, node, 2, out[1]);
  TensorId output = context.define_output(node, out);
  context.emit(OpType::kConvTranspose2D, node, with_optional({input, weight}, bias), {output}, attrs);
}

void translate_pool(ImportContext& context, const Node& node) {
  if (translated_as_2d(context, node, translate_pool)) return;
  const Shape x = activation_4d(context, node);
  NodeAttributes attrs_in(node);
  std::vector<int64_t> kernel = attrs_in.get_ints("kernel_shape");
  require(kernel.size() == 2, ErrorCode::kInvalidModel, describe(node) + ": kernel_shape must have 2 values");
  Window window;
  for (int a = 0; a < 2; ++a) {
    window.kernel[a] = kernel[static_cast<size_t>(a)];
    require(window.kernel[a] >= 1 && window.kernel[a] <= kMaxWindow, ErrorCode::kInvalidModel,
            describe(node) + ": kernel size out of range");
  }
  window = read_window(node, x, window);
  const bool max = node.op_type == "MaxPool";
  const bool count_include_pad = attrs_in.get_int("count_include_pad", 0) != 0;
  require(max || (window.dilation[0] == 1 && window.dilation[1] == 1), ErrorCode::kUnsupportedModel,
          describe(node) + ": dilated average pooling is not supported");
  require(node.outputs.size() < 2 || node.outputs[1].empty(), ErrorCode::kUnsupportedModel,
          describe(node) + ": the Indices output is not supported");
  Shape out{x[0], x[1], window_output(window, 0, x[2], false), window_output(window, 1, x[3], false)};
  if (attrs_in.get_int("ceil_mode", 0) != 0) {
    // Rounding the output size up adds windows that hang over the bottom and
    // right: padding there gives them, since max pooling and an average that
    // leaves padding out both ignore it. As ONNX's reference, a last window
    // that would start in the padding is dropped.
    require(max || !count_include_pad, ErrorCode::kUnsupportedModel,
            describe(node) + ": ceil_mode with count_include_pad is not supported");
    for (int a = 0; a < 2; ++a) {
      const int64_t in = x[static_cast<size_t>(2 + a)];
      int64_t size = window_output(window, a, in, true);
      if (size > 1 && (size - 1) * window.stride[a] >= in + window.pad[a]) --size;
      const int64_t reach = (size - 1) * window.stride[a] + importer::effective_kernel(window, a);
      window.pad[a + 2] += std::max<int64_t>(0, reach - (in + window.pad[a] + window.pad[a + 2]));
      out[static_cast<size_t>(2 + a)] = size;
    }
  }
  Attributes attrs = window_attributes(window, describe(node));
  attrs.count_include_pad = count_include_pad;
  OpType op = max ? OpType::kMaxPool2D : OpType::kAveragePool2D;
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, out);
  context.emit(op, node, {input}, {output}, attrs);
}

void translate_global_average_pool(ImportContext& context, const Node& node) {
  const Shape x = activation_4d(context, node);
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, {x[0], x[1], 1, 1});
  context.emit(OpType::kGlobalAveragePool2D, node, {input}, {output});
}

namespace {

// A FullyConnected from `input` (the node's first input unless given) into
// `output` (the node's output unless given).
void emit_fully_connected(ImportContext& context, const Node& node, Shape out, Constant weight,
                          std::optional<Constant> bias, TensorId input = -1, TensorId output = -1) {
  if (input < 0) input = context.input_tensor(node, 0);
  TensorId w = context.constant_tensor(node.inputs[1] + "_fc", weight);
  TensorId b = bias ? context.constant_tensor(node.name + "_bias", *bias) : -1;
  if (output < 0) output = context.define_output(node, std::move(out));
  context.emit(OpType::kFullyConnected, node, with_optional({input, w}, b), {output});
}

// [K, N] -> [N, K].
Constant transposed(const Constant& b) { return permute_constant(b, {1, 0}); }

}  // namespace

// alpha * A' * B' + beta * C as a FullyConnected: B' and alpha folded into
// its weights, a C of one value per output (or one value) into its bias; a
// transposed A is transposed first, and any other C (a matrix, a column) is
// added after it with broadcasting.
void translate_gemm(ImportContext& context, const Node& node) {
  NodeAttributes attrs(node);
  const Value& a = context.input(node, 0);
  require(a.shape.size() == 2, ErrorCode::kInvalidModel, describe(node) + ": A must be 2-D");
  const bool trans_a = attrs.get_int("transA", 0) != 0;
  const int64_t M = trans_a ? a.shape[1] : a.shape[0], A_columns = trans_a ? a.shape[0] : a.shape[1];
  const Constant& b = float_weight(context, node, 1, 2);
  const float alpha = attrs.get_float("alpha", 1.f), beta = attrs.get_float("beta", 1.f);
  const bool trans_b = attrs.get_int("transB", 0) != 0;
  // The graph's weight is [O, I] = B^T, with alpha folded in.
  Constant weight = trans_b ? b : transposed(b);
  if (alpha != 1.f)
    for (float& v : weight.f) v *= alpha;
  const int64_t N = weight.shape[0], K = weight.shape[1];
  require(A_columns == K, ErrorCode::kInvalidModel,
          describe(node) + ": A has " + std::to_string(A_columns) + " columns, B " + std::to_string(K) + " rows");
  TensorId input = context.input_tensor(node, 0);
  if (trans_a) {
    const TensorId moved = context.define_intermediate(context.output_name(node) + "_A_transposed", {M, K});
    Attributes swap;
    swap.ints = {1, 0};
    context.emit(OpType::kTranspose, node, {input}, {moved}, swap);
    input = moved;
  }
  std::optional<Constant> bias;
  std::optional<Constant> addend;
  if (context.has_input(node, 2)) {
    const Constant& c = context.constant_input(node, 2);
    require(c.is_float(), ErrorCode::kUnsupportedModel, describe(node) + ": C must be float");
    std::vector<float> values(c.f);
    for (float& v : values) v *= beta;
    if (c.size() == 1 || (c.size() == static_cast<size_t>(N) && c.shape.back() == N)) {
      if (c.size() == 1) values = std::vector<float>(static_cast<size_t>(N), values[0]);
      bias = Constant::floats({N}, std::move(values));
    } else {
      require(c.shape.size() <= 2 && broadcast_shapes({M, N}, c.shape, describe(node)) == Shape{M, N},
              ErrorCode::kInvalidModel, describe(node) + ": C must broadcast to [M, N]");
      addend = Constant::floats(c.shape, std::move(values));
    }
  }
  if (!addend) return emit_fully_connected(context, node, {M, N}, std::move(weight), std::move(bias), input);
  const TensorId product = context.define_intermediate(context.output_name(node) + "_AB", {M, N});
  emit_fully_connected(context, node, {M, N}, std::move(weight), std::nullopt, input, product);
  const TensorId c_tensor = context.constant_tensor(node.name + "_C", *addend);
  context.emit(OpType::kAdd, node, {product, c_tensor}, {context.define_output(node, {M, N})});
}

// Activation x constant matrix is a FullyConnected (weights packed once);
// anything else (two activations, batched constants) a BatchMatMul.
void translate_matmul(ImportContext& context, const Node& node) {
  const Value& a = context.input(node, 0);
  const Value& b_value = context.input(node, 1);
  Shape out = importer::matmul_shape(a.shape, b_value.shape, describe(node));
  if (a.constant || !b_value.constant || b_value.shape.size() != 2) {
    const TensorId lhs = context.input_tensor(node, 0), rhs = context.input_tensor(node, 1);
    context.emit(OpType::kBatchMatMul, node, {lhs, rhs}, {context.define_output(node, std::move(out))});
    return;
  }
  const Constant& b = float_weight(context, node, 1, 2);
  emit_fully_connected(context, node, std::move(out), transposed(b), std::nullopt);
}

}  // namespace onnx
}  // namespace garden
