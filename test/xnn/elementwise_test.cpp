// Binary and unary element-wise ops, including the ones built from others
// (HardSigmoid, Swish, BatchNorm), vs the reference evaluator.
#include "session_check.h"

using namespace garden_test;

namespace {

void run_binary(OpType op, const Shape& a, const Shape& b, const Shape& out, bool b_constant,
                Attributes attrs = {}) {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input(a);
  // Divisors kept away from zero so the comparison measures arithmetic, not blow-up.
  const TensorId y = b_constant ? (op == OpType::kDiv ? m.random_constant(b, 0.5f, 2.f) : m.random_constant(b))
                                : m.input(b);
  m.output(m.node(op, {x, y}, out, attrs));
  check_against_reference(m.graph());
}

void run_unary(OpType op, Attributes attrs = {}) {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({1, 5, 6, 7});
  // Scale the input so the interesting range of each activation is covered.
  const TensorId scaled = m.node(OpType::kMul, {x, m.constant({1}, {4.f})}, {1, 5, 6, 7});
  m.output(m.node(op, {scaled}, {1, 5, 6, 7}, attrs));
  check_against_reference(m.graph());
}

// For ops defined on positive numbers: op(|4x| + 0.01).
void run_unary_on_positive(OpType op) {
  GraphBuilder m(Layout::kNHWC);
  const Shape shape{1, 5, 6, 7};
  const TensorId scaled = m.node(OpType::kMul, {m.input(shape), m.constant({1}, {4.f})}, shape);
  const TensorId positive = m.node(OpType::kAdd, {m.node(OpType::kAbs, {scaled}, shape), m.constant({1}, {0.01f})}, shape);
  m.output(m.node(op, {positive}, shape));
  check_against_reference(m.graph());
}

Attributes clamp(float lo, float hi) {
  Attributes a;
  a.activation_min = lo;
  a.activation_max = hi;
  return a;
}

}  // namespace

TEST_CASE("Binary ops with broadcasting match the reference", "[xnn][elementwise]") {
  SECTION("Add, same shapes") { run_binary(OpType::kAdd, {1, 4, 5, 8}, {1, 4, 5, 8}, {1, 4, 5, 8}, false); }
  SECTION("Add with fused relu") {
    run_binary(OpType::kAdd, {1, 4, 5, 8}, {1, 4, 5, 8}, {1, 4, 5, 8}, false, clamp(0.f, INFINITY));
  }
  SECTION("Mul by a per-channel constant") {
    run_binary(OpType::kMul, {1, 4, 5, 8}, {1, 1, 1, 8}, {1, 4, 5, 8}, true);
  }
  SECTION("Sub of a rank-1 constant") { run_binary(OpType::kSub, {1, 4, 5, 8}, {8}, {1, 4, 5, 8}, true); }
  SECTION("Div, both sides broadcast") {
    run_binary(OpType::kDiv, {1, 4, 1, 8}, {1, 1, 5, 1}, {1, 4, 5, 8}, true);
  }
  SECTION("Mul, SE-style gate from two activations") {
    run_binary(OpType::kMul, {1, 6, 6, 16}, {1, 1, 1, 16}, {1, 6, 6, 16}, false);
  }
  SECTION("Add of a scalar with relu6") {
    run_binary(OpType::kAdd, {2, 9}, {1}, {2, 9}, true, clamp(0.f, 6.f));
  }
  SECTION("Maximum of two activations, broadcast") {
    run_binary(OpType::kMaximum, {1, 4, 5, 8}, {1, 4, 1, 8}, {1, 4, 5, 8}, false);
  }
  SECTION("Minimum with a rank-1 constant and a fused clamp") {
    run_binary(OpType::kMinimum, {1, 4, 5, 8}, {8}, {1, 4, 5, 8}, true, clamp(-0.5f, INFINITY));
  }
  SECTION("PRelu with a per-channel slope") {
    run_binary(OpType::kPRelu, {1, 4, 5, 8}, {1, 1, 1, 8}, {1, 4, 5, 8}, true);
  }
  SECTION("SquaredDifference, both sides broadcast") {
    run_binary(OpType::kSquaredDifference, {1, 4, 1, 8}, {1, 1, 5, 1}, {1, 4, 5, 8}, false);
  }
}

TEST_CASE("Atan2, spelled with XNNPACK's operators, matches the reference in every quadrant", "[xnn][elementwise]") {
  SECTION("two activations, broadcast") { run_binary(OpType::kAtan2, {1, 4, 1, 8}, {1, 1, 5, 1}, {1, 4, 5, 8}, false); }
  SECTION("over a constant, with a fused clamp") {
    run_binary(OpType::kAtan2, {1, 4, 5, 8}, {8}, {1, 4, 5, 8}, true, clamp(-1.f, 2.f));
  }
  SECTION("on the axes and at the origin") {
    // Every (x, y) of {-2, -1, -0.5, 0, 0.5, 1, 2}^2: zeros, equal magnitudes and each quadrant.
    const std::vector<float> axis{-2.f, -1.f, -0.5f, 0.f, 0.5f, 1.f, 2.f};
    GraphBuilder m(Layout::kNHWC);
    const TensorId y = m.constant({7, 1}, axis), x = m.constant({1, 7}, axis);
    const TensorId scale = m.input({1});
    const TensorId scaled_y = m.node(OpType::kMul, {y, scale}, {7, 1});
    m.output(m.node(OpType::kAtan2, {scaled_y, x}, {7, 7}));
    check_against_reference(m.graph());
  }
}

