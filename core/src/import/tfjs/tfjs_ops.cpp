// Element-wise, shape, resize and reduction ops, and the table of translators.
#include <algorithm>
#include <unordered_map>

#include "import/importers.h"
#include "import/tfjs/tfjs_translators.h"

namespace garden {
namespace tfjs {
namespace {

constexpr int64_t kMaxPad = 1 << 16;

void emit_unary(ImportContext& context, const TfNode& node, OpType op, Attributes attrs = {}) {
  context.require_inputs(node, 1);
  const TensorId x = context.input_tensor(node, 0);
  const TensorId out = context.define_output(node, context.input(node, 0).shape);
  context.emit(op, node, {x}, {out}, attrs);
}

// A constant operand as float (integer constants next to float activations).
TensorId float_operand(ImportContext& context, const TfNode& node, size_t index) {
  const Value& v = context.input(node, index);
  if (!v.constant || v.constant->is_float()) return context.input_tensor(node, index);
  std::vector<float> values(v.constant->i.begin(), v.constant->i.end());
  return context.constant_tensor(node.inputs[index].node, Constant::floats(v.shape, std::move(values)));
}

std::vector<int64_t> int_list(const ImportContext& context, const TfNode& node, size_t index, const char* what) {
  return context.constant_input(node, index, what).to_ints(describe(node) + " " + what);
}

// Activations are float32; an integer image input reaches the graph as
// float32 holding the same whole numbers (see placeholder_shape), so a cast
// from an integer type to float32 changes nothing. (Casts to int32 and bool
// truncate: translate_integer_cast.)
void require_float_cast(const TfNode& node) {
  const AttrValue* source = find_attr(node, "SrcT");
  const AttrValue* target = find_attr(node, "DstT");
  const bool from_number = source == nullptr || source->s == "DT_FLOAT" || source->s == "DT_INT32" ||
                           source->s == "DT_UINT8" || source->s == "DT_BOOL" ||  // comparisons give 1 or 0
                           source->s == "DT_DOUBLE";
  // TF.js has no float64: it computes a cast to double in float32, as here.
  require(from_number && (target == nullptr || target->s == "DT_FLOAT" || target->s == "DT_DOUBLE"),
          ErrorCode::kUnsupportedModel,
          describe(node) + ": only casts of activations to float32 are supported");
}

}  // namespace

void translate_binary(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  static const std::unordered_map<std::string, OpType> kOps = {
      {"Add", OpType::kAdd}, {"AddV2", OpType::kAdd}, {"BiasAdd", OpType::kAdd},
      {"Sub", OpType::kSub}, {"Mul", OpType::kMul},   {"RealDiv", OpType::kDiv},
      {"Maximum", OpType::kMaximum}, {"Minimum", OpType::kMinimum}, {"Pow", OpType::kPow},
      {"Prelu", OpType::kPRelu}, {"SquaredDifference", OpType::kSquaredDifference}, {"Atan2", OpType::kAtan2}};
  if (node.op == "BiasAdd") {
    const std::string format = attr_string(node, "data_format", "NHWC");
    require(format == "NHWC", ErrorCode::kUnsupportedModel, describe(node) + ": only NHWC BiasAdd is supported");
  }
  const Shape out = broadcast_shapes(context.input(node, 0).shape, context.input(node, 1).shape, describe(node));
  const TensorId a = float_operand(context, node, 0), b = float_operand(context, node, 1);
  context.emit(kOps.at(node.op), node, {a, b}, {context.define_output(node, out)});
}

void translate_add_n(ImportContext& context, const TfNode& node) {
  require(context.input_count(node) >= 1, ErrorCode::kInvalidModel, describe(node) + " has no inputs");
  if (context.input_count(node) == 1) {
    context.set_alias(value_key(node.name, 0), context.input(node, 0));
    return;
  }
  Shape shape = context.input(node, 0).shape;
  TensorId sum = float_operand(context, node, 0);
  for (size_t k = 1; k < context.input_count(node); ++k) {
    shape = broadcast_shapes(shape, context.input(node, k).shape, describe(node));
    const bool last = k + 1 == context.input_count(node);
    const TensorId next = last ? context.define_output(node, shape)
                               : context.define_intermediate(node.name + "/sum", shape);
    context.emit(OpType::kAdd, node, {sum, float_operand(context, node, k)}, {next});
    sum = next;
  }
}

// TF ops that are one graph op of the same meaning (Round rounds halves to
// even in both).
const std::unordered_map<std::string, OpType> kUnaryOps = {
    {"Sigmoid", OpType::kSigmoid}, {"Tanh", OpType::kTanh},   {"LeakyRelu", OpType::kLeakyRelu},
    {"Elu", OpType::kElu},         {"Abs", OpType::kAbs},     {"Neg", OpType::kNeg},
    {"Exp", OpType::kExp},         {"Log", OpType::kLog},     {"Sqrt", OpType::kSqrt},
    {"Floor", OpType::kFloor},     {"Ceil", OpType::kCeil},   {"Round", OpType::kRound},
    {"Sign", OpType::kSign},       {"Reciprocal", OpType::kReciprocal},
    {"Sin", OpType::kSin},         {"Cos", OpType::kCos},
};

// Square and Rsqrt: x^2 and x^-0.5, which the lowering spells with XNNPACK's
// square and reciprocal square root.
void translate_power(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 1);
  const float exponent = node.op == "Square" ? 2.f : -0.5f;
  const TensorId x = float_operand(context, node, 0);
  const TensorId p = context.constant_tensor(node.name + "/exponent", Constant::floats({1}, {exponent}));
  context.emit(OpType::kPow, node, {x, p}, {context.define_output(node, context.input(node, 0).shape)});
}

void translate_unary(ImportContext& context, const TfNode& node) {
  Attributes clamp;
  clamp.activation_min = 0.f;
  if (node.op == "Relu") return emit_unary(context, node, OpType::kClamp, clamp);
  if (node.op == "Relu6") {
    clamp.activation_max = 6.f;
    return emit_unary(context, node, OpType::kClamp, clamp);
  }
  Attributes attrs;
  if (node.op == "LeakyRelu") attrs.alpha = attr_float(node, "alpha", 0.2f);  // TF's default
  if (node.op == "Elu") attrs.alpha = 1.f;                                   // TF's Elu has no alpha
  emit_unary(context, node, kUnaryOps.at(node.op), attrs);
}

void translate_softmax(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 1);
  Attributes attrs;
  const size_t rank = context.input(node, 0).shape.size();
  require(rank >= 1, ErrorCode::kInvalidModel, describe(node) + ": input is a scalar");
  attrs.axis = static_cast<int32_t>(rank - 1);  // TF's Softmax is always over the last axis
  emit_unary(context, node, OpType::kSoftmax, attrs);
}

