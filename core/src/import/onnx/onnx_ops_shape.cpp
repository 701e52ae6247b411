// Data-movement ops on activations: reshapes, concat, transpose, slice, pad,
// reductions, depth-to-space (DCR and CRD) and space-to-depth.
#include <algorithm>

#include "import/onnx/onnx_shapes.h"
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {
namespace {

// Emits `op` from the node's first input to its output of shape `out`.
void emit_on_input(ImportContext& context, const Node& node, OpType op, Shape out, Attributes attrs = {}) {
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, std::move(out));
  context.emit(op, node, {input}, {output}, std::move(attrs));
}

}  // namespace

void translate_reshape(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  const std::string& op = node.op_type;
  NodeAttributes attrs(node);
  Shape out;
  if (op == "Reshape") {
    // Before opset 5 the target shape is an attribute.
    std::vector<int64_t> target = context.opset() < 5 ? attrs.get_ints("shape")
                                                      : context.constant_input(node, 1).to_ints(describe(node) + " shape");
    out = reshape_shape(node, x, target, attrs.get_int("allowzero", 0) != 0);
  } else if (op == "Flatten") {
    out = flatten_shape(node, x, attrs.get_int("axis", 1));
  } else if (op == "Squeeze") {
    out = squeeze_shape(node, x, squeeze_axes(context, node));
  } else {
    out = unsqueeze_shape(node, x, squeeze_axes(context, node));
  }
  emit_on_input(context, node, OpType::kReshape, std::move(out));
}

void translate_identity(ImportContext& context, const Node& node) {
  if (node.op_type == "Cast" && context.opset() < 6) {
    // Before opset 6 the target type is a name.
    const std::string to = NodeAttributes(node).get_string("to", "FLOAT");
    require(to == "FLOAT", ErrorCode::kUnsupportedModel,
            describe(node) + ": casting activations to " + to + " is not supported");
  } else if (node.op_type == "Cast") {
    int64_t to = NodeAttributes(node).get_int("to", kFloat);
    require(to == kFloat, ErrorCode::kUnsupportedModel,
            describe(node) + ": casting activations to " + data_type_name(static_cast<int32_t>(to)) +
                " is not supported");
  }
  if (node.op_type == "Dropout")
    require(node.outputs.size() < 2 || node.outputs[1].empty(), ErrorCode::kUnsupportedModel,
            describe(node) + ": the mask output is not supported");
  context.set_alias(context.output_name(node), context.input(node, 0));
}

void translate_concat(ImportContext& context, const Node& node) {
  std::vector<Shape> shapes;
  std::vector<size_t> used;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    const Shape& s = context.input(node, k).shape;
    shapes.push_back(s);
    if (element_count(s) > 0) used.push_back(k);  // empty parts add nothing
  }
  int64_t axis = NodeAttributes(node).get_int("axis", 1);
  Shape out = concat_shape(node, shapes, axis);
  require(!used.empty(), ErrorCode::kInvalidModel, describe(node) + ": every input is empty");
  if (used.size() == 1) {
    context.set_alias(context.output_name(node), context.input(node, used[0]));
    return;
  }
  std::vector<TensorId> inputs;
  for (size_t k : used) inputs.push_back(context.input_tensor(node, k));
  Attributes attrs;
  attrs.axis = static_cast<int32_t>(normalize_axis(axis, out.size(), describe(node)));
  TensorId output = context.define_output(node, out);
  context.emit(OpType::kConcat, node, inputs, {output}, attrs);
}

void translate_transpose(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  std::vector<int64_t> perm = transpose_permutation(node, x.size());
  Shape out;
  for (int64_t p : perm) out.push_back(x[static_cast<size_t>(p)]);
  Attributes attrs;
  attrs.ints = perm;
  emit_on_input(context, node, OpType::kTranspose, std::move(out), std::move(attrs));
}

void translate_slice(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  std::vector<SliceAxis> ranges = slice_ranges(context, node, x);
  Attributes attrs;
  Shape out;
  for (const SliceAxis& r : ranges) {
    require(r.step == 1 || r.count == 1, ErrorCode::kUnsupportedModel,
            describe(node) + ": strided slices of activations are not supported");
    attrs.ints.push_back(r.start);
    out.push_back(r.count);
  }
  for (const SliceAxis& r : ranges) attrs.ints.push_back(r.count);
  emit_on_input(context, node, OpType::kSlice, std::move(out), std::move(attrs));
}