TEST_CASE("Pow with a constant exponent matches the reference", "[xnn][elementwise]") {
  // On |4x| + 0.01, where every exponent is defined.
  const Shape shape{1, 5, 6, 7};
  for (float exponent : {2.f, 3.f, 0.5f, -0.5f, -1.f, 1.f}) {
    INFO("exponent " << exponent);
    GraphBuilder m(Layout::kNHWC);
    const TensorId scaled = m.node(OpType::kMul, {m.input(shape), m.constant({1}, {4.f})}, shape);
    const TensorId positive =
        m.node(OpType::kAdd, {m.node(OpType::kAbs, {scaled}, shape), m.constant({1}, {0.01f})}, shape);
    m.output(m.node(OpType::kPow, {positive, m.constant({1}, {exponent})}, shape));
    check_against_reference(m.graph());
  }
}

TEST_CASE("Pow with any other exponent runs on XNNPACK's power operator", "[xnn][elementwise]") {
  // Bases |4x| + 0.01, so that every exponent gives a real number.
  const Shape shape{1, 4, 4, 3};
  const auto positive_input = [&](GraphBuilder& m) {
    const TensorId scaled = m.node(OpType::kMul, {m.input(shape), m.constant({1}, {4.f})}, shape);
    return m.node(OpType::kAdd, {m.node(OpType::kAbs, {scaled}, shape), m.constant({1}, {0.01f})}, shape);
  };
  SECTION("one constant exponent outside the spelled ones") {
    GraphBuilder m(Layout::kNHWC);
    m.output(m.node(OpType::kPow, {positive_input(m), m.constant({1}, {1.7f})}, shape));
    check_against_reference(m.graph());
  }
  SECTION("exponents that differ per channel") {
    GraphBuilder m(Layout::kNHWC);
    m.output(m.node(OpType::kPow, {positive_input(m), m.constant({3}, {2.f, -1.5f, 3.f})}, shape));
    check_against_reference(m.graph());
  }
  SECTION("an exponent computed at run time") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId base = positive_input(m);
    m.output(m.node(OpType::kPow, {base, m.node(OpType::kSin, {base}, shape)}, shape));
    check_against_reference(m.graph());
  }
}

TEST_CASE("Unary ops match the reference", "[xnn][elementwise]") {
  SECTION("Clamp (relu6)") { run_unary(OpType::kClamp, clamp(0.f, 6.f)); }
  SECTION("Sigmoid") { run_unary(OpType::kSigmoid); }
  SECTION("Tanh") { run_unary(OpType::kTanh); }
  SECTION("HardSwish") { run_unary(OpType::kHardSwish); }
  SECTION("Swish") { run_unary(OpType::kSwish); }
  SECTION("LeakyRelu alpha 0.01 (ONNX default)") {
    Attributes a;
    a.alpha = 0.01f;
    run_unary(OpType::kLeakyRelu, a);
  }
  SECTION("LeakyRelu alpha 0.2 with a fused clamp") {
    Attributes a = clamp(-0.1f, 0.7f);
    a.alpha = 0.2f;
    run_unary(OpType::kLeakyRelu, a);
  }
  SECTION("Elu alpha 0.7") {
    Attributes a;
    a.alpha = 0.7f;
    run_unary(OpType::kElu, a);
  }
  SECTION("Abs") { run_unary(OpType::kAbs); }
  SECTION("Neg") { run_unary(OpType::kNeg); }
  SECTION("Exp") { run_unary(OpType::kExp); }
  SECTION("Log") { run_unary_on_positive(OpType::kLog); }
  SECTION("Sqrt") { run_unary_on_positive(OpType::kSqrt); }
  SECTION("Floor") { run_unary(OpType::kFloor); }
  SECTION("Ceil") { run_unary(OpType::kCeil); }
  SECTION("Round (halves to even)") { run_unary(OpType::kRound); }
  SECTION("Sign") { run_unary(OpType::kSign); }
  SECTION("Reciprocal") { run_unary_on_positive(OpType::kReciprocal); }
  SECTION("Sin") { run_unary(OpType::kSin); }
  SECTION("Cos") { run_unary(OpType::kCos); }
  SECTION("Sigmoid with a fused clamp") { run_unary(OpType::kSigmoid, clamp(0.2f, 0.7f)); }
  SECTION("HardSigmoid alpha 0.2 beta 0.5 (ONNX default)") {
    Attributes a;
    a.alpha = 0.2f;
    a.beta = 0.5f;
    run_unary(OpType::kHardSigmoid, a);
  }
  SECTION("HardSigmoid alpha 1/6 beta 0.5 (PyTorch)") {
    Attributes a;
    a.alpha = 1.f / 6.f;
    a.beta = 0.5f;
    run_unary(OpType::kHardSigmoid, a);
  }
}

TEST_CASE("An unfolded BatchNorm matches the reference", "[xnn][elementwise]") {
  GraphBuilder m(Layout::kNHWC);
  const TensorId x = m.input({1, 4, 5, 6});
  const TensorId y = m.node(OpType::kBatchNorm,
                            {x, m.random_constant({6}), m.random_constant({6}), m.random_constant({6}),
                             m.random_constant({6}, 0.5f, 2.f)},
                            {1, 4, 5, 6});
  m.output(y);
  check_against_reference(m.graph());
}