void translate_identity(ImportContext& context, const TfNode& node) {
  require(context.input_count(node) >= 1, ErrorCode::kInvalidModel, describe(node) + " has no input");
  const AttrValue* target = find_attr(node, "DstT");
  if (node.op == "Cast" && target != nullptr && (target->s == "DT_INT32" || target->s == "DT_BOOL"))
    return translate_integer_cast(context, node);
  if (node.op == "Cast") require_float_cast(node);
  context.set_alias(value_key(node.name, 0), context.input(node, 0));
}

void translate_reshape(ImportContext& context, const TfNode& node) {
  const Shape& x = context.input(node, 0).shape;
  Shape out;
  if (node.op == "Reshape") {
    context.require_inputs(node, 2);
    out = reshape_target(node, x, int_list(context, node, 1, "shape"));
  } else if (node.op == "Squeeze") {
    context.require_inputs(node, 1);
    out = squeeze_target(node, x);
  } else {
    context.require_inputs(node, 2);
    const std::vector<int64_t> dim = int_list(context, node, 1, "dim");
    require(dim.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": dim must be one value");
    out = expand_dims_target(node, x, dim[0]);
  }
  const TensorId input = context.input_tensor(node, 0);
  context.emit(OpType::kReshape, node, {input}, {context.define_output(node, out)});
}

