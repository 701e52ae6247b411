// Convolutions (plain, depthwise, transposed), MatMul and pooling, with the
// fused epilogues of TF.js's _FusedConv2D / FusedDepthwiseConv2dNative /
// _FusedMatMul (BiasAdd or FusedBatchNorm, then an activation).
#include <algorithm>

#include "import/common/windows.h"
#include "import/tfjs/tfjs_translators.h"

namespace garden {
namespace tfjs {
namespace {

using importer::effective_kernel;
using importer::kMaxWindow;
using importer::permute_constant;
using importer::Window;
using importer::window_attributes;

void require_nhwc(const TfNode& node) {
  const std::string format = attr_string(node, "data_format", "NHWC");
  require(format == "NHWC", ErrorCode::kUnsupportedModel,
          describe(node) + ": data_format '" + format + "' is not supported (only NHWC)");
}

// [1, h, w, 1] attribute (strides, dilations, ksize) -> {h, w}.
void read_hw(const TfNode& node, const std::string& name, int64_t out[2]) {
  const std::vector<int64_t> v = attr_ints(node, name, {1, 1, 1, 1});
  require(v.size() == 4 && v[0] == 1 && v[3] == 1, ErrorCode::kUnsupportedModel,
          describe(node) + ": '" + name + "' must be [1, h, w, 1]");
  for (int a = 0; a < 2; ++a) {
    require(v[a + 1] >= 1 && v[a + 1] <= kMaxWindow, ErrorCode::kInvalidModel,
            describe(node) + ": '" + name + "' value " + std::to_string(v[a + 1]) + " is out of range");
    out[a] = v[a + 1];
  }
}

// Fills w.pad for a forward window over `input` (NHWC) from padding / explicit_paddings.
void read_padding(const TfNode& node, const Shape& input, Window& w) {
  const std::string padding = attr_string(node, "padding", "");
  if (padding == "SAME") {
    for (int a = 0; a < 2; ++a) importer::same_padding(w, a, input[static_cast<size_t>(1 + a)]);
  } else if (padding == "EXPLICIT") {
    const std::vector<int64_t> p = attr_ints(node, "explicit_paddings", {});
    require(p.size() == 8 && p[0] == 0 && p[1] == 0 && p[6] == 0 && p[7] == 0, ErrorCode::kUnsupportedModel,
            describe(node) + ": explicit_paddings must pad only H and W");
    importer::set_explicit_padding(w, {p[2], p[4], p[3], p[5]}, ErrorCode::kInvalidModel,
                                   describe(node) + ": explicit padding");
  } else {
    require(padding == "VALID", ErrorCode::kInvalidModel, describe(node) + ": unknown padding '" + padding + "'");
  }
}

Window read_window(const TfNode& node, const Shape& input, int64_t kh, int64_t kw) {
  Window w;
  w.kernel[0] = kh;
  w.kernel[1] = kw;
  read_hw(node, "strides", w.stride);
  read_hw(node, "dilations", w.dilation);
  read_padding(node, input, w);
  return w;
}

// The window's output size; TensorFlow refuses a window larger than its padded input.
int64_t output_size(const Window& w, int a, int64_t in) {
  const int64_t out = importer::window_output(w, a, in);
  require(out > 0, ErrorCode::kInvalidModel, "window is larger than its padded input");
  return out;
}

const Shape& activation_nhwc(ImportContext& context, const TfNode& node) {
  return importer::rank4_shape(context.input(node, 0), describe(node), ", expected 4 (NHWC)");
}

// A weight as float32: an integer one (index arithmetic multiplies by them)
// is converted once, in place of its value.
const Constant& float_weight(ImportContext& context, const TfNode& node, size_t index, size_t rank) {
  const Constant& w = context.constant_input(node, index, "the weight");
  require(w.shape.size() == rank, ErrorCode::kInvalidModel,
          describe(node) + ": weight must be a tensor of rank " + std::to_string(rank));
  if (w.is_float()) return w;
  const NodeInput& source = node.inputs[index];
  context.set_constant(value_key(source.node, source.index), Constant::floats(w.shape, std::vector<float>(w.i.begin(), w.i.end())));
  return context.constant_input(node, index, "the weight");
}

// ---- fused epilogues ----

// Prelu reads its slopes from one more argument, after the bias or batch
// norm ones; LeakyRelu its slope from the attribute leakyrelu_alpha.
enum class Activation { kNone, kRelu, kRelu6, kSigmoid, kTanh, kElu, kLeakyRelu, kPrelu };

struct Epilogue {
  bool bias = false;
  bool batch_norm = false;
  Activation activation = Activation::kNone;
};

Activation parse_activation(const TfNode& node, const std::string& name) {
  if (name == "Relu") return Activation::kRelu;
  if (name == "Relu6") return Activation::kRelu6;
  if (name == "Sigmoid") return Activation::kSigmoid;
  if (name == "Tanh") return Activation::kTanh;
  if (name == "Elu") return Activation::kElu;
  if (name == "LeakyRelu") return Activation::kLeakyRelu;
  if (name == "Prelu") return Activation::kPrelu;
  fail(ErrorCode::kUnsupportedModel, describe(node) + ": fused activation '" + name + "' is not supported");
}

// fused_ops of a _Fused* node: [BiasAdd | FusedBatchNorm] [activation]; num_args matches.
Epilogue read_epilogue(const TfNode& node) {
  Epilogue e;
  if (node.op.compare(0, 1, "_") != 0 && node.op.compare(0, 5, "Fused") != 0) return e;
  const std::vector<std::string> ops = attr_strings(node, "fused_ops");
  size_t k = 0;
  if (k < ops.size() && ops[k] == "BiasAdd") e.bias = true, ++k;
  else if (k < ops.size() && ops[k] == "FusedBatchNorm") e.batch_norm = true, ++k;
  if (k < ops.size()) e.activation = parse_activation(node, ops[k++]);
  require(k == ops.size(), ErrorCode::kUnsupportedModel, describe(node) + ": unsupported fused_ops sequence");
  const int64_t expected_args = (e.bias ? 1 : e.batch_norm ? 4 : 0) + (e.activation == Activation::kPrelu ? 1 : 0);
  require(attr_int(node, "num_args", expected_args) == expected_args, ErrorCode::kInvalidModel,
          describe(node) + ": num_args does not match fused_ops");
  return e;
}

size_t epilogue_args(const Epilogue& e) {
  return (e.bias ? 1 : e.batch_norm ? 4 : 0) + (e.activation == Activation::kPrelu ? 1 : 0);
}

TensorId vector_arg(ImportContext& context, const TfNode& node, size_t index, int64_t channels, const char* what) {
  const Constant& c = context.constant_input(node, index, what);
  require(c.is_float() && c.size() == static_cast<size_t>(channels), ErrorCode::kInvalidModel,
          describe(node) + ": " + what + " must hold " + std::to_string(channels) + " floats");
  return context.constant_tensor(node.inputs[index].node, Constant::floats({channels}, c.f));
}

void set_clamp(Attributes& attrs, Activation activation) {
  attrs.activation_min = 0.f;
  if (activation == Activation::kRelu6) attrs.activation_max = 6.f;
}

// Emits `op` and the epilogue's remaining stages, the last one writing the node's output.
void emit_with_epilogue(ImportContext& context, const TfNode& node, OpType op, std::vector<TensorId> inputs,
                        Attributes attrs, const Shape& out, const Epilogue& e, size_t first_arg) {
  const int64_t channels = out.back();
  if (e.bias) inputs.push_back(vector_arg(context, node, first_arg, channels, "bias"));
  const bool clamp = e.activation == Activation::kRelu || e.activation == Activation::kRelu6;
  if (clamp && !e.batch_norm) set_clamp(attrs, e.activation);

  struct Stage { OpType op; std::vector<TensorId> extra; Attributes attrs; };
  std::vector<Stage> stages;
  if (e.batch_norm) {
    Stage bn{OpType::kBatchNorm, {}, {}};
    for (size_t k = 0; k < 4; ++k) bn.extra.push_back(vector_arg(context, node, first_arg + k, channels, "batch norm argument"));
    bn.attrs.epsilon = attr_float(node, "epsilon", 1e-3f);
    stages.push_back(bn);
    if (clamp) {
      Stage c{OpType::kClamp, {}, {}};
      set_clamp(c.attrs, e.activation);
      stages.push_back(c);
    }
  }
  if (e.activation == Activation::kSigmoid) stages.push_back({OpType::kSigmoid, {}, {}});
  if (e.activation == Activation::kTanh) stages.push_back({OpType::kTanh, {}, {}});
  if (e.activation == Activation::kElu) {
    Stage elu{OpType::kElu, {}, {}};
    elu.attrs.alpha = 1.f;
    stages.push_back(elu);
  }
  if (e.activation == Activation::kLeakyRelu) {
    Stage leaky{OpType::kLeakyRelu, {}, {}};
    leaky.attrs.alpha = attr_float(node, "leakyrelu_alpha", 0.2f);
    stages.push_back(leaky);
  }
  if (e.activation == Activation::kPrelu) {
    const size_t slope_arg = first_arg + (e.bias ? 1 : e.batch_norm ? 4 : 0);
    stages.push_back({OpType::kPRelu, {vector_arg(context, node, slope_arg, channels, "the Prelu slope")}, {}});
  }

  TensorId current = stages.empty() ? context.define_output(node, out)
                                    : context.define_intermediate(node.name + "/linear", out);
  context.emit(op, node, std::move(inputs), {current}, attrs);
  for (size_t s = 0; s < stages.size(); ++s) {
    const bool last = s + 1 == stages.size();
    const TensorId next = last ? context.define_output(node, out) : context.define_intermediate(node.name + "/stage", out);
    std::vector<TensorId> in{current};
    in.insert(in.end(), stages[s].extra.begin(), stages[s].extra.end());
    context.emit(stages[s].op, node, std::move(in), {next}, stages[s].attrs);
    current = next;
  }
}

// [kh, kw, I, O] -> [O, kh, kw, I]
Constant hwio_to_ohwi(const Constant& w) { return permute_constant(w, {3, 0, 1, 2}); }

// [kh, kw, O, I] (Conv2DBackpropInput) -> [O, kh, kw, I]
Constant hwoi_to_ohwi(const Constant& w) { return permute_constant(w, {2, 0, 1, 3}); }

// What a forward convolution reads first: its fused epilogue, its NHWC input
// and its rank-4 filter.
struct ForwardConv {
  Epilogue epilogue;
  Shape x;
  const Constant& filter;
};

ForwardConv read_forward_conv(ImportContext& context, const TfNode& node) {
  const Epilogue e = read_epilogue(node);
  context.require_inputs(node, 2 + epilogue_args(e));
  require_nhwc(node);
  const Shape& x = activation_nhwc(context, node);
  return {e, x, float_weight(context, node, 1, 4)};
}

}  // namespace

void translate_conv2d(ImportContext& context, const TfNode& node) {
  const ForwardConv conv = read_forward_conv(context, node);
  const Epilogue& e = conv.epilogue;
  const Shape& x = conv.x;
  const Constant& filter = conv.filter;
  const int64_t I = filter.shape[2], O = filter.shape[3];
  require(I > 0 && x[3] % I == 0 && O % (x[3] / I) == 0, ErrorCode::kInvalidModel,
          describe(node) + ": filter input channels " + std::to_string(I) + " do not divide the input's " +
              std::to_string(x[3]));
  const Window w = read_window(node, x, filter.shape[0], filter.shape[1]);
  Attributes attrs = window_attributes(w, describe(node));
  attrs.groups = to_int32(x[3] / I, 1, kMaxWindow, describe(node), "groups");
  const Shape out{x[0], output_size(w, 0, x[1]), output_size(w, 1, x[2]), O};
  const TensorId weight = context.constant_tensor(node.inputs[1].node, hwio_to_ohwi(filter));
  emit_with_epilogue(context, node, OpType::kConv2D, {context.input_tensor(node, 0), weight}, attrs, out, e, 2);
}

void translate_depthwise(ImportContext& context, const TfNode& node) {
  const ForwardConv conv = read_forward_conv(context, node);
  const Epilogue& e = conv.epilogue;
  const Shape& x = conv.x;
  const Constant& filter = conv.filter;
  const int64_t H = filter.shape[0], W = filter.shape[1], C = filter.shape[2], M = filter.shape[3];
  require(C == x[3], ErrorCode::kInvalidModel,
          describe(node) + ": filter has " + std::to_string(C) + " channels, input has " + std::to_string(x[3]));
  const Window w = read_window(node, x, H, W);
  Attributes attrs = window_attributes(w, describe(node));
  attrs.groups = to_int32(C, 1, int64_t{1} << 24, describe(node), "groups");
  // [kh, kw, C, M] -> [C*M, kh, kw, 1]: output channel c*M + m reads input channel c.
  const Constant weight = hwio_to_ohwi(Constant::floats({H, W, 1, C * M}, filter.f));
  const Shape out{x[0], output_size(w, 0, x[1]), output_size(w, 1, x[2]), C * M};
  const TensorId weight_id = context.constant_tensor(node.inputs[1].node, weight);
  emit_with_epilogue(context, node, OpType::kConv2D, {context.input_tensor(node, 0), weight_id}, attrs, out, e, 2);
}

void translate_conv2d_transpose(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 3);
  require_nhwc(node);
  const std::vector<int64_t> out = context.constant_input(node, 0, "the output shape").to_ints(describe(node));
  const Constant& filter = float_weight(context, node, 1, 4);
  const Value& xv = context.input(node, 2);
  require(xv.shape.size() == 4 && out.size() == 4, ErrorCode::kUnsupportedModel, describe(node) + ": needs NHWC tensors");
  const Shape& x = xv.shape;
  require(filter.shape[3] == x[3] && filter.shape[2] == out[3] && out[0] == x[0], ErrorCode::kInvalidModel,
          describe(node) + ": filter, input and output shape disagree");
  Window w;
  w.kernel[0] = filter.shape[0];
  w.kernel[1] = filter.shape[1];
  read_hw(node, "strides", w.stride);
  read_hw(node, "dilations", w.dilation);
  // The forward convolution maps `out` to `x`: its padding is the one to undo.
  read_padding(node, Shape{out[0], out[1], out[2], out[3]}, w);
  Attributes attrs = window_attributes(w, describe(node));
  for (int a = 0; a < 2; ++a) {
    const int64_t in = x[static_cast<size_t>(1 + a)], size = out[static_cast<size_t>(1 + a)];
    const int64_t base = (in - 1) * w.stride[a] - w.pad[a] - w.pad[a + 2] + effective_kernel(w, a);
    const int64_t extra = size - base;
    require(extra >= 0 && extra < w.stride[a], ErrorCode::kInvalidModel,
            describe(node) + ": output size " + std::to_string(size) + " does not fit the input and padding");
    attrs.output_padding[a] = static_cast<int32_t>(extra);
  }
  const TensorId weight = context.constant_tensor(node.inputs[1].node, hwoi_to_ohwi(filter));
  const TensorId output = context.define_output(node, Shape(out.begin(), out.end()));
  context.emit(OpType::kConvTranspose2D, node, {context.input_tensor(node, 2), weight}, {output}, attrs);
}

// BatchMatMul(V2), and MatMul of two activations: a BatchMatMul graph op.
// A matrix product of two tensors; adj_x / adj_y (transpose_a / _b for
// MatMul) transpose an operand's last two dimensions first.
void translate_batch_matmul(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const bool matmul = node.op == "MatMul";
  std::vector<TensorId> operands;
  std::vector<Shape> shapes;
  for (size_t k = 0; k < 2; ++k) {
    Shape shape = context.input(node, k).shape;
    TensorId operand = context.input_tensor(node, k);
    const bool transposed = attr_bool(node, matmul ? (k == 0 ? "transpose_a" : "transpose_b") : (k == 0 ? "adj_x" : "adj_y"), false);
    if (transposed) {
      require(shape.size() >= 2, ErrorCode::kInvalidModel, describe(node) + ": a transposed operand needs 2 dimensions");
      Attributes swap;
      for (size_t d = 0; d < shape.size(); ++d) swap.ints.push_back(static_cast<int64_t>(d));
      std::swap(swap.ints[shape.size() - 2], swap.ints[shape.size() - 1]);
      std::swap(shape[shape.size() - 2], shape[shape.size() - 1]);
      const TensorId moved = context.define_intermediate(node.name + "/transposed_" + std::to_string(k), shape);
      context.emit(OpType::kTranspose, node, {operand}, {moved}, swap);
      operand = moved;
    }
    operands.push_back(operand);
    shapes.push_back(shape);
  }
  const Shape out = importer::matmul_shape(shapes[0], shapes[1], describe(node));
  context.emit(OpType::kBatchMatMul, node, operands, {context.define_output(node, out)});
}

void translate_matmul(ImportContext& context, const TfNode& node) {
  if (node.op == "MatMul" && !context.input(node, 1).constant) return translate_batch_matmul(context, node);
  const Epilogue e = read_epilogue(node);
  context.require_inputs(node, 2 + epilogue_args(e));
  require(!e.batch_norm, ErrorCode::kUnsupportedModel, describe(node) + ": FusedBatchNorm after MatMul");
  const Value& a = context.input(node, 0);
  require(a.shape.size() == 2 && !attr_bool(node, "transpose_a", false), ErrorCode::kUnsupportedModel,
          describe(node) + ": only [N, I] x constant is supported");
  const Constant& b = float_weight(context, node, 1, 2);
  const bool transpose_b = attr_bool(node, "transpose_b", false);
  const int64_t I = transpose_b ? b.shape[1] : b.shape[0], O = transpose_b ? b.shape[0] : b.shape[1];
  require(I == a.shape[1], ErrorCode::kInvalidModel, describe(node) + ": inner dimensions differ");
  // The graph's weight is [O, I].
  const Constant weight = transpose_b ? b : permute_constant(b, {1, 0});
  const TensorId weight_id = context.constant_tensor(node.inputs[1].node, weight);
  emit_with_epilogue(context, node, OpType::kFullyConnected, {context.input_tensor(node, 0), weight_id}, {},
                     {a.shape[0], O}, e, 2);
}

void translate_pool(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 1);
  require_nhwc(node);
  const Shape x = activation_nhwc(context, node);
  Window w;
  read_hw(node, "ksize", w.kernel);
  read_hw(node, "strides", w.stride);
  read_padding(node, x, w);
  const bool average = node.op == "AvgPool";
  const bool global = average && w.kernel[0] == x[1] && w.kernel[1] == x[2] &&
                      std::all_of(std::begin(w.pad), std::end(w.pad), [](int64_t p) { return p == 0; });
  const Shape out{x[0], output_size(w, 0, x[1]), output_size(w, 1, x[2]), x[3]};
  const TensorId output = context.define_output(node, out);
  if (global) {  // the whole plane: XNNPACK's global pooling is faster than a full window
    context.emit(OpType::kGlobalAveragePool2D, node, {context.input_tensor(node, 0)}, {output});
    return;
  }
  context.emit(average ? OpType::kAveragePool2D : OpType::kMaxPool2D, node, {context.input_tensor(node, 0)},
               {output}, window_attributes(w, describe(node)));
}

}  // namespace tfjs
}  // namespace garden
