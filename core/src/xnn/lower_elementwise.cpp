// Element-wise ops: binary arithmetic, unary activations, and the activations
// XNNPACK lacks, built from the ones it has (HardSigmoid, Swish, BatchNorm,
// Atan2).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <iterator>
#include <string>

#include "xnn/lower.h"

namespace garden {
namespace xnn {
namespace {

xnn_binary_params clamp_params(const Attributes& a) {
  xnn_binary_params params;
  params.output_min = a.activation_min;
  params.output_max = a.activation_max;
  return params;
}

// xnn_define_binary adds a Clamp node of its own when the output is clamped.
int binary_node_count(const Attributes& a) { return a.has_activation() ? 2 : 1; }

void define_binary(SubgraphBuilder& b, const Node& node, xnn_binary_operator op, uint32_t lhs,
                   uint32_t rhs, uint32_t out, const Attributes& activation) {
  const xnn_binary_params params = clamp_params(activation);
  b.defined(xnn_define_binary(b.get(), op, &params, lhs, rhs, out, 0), node, "binary op",
            binary_node_count(activation));
}

void define_clamp(SubgraphBuilder& b, const Node& node, float min, float max, uint32_t in,
                  uint32_t out) {
  xnn_unary_params params;
  params.clamp.min = min;
  params.clamp.max = max;
  b.defined(xnn_define_unary(b.get(), xnn_unary_clamp, &params, in, out, 0), node, "clamp");
}

// Where a unary op should write: the node's output, or, when the node carries
// a fused clamp the op cannot apply itself, an intermediate clamped afterwards.
uint32_t unary_target(SubgraphBuilder& b, const Node& node) {
  if (!node.attrs.has_activation()) return b.output_value(node);
  return b.internal_value(b.output(node).shape, node);
}

void finish_unary(SubgraphBuilder& b, const Node& node, uint32_t target) {
  if (!node.attrs.has_activation()) return;
  define_clamp(b, node, node.attrs.activation_min, node.attrs.activation_max, target,
               b.output_value(node));
}

xnn_unary_operator unary_operator(const Node& node) {
  switch (node.op) {
    case OpType::kSigmoid: return xnn_unary_sigmoid;
    case OpType::kHardSwish: return xnn_unary_hardswish;
    case OpType::kTanh: return xnn_unary_tanh;
    case OpType::kLeakyRelu: return xnn_unary_leaky_relu;
    case OpType::kElu: return xnn_unary_elu;
    case OpType::kAbs: return xnn_unary_abs;
    case OpType::kNeg: return xnn_unary_negate;
    case OpType::kExp: return xnn_unary_exp;
    case OpType::kLog: return xnn_unary_log;
    case OpType::kSqrt: return xnn_unary_square_root;
    case OpType::kFloor: return xnn_unary_floor;
    case OpType::kCeil: return xnn_unary_ceiling;
    case OpType::kRound: return xnn_unary_bankers_rounding;
    case OpType::kSign: return xnn_unary_sign;
    case OpType::kSin: return xnn_unary_sine;
    case OpType::kCos: return xnn_unary_cosine;
    default: unsupported(node, "not a unary XNNPACK op");
  }
}

Attributes no_activation() { return Attributes{}; }

}  // namespace

void lower_binary(SubgraphBuilder& b, const Node& node) {
  if (node.inputs.size() != 2) unsupported(node, "needs exactly two inputs");
  xnn_binary_operator op = xnn_binary_invalid;
  switch (node.op) {
    case OpType::kAdd: op = xnn_binary_add; break;
    case OpType::kSub: op = xnn_binary_subtract; break;
    case OpType::kMul: op = xnn_binary_multiply; break;
    case OpType::kDiv: op = xnn_binary_divide; break;
    case OpType::kMaximum: op = xnn_binary_maximum; break;
    case OpType::kMinimum: op = xnn_binary_minimum; break;
    case OpType::kPRelu: op = xnn_binary_prelu; break;
    case OpType::kSquaredDifference: op = xnn_binary_squared_difference; break;
    default: unsupported(node, "not a binary op");
  }
  define_binary(b, node, op, b.input_value(node, 0), b.input_value(node, 1), b.output_value(node),
                node.attrs);
}

void lower_unary(SubgraphBuilder& b, const Node& node) {
  if (node.op == OpType::kClamp) {
    return define_clamp(b, node, node.attrs.activation_min, node.attrs.activation_max,
                        b.input_value(node, 0), b.output_value(node));
  }
  const xnn_unary_operator op = unary_operator(node);
  xnn_unary_params params{};
  if (node.op == OpType::kLeakyRelu) params.leaky_relu.negative_slope = node.attrs.alpha;
  if (node.op == OpType::kElu) params.elu.alpha = node.attrs.alpha;
  const uint32_t target = unary_target(b, node);
  b.defined(xnn_define_unary(b.get(), op, &params, b.input_value(node, 0), target, 0), node,
            "unary op");
  finish_unary(b, node, target);
}

// 1 / x as a division of a static one by x.
void lower_reciprocal(SubgraphBuilder& b, const Node& node) {
  define_binary(b, node, xnn_binary_divide, b.static_value({1}, {1.f}, node), b.input_value(node, 0),
                b.output_value(node), node.attrs);
}

// XNNPACK's f32 power operator is its scalar reference kernel, so the
// exponents models use (layer normalization's x^2, a root, an inverse) are
// spelled with the vectorized unary and binary operators; any other exponent,
// per element or computed at run time, goes to the power operator.
void lower_pow(SubgraphBuilder& b, const Node& node) {
  const bool constant = b.input(node, 1).is_constant();
  const std::vector<float> exponent = constant ? b.constant_f32(node, 1) : std::vector<float>{};
  const bool one_value = !exponent.empty() && b.input(node, 0).shape == b.output(node).shape &&
                         std::all_of(exponent.begin(), exponent.end(), [&](float e) { return e == exponent[0]; });
  const float p = one_value ? exponent[0] : NAN;
  const bool spelled = p == -1.f || p == 1.f || p == 2.f || p == 3.f || p == 0.5f || p == -0.5f;
  if (!spelled) {
    return define_binary(b, node, xnn_binary_pow, b.input_value(node, 0), b.input_value(node, 1),
                         b.output_value(node), node.attrs);
  }
  if (p == -1.f) return lower_reciprocal(b, node);
  const uint32_t x = b.input_value(node, 0);
  if (p == 3.f) {
    const uint32_t square = b.internal_value(b.output(node).shape, node);
    b.defined(xnn_define_unary(b.get(), xnn_unary_square, nullptr, x, square, 0), node, "square");
    return define_binary(b, node, xnn_binary_multiply, square, x, b.output_value(node), node.attrs);
  }
  if (p == 1.f) {
    return define_clamp(b, node, node.attrs.activation_min, node.attrs.activation_max, x, b.output_value(node));
  }
  xnn_unary_operator op = xnn_unary_invalid;
  if (p == 2.f) op = xnn_unary_square;
  if (p == 0.5f) op = xnn_unary_square_root;
  if (p == -0.5f) op = xnn_unary_reciprocal_square_root;
  const uint32_t target = unary_target(b, node);
  b.defined(xnn_define_unary(b.get(), op, nullptr, x, target, 0), node, "power");
  finish_unary(b, node, target);
}

// XNNPACK has no arc tangent: atan2(y, x) is spelled with its vectorized
// operators. With a = min(|x|, |y|) / max(|x|, |y|) in [0, 1], atan(a) is
// Abramowitz & Stegun's polynomial 4.4.49 (|error| <= 2e-8, below f32's own
// rounding), reflected to pi/2 - atan(a) where |y| > |x|, to pi - r where
// x is negative, and given y's sign, signed zeros included.
void lower_atan2(SubgraphBuilder& b, const Node& node) {
  static constexpr float kCoefficients[] = {0.0028662257f, -0.0161657367f, 0.0429096138f, -0.0752896400f,
                                            0.1065626393f, -0.1420889944f, 0.1999355085f, -0.3333314528f, 1.f};
  constexpr float kPi = 3.14159265358979f;
  const Shape& out = b.output(node).shape;
  const auto scalar = [&](float v) { return b.static_value({1}, {v}, node); };
  const auto temp = [&](const Shape& shape) { return b.internal_value(shape, node); };
  const auto binary = [&](xnn_binary_operator op, uint32_t lhs, uint32_t rhs, float min = -INFINITY,
                          float max = INFINITY) {
    Attributes range;
    range.activation_min = min, range.activation_max = max;
    const uint32_t result = temp(out);
    define_binary(b, node, op, lhs, rhs, result, range);
    return result;
  };
  const auto unary = [&](xnn_unary_operator op, uint32_t in, const Shape& shape) {
    const uint32_t result = temp(shape);
    b.defined(xnn_define_unary(b.get(), op, nullptr, in, result, 0), node, "unary op");
    return result;
  };
  const Shape& y_shape = b.input(node, 0).shape;
  const Shape& x_shape = b.input(node, 1).shape;
  const uint32_t y = b.input_value(node, 0), x = b.input_value(node, 1);
  const uint32_t abs_y = unary(xnn_unary_abs, y, y_shape), abs_x = unary(xnn_unary_abs, x, x_shape);
  // The larger magnitude is kept above zero so that atan2(0, 0) = 0, not 0 / 0.
  const uint32_t larger = binary(xnn_binary_maximum, abs_y, abs_x, FLT_MIN);
  const uint32_t ratio = binary(xnn_binary_divide, binary(xnn_binary_minimum, abs_y, abs_x), larger);
  const uint32_t square = unary(xnn_unary_square, ratio, out);
  uint32_t poly = scalar(kCoefficients[0]);
  for (size_t k = 1; k < std::size(kCoefficients); ++k)
    poly = binary(xnn_binary_add, binary(xnn_binary_multiply, poly, square), scalar(kCoefficients[k]));
  uint32_t angle = binary(xnn_binary_multiply, ratio, poly);
  // angle + mask * (base - 2 angle): base - angle where the mask is 1.
  const auto reflect = [&](uint32_t mask, float base) {
    const uint32_t flipped = binary(xnn_binary_add, binary(xnn_binary_multiply, angle, scalar(-2.f)), scalar(base));
    return binary(xnn_binary_add, angle, binary(xnn_binary_multiply, mask, flipped));
  };
  // 1 where |y| > |x| (the sign of their difference, clamped to [0, 1]).
  const uint32_t steep = binary(xnn_binary_subtract, abs_y, abs_x);
  angle = reflect(binary(xnn_binary_maximum, unary(xnn_unary_sign, steep, out), scalar(0.f)), kPi / 2);
  // sign(sign(v) + sign(1 / v)) is v's sign bit as -1 or 1, -0 included
  // (1 / -0 = -inf), as atan2 reads it: atan2(+-0, -1) = +-pi, atan2(0, -0) = pi.
  const auto sign_bit = [&](uint32_t v, const Shape& shape) {
    const uint32_t inverse = temp(shape);
    b.defined(xnn_define_binary(b.get(), xnn_binary_divide, nullptr, scalar(1.f), v, inverse, 0), node, "divide");
    const uint32_t both = temp(shape);
    b.defined(xnn_define_binary(b.get(), xnn_binary_add, nullptr, unary(xnn_unary_sign, v, shape),
                                unary(xnn_unary_sign, inverse, shape), both, 0),
              node, "add");
    return unary(xnn_unary_sign, both, shape);
  };
  // 1 where x is negative: -sign_bit(x) clamped to [0, 1].
  angle = reflect(binary(xnn_binary_multiply, sign_bit(x, x_shape), scalar(-1.f), 0.f, 1.f), kPi);
  const uint32_t y_sign = sign_bit(y, y_shape);
  define_binary(b, node, xnn_binary_multiply, angle, y_sign, b.output_value(node), node.attrs);
}

// clamp(alpha * x + beta, 0, 1) = Add(Mul(x, alpha), beta) with a [0, 1] clamp.
void lower_hard_sigmoid(SubgraphBuilder& b, const Node& node) {
  const Shape& shape = b.output(node).shape;
  const uint32_t alpha = b.static_value({1}, {node.attrs.alpha}, node);
  const uint32_t beta = b.static_value({1}, {node.attrs.beta}, node);
  const uint32_t scaled = b.internal_value(shape, node);
  define_binary(b, node, xnn_binary_multiply, b.input_value(node, 0), alpha, scaled,
                no_activation());
  Attributes clamp;
  clamp.activation_min = std::max(0.f, node.attrs.activation_min);
  clamp.activation_max = std::min(1.f, node.attrs.activation_max);
  define_binary(b, node, xnn_binary_add, scaled, beta, b.output_value(node), clamp);
}

// x * sigmoid(x)
void lower_swish(SubgraphBuilder& b, const Node& node) {
  const uint32_t x = b.input_value(node, 0);
  const uint32_t gate = b.internal_value(b.output(node).shape, node);
  b.defined(xnn_define_unary(b.get(), xnn_unary_sigmoid, nullptr, x, gate, 0), node, "sigmoid");
  define_binary(b, node, xnn_binary_multiply, x, gate, b.output_value(node), node.attrs);
}

// A BatchNorm the passes could not fold: x * scale' + shift' per channel, with
// the channel axis last (NHWC, or [N, C]).
void lower_batch_norm(SubgraphBuilder& b, const Node& node) {
  const Tensor& x = b.input(node, 0);
  if (x.shape.size() != 4 && x.shape.size() != 2) unsupported(node, "needs a 2-D or NHWC input");
  if (x.shape.size() == 4 && x.layout == Layout::kNCHW) unsupported(node, "needs an NHWC input");
  const int64_t channels = x.shape.back();
  const std::vector<float> scale = b.constant_f32(node, 1), bias = b.constant_f32(node, 2),
                           mean = b.constant_f32(node, 3), var = b.constant_f32(node, 4);
  for (const auto* v : {&scale, &bias, &mean, &var}) {
    if (static_cast<int64_t>(v->size()) != channels) unsupported(node, "parameter size != channels");
  }
  std::vector<float> multiplier(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    multiplier[c] = scale[c] / std::sqrt(var[c] + node.attrs.epsilon);
    shift[c] = bias[c] - mean[c] * multiplier[c];
  }
  const uint32_t scaled = b.internal_value(x.shape, node);
  define_binary(b, node, xnn_binary_multiply, b.input_value(node, 0),
                b.static_value({channels}, std::move(multiplier), node), scaled, no_activation());
  define_binary(b, node, xnn_binary_add, scaled, b.static_value({channels}, std::move(shift), node),
                b.output_value(node), node.attrs);
}

}  // namespace xnn
}  // namespace garden