void translate_pad(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  NodeAttributes attrs_in(node);
  require(attrs_in.get_string("mode", "constant") == "constant", ErrorCode::kUnsupportedModel,
          describe(node) + ": only constant padding is supported");
  std::vector<int64_t> pads;
  float value = 0.f;
  if (context.opset() >= 11) {
    pads = context.constant_input(node, 1).to_ints(describe(node) + " pads");
    if (context.has_input(node, 2)) {
      const Constant& v = context.constant_input(node, 2);
      require(v.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": constant_value must be a scalar");
      value = static_cast<float>(v.as_double(0));
    }
    require(!context.has_input(node, 3), ErrorCode::kUnsupportedModel, describe(node) + ": 'axes' is not supported");
  } else {
    pads = attrs_in.get_ints("pads");
    value = attrs_in.get_float("value", 0.f);
  }
  require(pads.size() == 2 * x.size(), ErrorCode::kInvalidModel,
          describe(node) + ": pads must have 2 values per dimension");
  Shape out = x;
  for (size_t k = 0; k < x.size(); ++k) {
    int64_t begin = pads[k], end = pads[k + x.size()];
    require(begin >= 0 && end >= 0 && begin <= (1 << 20) && end <= (1 << 20), ErrorCode::kUnsupportedModel,
            describe(node) + ": negative or huge pads are not supported");
    out[k] += begin + end;
  }
  Attributes attrs;
  attrs.ints = pads;
  attrs.pad_value = value;
  emit_on_input(context, node, OpType::kPad, std::move(out), std::move(attrs));
}

void translate_reduction(ImportContext& context, const Node& node, Reduction reduction) {
  const Shape x = context.input(node, 0).shape;
  NodeAttributes attrs_in(node);
  // Axes: an attribute, or (ReduceSum from opset 13, the others from 18) a constant input.
  std::vector<int64_t> axes = attrs_in.get_ints("axes");
  if (context.has_input(node, 1)) axes = context.constant_input(node, 1).to_ints(describe(node) + " axes");
  if (axes.empty()) {
    require(attrs_in.get_int("noop_with_empty_axes", 0) == 0, ErrorCode::kUnsupportedModel,
            describe(node) + ": noop_with_empty_axes is not supported");
    for (size_t k = 0; k < x.size(); ++k) axes.push_back(static_cast<int64_t>(k));
  }
  std::vector<bool> reduced(x.size(), false);
  int64_t count = 1;
  for (int64_t& a : axes) {
    a = normalize_axis(a, x.size(), describe(node));
    require(!reduced[static_cast<size_t>(a)], ErrorCode::kInvalidModel, describe(node) + ": axis listed twice");
    reduced[static_cast<size_t>(a)] = true;
    count *= x[static_cast<size_t>(a)];
  }
  std::sort(axes.begin(), axes.end());
  Shape kept = x;
  for (int64_t a : axes) kept[static_cast<size_t>(a)] = 1;
  const bool keep_dims = attrs_in.get_int("keepdims", 1) != 0;
  Shape squeezed;
  for (size_t k = 0; k < x.size(); ++k)
    if (!reduced[k]) squeezed.push_back(x[k]);

  // Each step writes a new tensor; the last one is the node's output (a
  // reshape dropping the reduced dimensions when keepdims is 0).
  const std::string name = context.output_name(node);
  int step = 0;
  const auto next = [&](const Shape& shape) { return context.define_intermediate(name + "_" + std::to_string(step++), shape); };
  TensorId value = context.input_tensor(node, 0);
  const auto map = [&](OpType op, std::vector<TensorId> inputs, const Shape& shape, bool last,
                       Attributes attrs = {}) {
    const TensorId out = last && keep_dims ? context.define_output(node, shape) : next(shape);
    context.emit(op, node, std::move(inputs), {out}, std::move(attrs));
    value = out;
  };
  if (reduction == Reduction::kMax || reduction == Reduction::kMin || reduction == Reduction::kProd) {
    Attributes reduce_attrs;
    reduce_attrs.ints = axes;
    const OpType op = reduction == Reduction::kMax   ? OpType::kReduceMax
                      : reduction == Reduction::kMin ? OpType::kReduceMin
                                                     : OpType::kReduceProd;
    map(op, {value}, kept, true, reduce_attrs);
  } else {
    const bool squares = reduction == Reduction::kSumSquare || reduction == Reduction::kL2;
    if (squares) map(OpType::kMul, {value, value}, x, false);
    if (reduction == Reduction::kL1) map(OpType::kAbs, {value}, x, false);
    if (reduction == Reduction::kLogSumExp) map(OpType::kExp, {value}, x, false);
    // The mean over the axes (a global average pool for NCHW's spatial axes).
    const bool spatial = x.size() == 4 && axes == std::vector<int64_t>{2, 3};
    Attributes mean_attrs;
    if (!spatial) mean_attrs.ints = axes;
    const bool mean_last = reduction == Reduction::kMean;
    const TensorId mean = mean_last && keep_dims ? context.define_output(node, kept) : next(kept);
    context.emit(spatial ? OpType::kGlobalAveragePool2D : OpType::kMean, node, {value}, {mean}, mean_attrs);
    value = mean;
    if (!mean_last) {
      // A sum is the mean times the count of values reduced.
      const TensorId scale = context.constant_tensor(name + "_count", Constant::floats({1}, {static_cast<float>(count)}));
      const bool sum_last = reduction == Reduction::kSum || reduction == Reduction::kSumSquare || reduction == Reduction::kL1;
      map(OpType::kMul, {value, scale}, kept, sum_last);
      if (reduction == Reduction::kL2) map(OpType::kSqrt, {value}, kept, true);
      if (reduction == Reduction::kLogSum || reduction == Reduction::kLogSumExp) map(OpType::kLog, {value}, kept, true);
    }
  }
  if (keep_dims) return;
  context.emit(OpType::kReshape, node, {value}, {context.define_output(node, squeezed)});
}