void translate_concat(ImportContext& context, const TfNode& node) {
  const size_t count = context.input_count(node);
  require(count >= 2, ErrorCode::kInvalidModel, describe(node) + " needs inputs and an axis");
  const std::vector<int64_t> axis = int_list(context, node, count - 1, "axis");
  require(axis.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": axis must be one value");
  std::vector<Shape> shapes;
  for (size_t k = 0; k + 1 < count; ++k) shapes.push_back(context.input(node, k).shape);
  const int64_t a = normalize_axis(axis[0], shapes[0].size(), describe(node));
  const Shape out = concat_target(node, shapes, a);
  if (count == 2) {  // one tensor: nothing to join
    context.set_alias(value_key(node.name, 0), context.input(node, 0));
    return;
  }
  std::vector<TensorId> inputs;
  for (size_t k = 0; k + 1 < count; ++k) inputs.push_back(float_operand(context, node, k));
  Attributes attrs;
  attrs.axis = static_cast<int32_t>(a);
  context.emit(OpType::kConcat, node, inputs, {context.define_output(node, out)}, attrs);
}

void translate_pad(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, node.op == "PadV2" ? 3 : 2);
  const Shape& x = context.input(node, 0).shape;
  const std::vector<int64_t> paddings = int_list(context, node, 1, "paddings");
  require(paddings.size() == 2 * x.size(), ErrorCode::kInvalidModel,
          describe(node) + ": paddings must be [" + std::to_string(x.size()) + ", 2]");
  Attributes attrs;
  attrs.ints.resize(paddings.size());
  Shape out = x;
  for (size_t d = 0; d < x.size(); ++d) {
    for (size_t side = 0; side < 2; ++side) {
      const int64_t p = paddings[2 * d + side];
      require(p >= 0 && p <= kMaxPad, ErrorCode::kUnsupportedModel,
              describe(node) + ": padding " + std::to_string(p) + " is not supported");
      attrs.ints[side * x.size() + d] = p;
      out[d] += p;
    }
  }
  if (node.op == "PadV2") {
    const Constant& value = context.constant_input(node, 2, "the pad value");
    require(value.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": the pad value must be a scalar");
    attrs.pad_value = static_cast<float>(value.as_double(0));
  }
  const TensorId input = context.input_tensor(node, 0);
  context.emit(OpType::kPad, node, {input}, {context.define_output(node, out)}, attrs);
}

void translate_reduction(ImportContext& context, const TfNode& node) {
  // Sum is the mean times the count of values reduced.
  static const std::unordered_map<std::string, OpType> kReductions = {
      {"Mean", OpType::kMean},         {"Sum", OpType::kMean},          {"Max", OpType::kReduceMax},
      {"Min", OpType::kReduceMin},     {"Prod", OpType::kReduceProd}};
  const OpType op = kReductions.at(node.op);
  context.require_inputs(node, 2);
  const Shape& x = context.input(node, 0).shape;
  std::vector<int64_t> axes = int_list(context, node, 1, "axes");
  for (int64_t& a : axes) a = normalize_axis(a, x.size(), describe(node));
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  Shape kept = x, dropped;
  for (size_t d = 0; d < x.size(); ++d) {
    const bool reduced = std::binary_search(axes.begin(), axes.end(), static_cast<int64_t>(d));
    if (reduced) kept[d] = 1;
    else dropped.push_back(x[d]);
  }
  const bool keep_dims = attr_bool(node, "keep_dims", false);
  const bool sum = node.op == "Sum";
  const bool spatial_mean = op == OpType::kMean && x.size() == 4 && axes == std::vector<int64_t>{1, 2};
  const TensorId input = context.input_tensor(node, 0);
  TensorId reduced = keep_dims && !sum ? context.define_output(node, kept)
                                       : context.define_intermediate(node.name + "/kept", kept);
  if (spatial_mean) {
    context.emit(OpType::kGlobalAveragePool2D, node, {input}, {reduced});
  } else {
    Attributes attrs;
    attrs.ints = axes;
    context.emit(op, node, {input}, {reduced}, attrs);
  }
  if (sum) {
    int64_t count = 1;
    for (int64_t a : axes) count *= x[static_cast<size_t>(a)];
    const TensorId scale = context.constant_tensor(node.name + "/count", Constant::floats({1}, {static_cast<float>(count)}));
    const TensorId total = keep_dims ? context.define_output(node, kept) : context.define_intermediate(node.name + "/sum", kept);
    context.emit(OpType::kMul, node, {reduced, scale}, {total});
    reduced = total;
  }
  if (!keep_dims) context.emit(OpType::kReshape, node, {reduced}, {context.define_output(node, dropped)});
}

