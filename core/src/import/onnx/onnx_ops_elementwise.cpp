// Element-wise ops, BatchNormalization and Softmax.
#include <cmath>
#include <limits>

#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

void emit_same_shape(ImportContext& context, const Node& node, OpType op, Attributes attrs = {}) {
  const Shape shape = context.input(node, 0).shape;
  TensorId input = context.input_tensor(node, 0);
  TensorId output = context.define_output(node, shape);
  context.emit(op, node, {input}, {output}, std::move(attrs));
}

float scalar_input(ImportContext& context, const Node& node, size_t index, float fallback) {
  if (!context.has_input(node, index)) return fallback;
  const Constant& c = context.constant_input(node, index);
  require(c.size() == 1, ErrorCode::kInvalidModel, describe(node) + ": input #" + std::to_string(index) +
                                                       " must be a scalar");
  return static_cast<float>(c.as_double(0));
}

}  // namespace

// ONNX binary ops that are one graph op; the variadic ones (Max, Min, Sum,
// Mean) take one or more inputs, combined left to right.
struct BinaryOp {
  const char* name;
  OpType op;
  bool variadic = false;
};

const BinaryOp kBinaryOps[] = {
    {"Add", OpType::kAdd},       {"Sub", OpType::kSub},           {"Mul", OpType::kMul},
    {"Div", OpType::kDiv},       {"Pow", OpType::kPow},           {"PRelu", OpType::kPRelu},
    {"Max", OpType::kMaximum, true}, {"Min", OpType::kMinimum, true}, {"Sum", OpType::kAdd, true},
    {"Mean", OpType::kAdd, true},
};

void translate_binary(ImportContext& context, const Node& node) {
  const BinaryOp* binary = nullptr;
  for (const BinaryOp& candidate : kBinaryOps)
    if (node.op_type == candidate.name) binary = &candidate;
  require(binary != nullptr, ErrorCode::kUnsupportedOp, "unsupported ONNX op '" + node.op_type + "'");
  const size_t count = node.inputs.size();
  require(binary->variadic ? count >= 1 : count == 2, ErrorCode::kInvalidModel,
          describe(node) + (binary->variadic ? " needs at least one input" : " needs 2 inputs"));
  const bool mean = node.op_type == "Mean";
  Shape shape = context.input(node, 0).shape;
  TensorId result = context.input_tensor(node, 0);
  if (count == 1) {  // Max(x), Min(x), Sum(x), Mean(x) are x
    context.emit(OpType::kClamp, node, {result}, {context.define_output(node, shape)});
    return;
  }
  for (size_t i = 1; i < count; ++i) {
    shape = broadcast_shapes(shape, context.input(node, i).shape, describe(node));
    const bool last = i + 1 == count && !mean;
    const TensorId next = last ? context.define_output(node, shape)
                               : context.define_intermediate(node.name + "/" + std::to_string(i), shape);
    context.emit(binary->op, node, {result, context.input_tensor(node, i)}, {next});
    result = next;
  }
  if (mean) {
    const TensorId scale = context.constant_tensor(node.name + "/1_over_n",
                                                   Constant::floats({1}, {1.f / static_cast<float>(count)}));
    context.emit(OpType::kMul, node, {result, scale}, {context.define_output(node, shape)});
  }
}

// ONNX unary ops that are one graph op, with the float attribute each reads
// into attrs.alpha (if any) and its ONNX default.
struct UnaryOp {
  const char* name;
  OpType op;
  const char* alpha = nullptr;
  float alpha_default = 0.f;
};

const UnaryOp kUnaryOps[] = {
    {"Sigmoid", OpType::kSigmoid}, {"Tanh", OpType::kTanh},   {"HardSwish", OpType::kHardSwish},
    {"Abs", OpType::kAbs},         {"Neg", OpType::kNeg},     {"Exp", OpType::kExp},
    {"Log", OpType::kLog},         {"Sqrt", OpType::kSqrt},   {"Floor", OpType::kFloor},
    {"Ceil", OpType::kCeil},       {"Round", OpType::kRound}, {"LeakyRelu", OpType::kLeakyRelu, "alpha", 0.01f},
    {"Elu", OpType::kElu, "alpha", 1.f},
    {"Sign", OpType::kSign},       {"Reciprocal", OpType::kReciprocal},
    {"Sin", OpType::kSin},         {"Cos", OpType::kCos},
};

