// TFLite element-wise, shape, resize and quantization ops.
#include <algorithm>
#include <cmath>
#include <limits>

#include "import/common/axes.h"
#include "import/tflite/tflite_translators.h"

namespace garden {
namespace tflite {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

void identity(ImportContext& c, TensorId input, TensorId output) { c.emit(OpType::kReshape, {input}, {output}); }

}  // namespace

void emit_then_clamp(ImportContext& c, OpType type, std::vector<TensorId> inputs, TensorId output, Attributes attrs,
                     ActivationRange range) {
  if (range.min == -kInf && range.max == kInf) {
    c.emit(type, std::move(inputs), {output}, std::move(attrs));
    return;
  }
  const Tensor& out = c.graph().tensor(output);
  const TensorId before = c.add_activation(out.name + "/before_activation", out.shape);
  c.emit(type, std::move(inputs), {before}, std::move(attrs));
  Attributes clamp;
  clamp.activation_min = range.min;
  clamp.activation_max = range.max;
  c.emit(OpType::kClamp, {before}, {output}, clamp);
}

void translate_binary(ImportContext& c, OpType type) {
  c.require_arity(2, 2, 1);
  const auto* o = c.options<fb::ActivationOptions>();
  const ActivationRange range = c.activation(o == nullptr ? 0 : o->fused_activation_function());
  const Shape out = importer::broadcast_shapes(c.input_shape(0), c.input_shape(1), c.describe());
  if (c.input_is_constant(0) && c.input_is_constant(1))
    c.fail_op(ErrorCode::kUnsupportedModel, "both inputs are constants");
  Attributes attrs;
  attrs.activation_min = range.min;
  attrs.activation_max = range.max;
  c.emit(type, {c.input(0), c.input(1)}, {c.output(0, out)}, attrs);
}

void translate_unary(ImportContext& c, OpType type) {
  c.require_arity(1, 1, 1);
  c.emit(type, {c.input(0)}, {c.output(0, c.input_shape(0))});
}

void translate_clamp(ImportContext& c, float min, float max) {
  c.require_arity(1, 1, 1);
  Attributes attrs;
  attrs.activation_min = min;
  attrs.activation_max = max;
  c.emit(OpType::kClamp, {c.input(0)}, {c.output(0, c.input_shape(0))}, attrs);
}

void translate_leaky_relu(ImportContext& c) {
  c.require_arity(1, 1, 1);
  const auto* o = c.options<fb::LeakyReluOptions>();
  Attributes attrs;
  attrs.alpha = o == nullptr ? 0.f : o->alpha();
  c.emit(OpType::kLeakyRelu, {c.input(0)}, {c.output(0, c.input_shape(0))}, attrs);
}

void translate_elu(ImportContext& c) {
  c.require_arity(1, 1, 1);
  Attributes attrs;
  attrs.alpha = 1.f;
  c.emit(OpType::kElu, {c.input(0)}, {c.output(0, c.input_shape(0))}, attrs);
}

void translate_softmax(ImportContext& c) {
  c.require_arity(1, 1, 1);
  const auto* o = c.options<fb::SoftmaxOptions>();
  const float beta = o == nullptr ? 1.f : o->beta();
  if (!std::isfinite(beta) || beta <= 0.f) c.fail_op(ErrorCode::kUnsupportedModel, "beta must be positive");
  const Shape shape = c.input_shape(0);
  if (shape.empty()) c.fail_op(ErrorCode::kInvalidModel, "input must have at least one dimension");
  TensorId input = c.input(0);
  const TensorId output = c.output(0, shape);
  if (beta != 1.f) {  // softmax(beta * x)
    const std::string name = c.graph().tensor(output).name;
    const TensorId scaled = c.add_activation(name + "/scaled", shape);
    c.emit(OpType::kMul, {input, c.add_constant(name + "/beta", {}, {beta})}, {scaled});
    input = scaled;
  }
  Attributes attrs;
  attrs.axis = static_cast<int32_t>(shape.size() - 1);
  c.emit(OpType::kSoftmax, {input}, {output}, attrs);
}

void translate_concatenation(ImportContext& c) {
  c.require_arity(1, 64, 1);
  const auto* o = c.options<fb::ConcatenationOptions>();
  const Shape first = c.input_shape(0);
  const int64_t axis = importer::normalize_axis(o == nullptr ? 0 : o->axis(), first.size(), c.describe());
  Shape out = first;
  std::vector<TensorId> inputs;
  for (size_t k = 0; k < c.input_count(); ++k) {
    const Shape shape = c.input_shape(k);
    bool compatible = shape.size() == first.size();
    for (size_t d = 0; compatible && d < shape.size(); ++d)
      compatible = static_cast<int64_t>(d) == axis || shape[d] == first[d];
    if (!compatible) c.fail_op(ErrorCode::kInvalidModel, "input shapes do not match");
    if (k > 0) out[static_cast<size_t>(axis)] += shape[static_cast<size_t>(axis)];
    inputs.push_back(c.input(k));
  }
  const ActivationRange range = c.activation(o == nullptr ? 0 : o->fused_activation_function());
  const TensorId output = c.output(0, out);
  if (inputs.size() == 1) {
    emit_then_clamp(c, OpType::kReshape, inputs, output, {}, range);
    return;
  }
  Attributes attrs;
  attrs.axis = static_cast<int32_t>(axis);
  emit_then_clamp(c, OpType::kConcat, inputs, output, attrs, range);
}

void translate_reshape(ImportContext& c) {
  // RESHAPE's target (input 1 or options) and SQUEEZE's axes are both
  // reflected in the output's declared static shape, which is what we use.
  c.require_arity(1, 2, 1);
  const Shape out = c.declared_output_shape(0);
  if (element_count(out) != element_count(c.input_shape(0)))
    c.fail_op(ErrorCode::kInvalidModel, "output has a different element count than the input");
  identity(c, c.input(0), c.output(0, out));
}

void translate_reduction(ImportContext& c, OpType op) {
  c.require_arity(2, 2, 1);
  const auto* o = c.options<fb::ReducerOptions>();
  const Shape x = c.input_shape(0);
  std::vector<int64_t> axes;
  for (int64_t axis : c.constant_ints(1)) {
    const int64_t a = importer::normalize_axis(axis, x.size(), c.describe());
    if (std::find(axes.begin(), axes.end(), a) == axes.end()) axes.push_back(a);
  }
  std::sort(axes.begin(), axes.end());
  Shape kept = x;
  Shape squeezed;
  for (size_t d = 0; d < x.size(); ++d) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (reduced) kept[d] = 1;
    if (!reduced) squeezed.push_back(x[d]);
  }
  Attributes attrs;
  attrs.ints = axes;
  const bool keep_dims = o != nullptr && o->keep_dims();
  const TensorId output = c.output(0, keep_dims ? kept : squeezed);
  if (keep_dims) {
    c.emit(op, {c.input(0)}, {output}, attrs);
    return;
  }
  const TensorId reduced = c.add_activation(c.graph().tensor(output).name + "/kept_dims", kept);
  c.emit(op, {c.input(0)}, {reduced}, attrs);
  identity(c, reduced, output);
}