void translate_resize(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape& x = context.input(node, 0).shape;
  require(x.size() == 4, ErrorCode::kUnsupportedModel, describe(node) + ": input must be NHWC");
  const std::vector<int64_t> size = int_list(context, node, 1, "size");
  require(size.size() == 2 && size[0] > 0 && size[1] > 0 && size[0] <= kMaxPad && size[1] <= kMaxPad,
          ErrorCode::kInvalidModel, describe(node) + ": size must be two positive values");
  const bool align_corners = attr_bool(node, "align_corners", false);
  const bool half_pixel = attr_bool(node, "half_pixel_centers", false);
  require(!(align_corners && half_pixel), ErrorCode::kInvalidModel,
          describe(node) + ": align_corners and half_pixel_centers are exclusive");
  Attributes attrs;
  attrs.resize_mode = node.op == "ResizeBilinear" ? ResizeMode::kBilinear : ResizeMode::kNearest;
  attrs.coordinate_mode = align_corners ? CoordinateMode::kAlignCorners
                          : half_pixel  ? CoordinateMode::kHalfPixel
                                        : CoordinateMode::kAsymmetric;
  const TensorId input = context.input_tensor(node, 0);
  context.emit(OpType::kResize2D, node, {input}, {context.define_output(node, {x[0], size[0], size[1], x[3]})}, attrs);
}

void translate_strided_slice(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 4);
  const Shape& x = context.input(node, 0).shape;
  const StridedSlice slice = strided_slice(context, node, x);
  Attributes attrs;
  attrs.ints.resize(2 * x.size());
  Shape sliced;
  for (size_t d = 0; d < x.size(); ++d) {
    const SliceAxis& r = slice.ranges[d];
    require(r.step == 1 || r.count <= 1, ErrorCode::kUnsupportedModel,
            describe(node) + ": strides other than 1 on a run-time tensor");
    require(r.count > 0, ErrorCode::kUnsupportedModel, describe(node) + ": empty slice");
    attrs.ints[d] = r.start;
    attrs.ints[x.size() + d] = r.count;
    sliced.push_back(r.count);
  }
  const TensorId input = context.input_tensor(node, 0);
  const bool reshapes = slice.out != sliced;
  const TensorId part = reshapes ? context.define_intermediate(node.name + "/slice", sliced) : context.define_output(node, slice.out);
  context.emit(OpType::kSlice, node, {input}, {part}, attrs);
  if (reshapes) context.emit(OpType::kReshape, node, {part}, {context.define_output(node, slice.out)});
}

void translate_transpose(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  const Shape& x = context.input(node, 0).shape;
  const std::vector<int64_t> perm = int_list(context, node, 1, "perm");
  std::vector<bool> seen(x.size(), false);
  require(perm.size() == x.size(), ErrorCode::kInvalidModel, describe(node) + ": perm must list every dimension");
  Shape out;
  for (int64_t p : perm) {
    require(p >= 0 && p < static_cast<int64_t>(x.size()) && !seen[static_cast<size_t>(p)], ErrorCode::kInvalidModel,
            describe(node) + ": perm is not a permutation");
    seen[static_cast<size_t>(p)] = true;
    out.push_back(x[static_cast<size_t>(p)]);
  }
  Attributes attrs;
  attrs.ints = perm;
  const TensorId input = context.input_tensor(node, 0);
  context.emit(OpType::kTranspose, node, {input}, {context.define_output(node, out)}, attrs);
}