namespace {

// x reshaped to 6-D, its axes permuted, reshaped to `out`: how DepthToSpace
// in CRD order and SpaceToDepth rearrange blocks (in NCHW memory order).
void emit_block_shuffle(ImportContext& context, const Node& node, Shape six, std::vector<int64_t> perm, Shape out) {
  const std::string name = context.output_name(node);
  const TensorId split = context.define_intermediate(name + "_blocks", six);
  context.emit(OpType::kReshape, node, {context.input_tensor(node, 0)}, {split});
  Shape moved;
  for (int64_t p : perm) moved.push_back(six[static_cast<size_t>(p)]);
  Attributes attrs;
  attrs.ints = std::move(perm);
  const TensorId shuffled = context.define_intermediate(name + "_moved", moved);
  context.emit(OpType::kTranspose, node, {split}, {shuffled}, attrs);
  context.emit(OpType::kReshape, node, {shuffled}, {context.define_output(node, std::move(out))});
}

int64_t block_size(const Node& node) {
  const int64_t block = NodeAttributes(node).get_int("blocksize", 0);
  require(block >= 1 && block <= 64, ErrorCode::kInvalidModel, describe(node) + ": blocksize must be in [1, 64]");
  return block;
}

}  // namespace

void translate_space_to_depth(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  require(x.size() == 4, ErrorCode::kInvalidModel, describe(node) + ": input must be 4-D");
  const int64_t b = block_size(node);
  require(x[2] % b == 0 && x[3] % b == 0, ErrorCode::kInvalidModel, describe(node) + ": blocksize does not divide H and W");
  emit_block_shuffle(context, node, {x[0], x[1], x[2] / b, b, x[3] / b, b}, {0, 3, 5, 1, 2, 4},
                     {x[0], x[1] * b * b, x[2] / b, x[3] / b});
}

void translate_depth_to_space(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  require(x.size() == 4, ErrorCode::kInvalidModel, describe(node) + ": input must be 4-D");
  NodeAttributes attrs_in(node);
  const std::string mode = attrs_in.get_string("mode", "DCR");
  require(mode == "DCR" || mode == "CRD", ErrorCode::kUnsupportedModel, describe(node) + ": unknown mode '" + mode + "'");
  int64_t block = block_size(node);
  require(x[1] % (block * block) == 0, ErrorCode::kInvalidModel,
          describe(node) + ": blocksize does not divide the channels");
  if (mode == "CRD") {
    const int64_t b = block;
    return emit_block_shuffle(context, node, {x[0], x[1] / (b * b), b, b, x[2], x[3]}, {0, 1, 4, 2, 5, 3},
                              {x[0], x[1] / (b * b), x[2] * b, x[3] * b});
  }
  Attributes attrs;
  attrs.block_size = static_cast<int32_t>(block);
  emit_on_input(context, node, OpType::kDepthToSpace, {x[0], x[1] / (block * block), x[2] * block, x[3] * block},
                std::move(attrs));
}

}  // namespace onnx
}  // namespace garden
