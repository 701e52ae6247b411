// The cards of the element-wise ops: binary with numpy broadcasting, unary
// activations, and BatchNorm (per channel, channel axis from the layout).
#include <algorithm>
#include <cmath>

#include "graph/graph_utils.h"
#include "ops/cards.h"

namespace garden {
namespace ops {
namespace {

// Numpy broadcasting of the two inputs onto the output.
void check_broadcast(const NodeTensors& node) {
  check_broadcast_shapes(node, node.input_tensors[0]->shape, node.input_tensors[1]->shape, node.output_tensor.shape);
}

template <float (*apply)(float, float)>
Values binary(const OpContext& context) {
  const Values& a = *context.inputs[0];
  const Values& b = *context.inputs[1];
  const Shape& out = context.output_tensor.shape;
  Values y(static_cast<size_t>(element_count(out)));
  for_each_broadcast(context.input_tensors[0]->shape, context.input_tensors[1]->shape, out,
                     [&](int64_t i, int64_t offset_a, int64_t offset_b) {
                       y[static_cast<size_t>(i)] = apply(a[static_cast<size_t>(offset_a)],
                                                         b[static_cast<size_t>(offset_b)]);
                     });
  return y;
}

float add(float a, float b) { return a + b; }
float subtract(float a, float b) { return a - b; }
float multiply(float a, float b) { return a * b; }
float divide(float a, float b) { return a / b; }
float maximum(float a, float b) { return std::max(a, b); }
float minimum(float a, float b) { return std::min(a, b); }
float power(float a, float b) { return std::pow(a, b); }
float prelu(float x, float slope) { return x >= 0.f ? x : slope * x; }
float squared_difference(float a, float b) { return (a - b) * (a - b); }
float arc_tangent2(float y, float x) { return std::atan2(y, x); }

template <float (*apply)(float, const Attributes&)>
Values unary(const OpContext& context) {
  const Values& x = *context.inputs[0];
  Values y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = apply(x[i], context.node.attrs);
  return y;
}

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// The clamp itself is the node's activation range, applied to every output.
float identity(float x, const Attributes&) { return x; }
float sigmoid(float x, const Attributes&) { return sigmoid(x); }
float hard_sigmoid(float x, const Attributes& a) { return std::min(std::max(a.alpha * x + a.beta, 0.f), 1.f); }
float leaky_relu(float x, const Attributes& a) { return x >= 0.f ? x : a.alpha * x; }
float elu(float x, const Attributes& a) { return x >= 0.f ? x : a.alpha * (std::exp(x) - 1.f); }
float absolute(float x, const Attributes&) { return std::fabs(x); }
float negate(float x, const Attributes&) { return -x; }
float exponential(float x, const Attributes&) { return std::exp(x); }
float logarithm(float x, const Attributes&) { return std::log(x); }
float square_root(float x, const Attributes&) { return std::sqrt(x); }
float round_down(float x, const Attributes&) { return std::floor(x); }
float round_up(float x, const Attributes&) { return std::ceil(x); }
// std::nearbyint rounds halves to even in the default rounding mode.
float round_to_even(float x, const Attributes&) { return std::nearbyint(x); }
float sign(float x, const Attributes&) { return x > 0.f ? 1.f : x < 0.f ? -1.f : x; }
float reciprocal(float x, const Attributes&) { return 1.f / x; }
float sine(float x, const Attributes&) { return std::sin(x); }
float cosine(float x, const Attributes&) { return std::cos(x); }
float hard_swish(float x, const Attributes&) { return x * std::min(std::max(x + 3.f, 0.f), 6.f) / 6.f; }
float swish(float x, const Attributes&) { return x * sigmoid(x); }
float hyperbolic_tangent(float x, const Attributes&) { return std::tanh(x); }

void check_batch_norm(const NodeTensors& node) {
  check_same_shape(node);
  const Tensor& x = *node.input_tensors[0];
  check(node, !x.shape.empty(), "input must have at least one dimension");
  const int64_t channels = x.shape[static_cast<size_t>(channel_axis(x))];
  for (size_t i = 1; i < 5; ++i)
    check(node, element_count(node.input_tensors[i]->shape) == channels,
          "scale, bias, mean and var need one value per channel");
}

Values batch_norm(const OpContext& context) {
  const Tensor& x_tensor = *context.input_tensors[0];
  const int axis = channel_axis(x_tensor);
  const int64_t channels = x_tensor.shape[static_cast<size_t>(axis)];
  int64_t inner = 1;
  for (size_t k = static_cast<size_t>(axis) + 1; k < x_tensor.shape.size(); ++k) inner *= x_tensor.shape[k];
  const Values& x = *context.inputs[0];
  const Values& scale = *context.inputs[1];
  const Values& bias = *context.inputs[2];
  const Values& mean = *context.inputs[3];
  const Values& var = *context.inputs[4];
  Values y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t c = (i / static_cast<size_t>(inner)) % static_cast<size_t>(channels);
    y[i] = (x[i] - mean[c]) / std::sqrt(var[c] + context.node.attrs.epsilon) * scale[c] + bias[c];
  }
  return y;
}

constexpr OpCard binary_card(OpType op, const char* name, Values (*evaluate)(const OpContext&)) {
  return {op, name, 2, 2, AttrTable::kActivation, LayoutRule::kBroadcastOperands, true, check_broadcast, evaluate};
}

constexpr OpCard unary_card(OpType op, const char* name, Values (*evaluate)(const OpContext&),
                            AttrTable attrs = AttrTable::kNone) {
  return {op, name, 1, 1, attrs, LayoutRule::kElementwise, false, check_same_shape, evaluate};
}

}  // namespace

const OpCard kAddCard = binary_card(OpType::kAdd, "Add", binary<add>);
const OpCard kSubCard = binary_card(OpType::kSub, "Sub", binary<subtract>);
const OpCard kMulCard = binary_card(OpType::kMul, "Mul", binary<multiply>);
const OpCard kDivCard = binary_card(OpType::kDiv, "Div", binary<divide>);
const OpCard kClampCard = unary_card(OpType::kClamp, "Clamp", unary<identity>, AttrTable::kActivation);
const OpCard kSigmoidCard = unary_card(OpType::kSigmoid, "Sigmoid", unary<sigmoid>);
const OpCard kHardSigmoidCard =
    unary_card(OpType::kHardSigmoid, "HardSigmoid", unary<hard_sigmoid>, AttrTable::kAlphaBeta);
const OpCard kHardSwishCard = unary_card(OpType::kHardSwish, "HardSwish", unary<hard_swish>);
const OpCard kSwishCard = unary_card(OpType::kSwish, "Swish", unary<swish>);
const OpCard kTanhCard = unary_card(OpType::kTanh, "Tanh", unary<hyperbolic_tangent>);
const OpCard kLeakyReluCard =
    unary_card(OpType::kLeakyRelu, "LeakyRelu", unary<leaky_relu>, AttrTable::kAlphaBeta);
const OpCard kEluCard = unary_card(OpType::kElu, "Elu", unary<elu>, AttrTable::kAlphaBeta);
const OpCard kAbsCard = unary_card(OpType::kAbs, "Abs", unary<absolute>);
const OpCard kNegCard = unary_card(OpType::kNeg, "Neg", unary<negate>);
const OpCard kExpCard = unary_card(OpType::kExp, "Exp", unary<exponential>);
const OpCard kLogCard = unary_card(OpType::kLog, "Log", unary<logarithm>);
const OpCard kSqrtCard = unary_card(OpType::kSqrt, "Sqrt", unary<square_root>);
const OpCard kFloorCard = unary_card(OpType::kFloor, "Floor", unary<round_down>);
const OpCard kCeilCard = unary_card(OpType::kCeil, "Ceil", unary<round_up>);
const OpCard kRoundCard = unary_card(OpType::kRound, "Round", unary<round_to_even>);
const OpCard kMaximumCard = binary_card(OpType::kMaximum, "Maximum", binary<maximum>);
const OpCard kMinimumCard = binary_card(OpType::kMinimum, "Minimum", binary<minimum>);
const OpCard kPowCard = binary_card(OpType::kPow, "Pow", binary<power>);
const OpCard kPReluCard = binary_card(OpType::kPRelu, "PRelu", binary<prelu>);
const OpCard kSquaredDifferenceCard =
    binary_card(OpType::kSquaredDifference, "SquaredDifference", binary<squared_difference>);
const OpCard kSignCard = unary_card(OpType::kSign, "Sign", unary<sign>);
const OpCard kReciprocalCard = unary_card(OpType::kReciprocal, "Reciprocal", unary<reciprocal>);
const OpCard kSinCard = unary_card(OpType::kSin, "Sin", unary<sine>);
const OpCard kCosCard = unary_card(OpType::kCos, "Cos", unary<cosine>);
const OpCard kAtan2Card = binary_card(OpType::kAtan2, "Atan2", binary<arc_tangent2>);
const OpCard kBatchNormCard{OpType::kBatchNorm, "BatchNorm", 5, 5, AttrTable::kBatchNorm, LayoutRule::kLayoutAware,
                            false, check_batch_norm, batch_norm};

}  // namespace ops
}  // namespace garden