// Split (axis, x; num_split equal parts), SplitV (x, sizes, axis; one size may
// be -1) and Unpack (x; attr axis, one part per index, that axis dropped):
// one Slice per output, Unpack's followed by a Reshape.
void translate_split(ImportContext& context, const TfNode& node) {
  const bool unpack = node.op == "Unpack";
  const size_t data = node.op == "Split" ? 1 : 0;
  context.require_inputs(node, unpack ? 1 : node.op == "Split" ? 2 : 3);
  const Shape& x = context.input(node, data).shape;
  const int64_t axis_value = unpack ? attr_int(node, "axis", 0)
                                    : int_list(context, node, node.op == "Split" ? 0 : 2, "axis").at(0);
  const size_t axis = static_cast<size_t>(normalize_axis(axis_value, x.size(), describe(node)));
  std::vector<int64_t> sizes;
  if (node.op == "SplitV") {
    sizes = int_list(context, node, 1, "size_splits");
    int64_t known = 0, unknown = -1;
    for (size_t k = 0; k < sizes.size(); ++k) {
      if (sizes[k] == -1) {
        require(unknown < 0, ErrorCode::kInvalidModel, describe(node) + ": more than one -1 in size_splits");
        unknown = static_cast<int64_t>(k);
      } else {
        require(sizes[k] >= 0, ErrorCode::kInvalidModel, describe(node) + ": negative size");
        known += sizes[k];
      }
    }
    if (unknown >= 0) sizes[static_cast<size_t>(unknown)] = x[axis] - known;
  } else {
    const int64_t parts = unpack ? x[axis] : attr_int(node, "num_split", 0);
    require(parts > 0 && x[axis] % parts == 0, ErrorCode::kInvalidModel, describe(node) + ": cannot split evenly");
    sizes.assign(static_cast<size_t>(parts), x[axis] / parts);
  }
  int64_t total = 0;
  for (int64_t s : sizes) total += s;
  require(total == x[axis] && !sizes.empty(), ErrorCode::kInvalidModel, describe(node) + ": sizes do not add up");
  const TensorId input = context.input_tensor(node, data);
  int64_t start = 0;
  for (size_t k = 0; k < sizes.size(); ++k) {
    Attributes attrs;
    attrs.ints.assign(2 * x.size(), 0);
    Shape part = x;
    part[axis] = sizes[k];
    for (size_t d = 0; d < x.size(); ++d) attrs.ints[x.size() + d] = part[d];
    attrs.ints[axis] = start;
    start += sizes[k];
    const int index = static_cast<int>(k);
    if (!unpack) {
      context.emit(OpType::kSlice, node, {input}, {context.define_output(node, part, index)}, attrs);
      continue;
    }
    Shape dropped = part;
    dropped.erase(dropped.begin() + static_cast<std::ptrdiff_t>(axis));
    const TensorId slice = context.define_intermediate(node.name + "/slice" + std::to_string(k), part);
    context.emit(OpType::kSlice, node, {input}, {slice}, attrs);
    context.emit(OpType::kReshape, node, {slice}, {context.define_output(node, dropped, index)});
  }
}

// Tile(x, multiples) on an activation: x concatenated with itself along each
// axis whose multiple is above 1.
void translate_tile(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 2);
  Shape shape = context.input(node, 0).shape;
  const std::vector<int64_t> multiples = int_list(context, node, 1, "multiples");
  require(multiples.size() == shape.size(), ErrorCode::kInvalidModel, describe(node) + ": one multiple per axis");
  std::vector<size_t> tiled;
  for (size_t d = 0; d < shape.size(); ++d) {
    require(multiples[d] >= 1 && multiples[d] <= 4096, ErrorCode::kUnsupportedModel,
            describe(node) + ": multiples must be in [1, 4096]");
    if (multiples[d] > 1) tiled.push_back(d);
  }
  TensorId value = context.input_tensor(node, 0);
  if (tiled.empty()) return context.set_alias(value_key(node.name, 0), context.input(node, 0));
  for (size_t t = 0; t < tiled.size(); ++t) {
    const size_t d = tiled[t];
    shape[d] *= multiples[d];
    const TensorId next = t + 1 == tiled.size() ? context.define_output(node, shape)
                                                : context.define_intermediate(node.name + "/tile" + std::to_string(d), shape);
    Attributes attrs;
    attrs.axis = static_cast<int32_t>(d);
    context.emit(OpType::kConcat, node, std::vector<TensorId>(static_cast<size_t>(multiples[d]), value), {next}, attrs);
    value = next;
  }
}

void translate_depth_to_space(ImportContext& context, const TfNode& node) {
  context.require_inputs(node, 1);
  const std::string format = attr_string(node, "data_format", "NHWC");
  require(format == "NHWC", ErrorCode::kUnsupportedModel, describe(node) + ": only NHWC is supported");
  const Shape& x = context.input(node, 0).shape;
  const int64_t b = attr_int(node, "block_size", 0);
  require(x.size() == 4 && b >= 1 && b <= 64 && x[3] % (b * b) == 0, ErrorCode::kInvalidModel,
          describe(node) + ": block_size does not divide the channels");
  Attributes attrs;
  attrs.block_size = static_cast<int32_t>(b);
  const TensorId input = context.input_tensor(node, 0);
  context.emit(OpType::kDepthToSpace, node, {input},
               {context.define_output(node, {x[0], x[1] * b, x[2] * b, x[3] / (b * b)})}, attrs);
}