void translate_pad(ImportContext& c) {
  c.require_arity(2, 2, 1);
  const Shape x = c.input_shape(0);
  const std::vector<int64_t> pads = c.constant_ints(1);  // [rank, 2]: (before, after) per dim
  if (pads.size() != 2 * x.size()) c.fail_op(ErrorCode::kInvalidModel, "paddings must be [rank, 2]");
  Attributes attrs;
  attrs.ints.resize(pads.size());
  Shape out = x;
  for (size_t d = 0; d < x.size(); ++d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (before < 0 || after < 0 || before > (1 << 16) || after > (1 << 16))
      c.fail_op(ErrorCode::kUnsupportedModel, "padding is negative or too large");
    attrs.ints[d] = before;
    attrs.ints[x.size() + d] = after;
    out[d] += before + after;
  }
  c.emit(OpType::kPad, {c.input(0)}, {c.output(0, out)}, attrs);
}

void translate_resize(ImportContext& c, ResizeMode mode) {
  c.require_arity(2, 2, 1);
  bool align_corners = false, half_pixel_centers = false;
  if (mode == ResizeMode::kBilinear) {
    const auto* o = c.options<fb::ResizeBilinearOptions>();
    align_corners = o != nullptr && o->align_corners();
    half_pixel_centers = o != nullptr && o->half_pixel_centers();
  } else {
    const auto* o = c.options<fb::ResizeNearestNeighborOptions>();
    align_corners = o != nullptr && o->align_corners();
    half_pixel_centers = o != nullptr && o->half_pixel_centers();
  }
  if (align_corners && half_pixel_centers)
    c.fail_op(ErrorCode::kInvalidModel, "align_corners and half_pixel_centers are exclusive");
  const Shape x = c.input_shape(0);
  const std::vector<int64_t> size = c.constant_ints(1);
  if (x.size() != 4 || size.size() != 2) c.fail_op(ErrorCode::kInvalidModel, "needs a 4-D input and 2 sizes");
  if (size[0] < 1 || size[1] < 1 || size[0] > (1 << 16) || size[1] > (1 << 16))
    c.fail_op(ErrorCode::kInvalidModel, "output size is out of range");
  Attributes attrs;
  attrs.resize_mode = mode;
  attrs.coordinate_mode = align_corners        ? CoordinateMode::kAlignCorners
                          : half_pixel_centers ? CoordinateMode::kHalfPixel
                                               : CoordinateMode::kAsymmetric;
  c.emit(OpType::kResize2D, {c.input(0)}, {c.output(0, {x[0], size[0], size[1], x[3]})}, attrs);
}

void translate_quantization(ImportContext& c) {
  c.require_arity(1, 1, 1);
  // Constants were already turned into f32 (from f16 or int8/uint8 with their
  // scales) when they were read, so a weight's DEQUANTIZE is just a new name.
  if (c.input_is_constant(0)) {
    c.alias_output(0, c.input(0));
    return;
  }
  identity(c, c.input(0), c.output(0, c.input_shape(0)));
}

}  // namespace tflite
}  // namespace garden