void translate_unary(ImportContext& context, const Node& node) {
  const std::string& op = node.op_type;
  NodeAttributes attrs_in(node);
  Attributes attrs;
  if (op == "Relu") {
    attrs.activation_min = 0.f;
    return emit_same_shape(context, node, OpType::kClamp, attrs);
  }
  if (op == "HardSigmoid") {
    attrs.alpha = attrs_in.get_float("alpha", 0.2f);
    attrs.beta = attrs_in.get_float("beta", 0.5f);
    return emit_same_shape(context, node, OpType::kHardSigmoid, attrs);
  }
  for (const UnaryOp& unary : kUnaryOps) {
    if (op != unary.name) continue;
    if (unary.alpha != nullptr) attrs.alpha = attrs_in.get_float(unary.alpha, unary.alpha_default);
    return emit_same_shape(context, node, unary.op, attrs);
  }
  fail(ErrorCode::kUnsupportedOp, "unsupported ONNX op '" + op + "' (node '" + node.name + "')");
}

void translate_clip(ImportContext& context, const Node& node) {
  Attributes attrs;
  if (context.opset() >= 11) {
    attrs.activation_min = scalar_input(context, node, 1, -kInf);
    attrs.activation_max = scalar_input(context, node, 2, kInf);
  } else {
    NodeAttributes attrs_in(node);
    attrs.activation_min = attrs_in.get_float("min", -kInf);
    attrs.activation_max = attrs_in.get_float("max", kInf);
  }
  require(!std::isnan(attrs.activation_min) && !std::isnan(attrs.activation_max) &&
              attrs.activation_min <= attrs.activation_max,
          ErrorCode::kInvalidModel, describe(node) + ": min is above max");
  emit_same_shape(context, node, OpType::kClamp, attrs);
}

void translate_batch_norm(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  require(x.size() >= 2, ErrorCode::kInvalidModel, describe(node) + ": input rank below 2");
  require(NodeAttributes(node).get_int("training_mode", 0) == 0 && (node.outputs.size() < 2 || node.outputs[1].empty()),
          ErrorCode::kUnsupportedModel, describe(node) + ": training mode is not supported");
  std::vector<TensorId> inputs{context.input_tensor(node, 0)};
  for (size_t k = 1; k <= 4; ++k) {
    const Constant& c = context.constant_input(node, k);
    require(c.is_float() && c.size() == static_cast<size_t>(x[1]), ErrorCode::kInvalidModel,
            describe(node) + ": parameter '" + node.inputs[k] + "' must hold " + std::to_string(x[1]) + " floats");
    inputs.push_back(context.constant_tensor(node.inputs[k], Constant::floats({x[1]}, c.f)));
  }
  Attributes attrs;
  attrs.epsilon = NodeAttributes(node).get_float("epsilon", 1e-5f);
  require(attrs.epsilon >= 0.f, ErrorCode::kInvalidModel, describe(node) + ": negative epsilon");
  TensorId output = context.define_output(node, x);
  context.emit(OpType::kBatchNorm, node, inputs, {output}, attrs);
}

int64_t softmax_axis(ImportContext& context, const Node& node) {
  const Shape x = context.input(node, 0).shape;
  require(!x.empty(), ErrorCode::kInvalidModel, describe(node) + ": scalar input");
  const int64_t default_axis = context.opset() >= 13 ? -1 : 1;
  int64_t axis = normalize_axis(NodeAttributes(node).get_int("axis", default_axis), x.size(), describe(node));
  if (context.opset() < 13) {
    // Before opset 13 Softmax flattens [axis, rank) into one dimension; that is
    // a softmax over `axis` alone when every later dimension is 1.
    for (size_t k = static_cast<size_t>(axis) + 1; k < x.size(); ++k)
      require(x[k] == 1, ErrorCode::kUnsupportedModel,
              describe(node) + ": softmax over several flattened axes (opset < 13) is not supported");
  }
  return axis;
}

void translate_softmax(ImportContext& context, const Node& node) {
  Attributes attrs;
  attrs.axis = static_cast<int32_t>(softmax_axis(context, node));
  emit_same_shape(context, node, OpType::kSoftmax, attrs);
}

}  // namespace onnx
}  // namespace garden