namespace {

const std::unordered_map<std::string, Translator>& translators() {
  static const std::unordered_map<std::string, Translator> kTranslators = {
      {"Conv2D", translate_conv2d},
      {"_FusedConv2D", translate_conv2d},
      {"DepthwiseConv2dNative", translate_depthwise},
      {"FusedDepthwiseConv2dNative", translate_depthwise},
      {"Conv2DBackpropInput", translate_conv2d_transpose},
      {"MatMul", translate_matmul},
      {"_FusedMatMul", translate_matmul},
      {"BatchMatMul", translate_batch_matmul},
      {"BatchMatMulV2", translate_batch_matmul},
      {"AvgPool", translate_pool},
      {"MaxPool", translate_pool},
      {"Add", translate_binary},
      {"AddV2", translate_binary},
      {"BiasAdd", translate_binary},
      {"Sub", translate_binary},
      {"Mul", translate_binary},
      {"RealDiv", translate_binary},
      {"Maximum", translate_binary},
      {"Minimum", translate_binary},
      {"Pow", translate_binary},
      {"Prelu", translate_binary},
      {"SquaredDifference", translate_binary},
      {"Atan2", translate_binary},
      {"AddN", translate_add_n},
      {"Relu", translate_unary},
      {"Relu6", translate_unary},
      {"Sigmoid", translate_unary},
      {"Tanh", translate_unary},
      {"LeakyRelu", translate_unary},
      {"Elu", translate_unary},
      {"Abs", translate_unary},
      {"Neg", translate_unary},
      {"Exp", translate_unary},
      {"Log", translate_unary},
      {"Sqrt", translate_unary},
      {"Floor", translate_unary},
      {"Ceil", translate_unary},
      {"Round", translate_unary},
      {"Sign", translate_unary},
      {"Reciprocal", translate_unary},
      {"Softmax", translate_softmax},
      {"Identity", translate_identity},
      {"StopGradient", translate_identity},
      {"Snapshot", translate_identity},
      {"Cast", translate_identity},
      {"Reshape", translate_reshape},
      {"Squeeze", translate_reshape},
      {"ExpandDims", translate_reshape},
      {"ConcatV2", translate_concat},
      {"Pad", translate_pad},
      {"PadV2", translate_pad},
      {"Mean", translate_reduction},
      {"Max", translate_reduction},
      {"Min", translate_reduction},
      {"Prod", translate_reduction},
      {"Sum", translate_reduction},
      {"Square", translate_power},
      {"Rsqrt", translate_power},
      {"Sin", translate_unary},
      {"Cos", translate_unary},
      {"ResizeBilinear", translate_resize},
      {"ResizeNearestNeighbor", translate_resize},
      {"StridedSlice", translate_strided_slice},
      {"Transpose", translate_transpose},
      {"Split", translate_split},
      {"SplitV", translate_split},
      {"Unpack", translate_split},
      {"Tile", translate_tile},
      {"ArgMax", translate_argmax},
      {"FloorDiv", translate_floor_div},
      {"FloorMod", translate_floor_div},
      {"Pack", translate_pack},
      {"GatherNd", translate_gather_nd},
      {"GatherV2", translate_gather},
      {"TopKV2", translate_top_k},
      {"Equal", translate_comparison},
      {"NotEqual", translate_comparison},
      {"Greater", translate_comparison},
      {"GreaterEqual", translate_comparison},
      {"Less", translate_comparison},
      {"LessEqual", translate_comparison},
      {"LogicalAnd", translate_comparison},
      {"Select", translate_comparison},
      {"SelectV2", translate_comparison},
      {"DepthToSpace", translate_depth_to_space},
  };
  return kTranslators;
}

}  // namespace

const Translator* find_translator(const std::string& op) {
  const auto it = translators().find(op);
  return it == translators().end() ? nullptr : &it->second;
}

}  // namespace tfjs

// Besides the table: Placeholder, Const and NoOp (read by the importer
// itself), and what folds on constants.
std::vector<std::string> tfjs_op_types() {
  std::vector<std::string> names{"Placeholder", "Const", "NoOp"};
  for (const auto& entry : tfjs::translators()) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace garden
