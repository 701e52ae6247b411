// multiply_by_reciprocals on hand-built graphs: divisions by constants become
// multiplications by their reciprocals, and the reference evaluator gives the
// same outputs before and after within max |after - before| <= 1e-6 * max |before|
// (x * (1/c) and x / c differ by about one ulp).
#include <catch2/catch.hpp>

#include <cmath>

#include "graph/graph_utils.h"
#include "graph/passes.h"
#include "support/graph_builder.h"
#include "pass_check.h"

using namespace garden;
using namespace garden_test;

namespace {

constexpr float kTolerance = 1e-6f;  // relative to the largest reference magnitude

Graph rewrite_and_compare(GraphBuilder& b) {
  return apply_clean_and_compare(b.graph(), b.random_inputs(), multiply_by_reciprocals, kTolerance);
}

}  // namespace

TEST_CASE("multiply_by_reciprocals turns scalar and per-channel divisors into factors",
          "[passes][reciprocals]") {
  GraphBuilder b(Layout::kNCHW, 31);
  const TensorId x = b.image_input(1, 3, 4, 4);
  const TensorId by_scalar = b.binary(OpType::kDiv, x, b.constant({1}, {6.f}));
  b.output(b.binary(OpType::kDiv, by_scalar, b.constant({3, 1, 1}, {0.5f, -3.f, 7.f})));
  const Graph after = rewrite_and_compare(b);
  REQUIRE(count_ops(after, OpType::kDiv) == 0);
  REQUIRE(count_ops(after, OpType::kMul) == 2);
  const Tensor& sixth = after.tensor(after.nodes[0].inputs[1]);
  CHECK(sixth.shape == Shape{1});
  CHECK(constant_as_f32(sixth) == std::vector<float>{1.f / 6.f});
  const Tensor& per_channel = after.tensor(after.nodes[1].inputs[1]);
  CHECK(per_channel.shape == Shape{3, 1, 1});
  CHECK(constant_as_f32(per_channel) == std::vector<float>{2.f, 1.f / -3.f, 1.f / 7.f});
}

TEST_CASE("multiply_by_reciprocals leaves a shared divisor's values to its other readers",
          "[passes][reciprocals]") {
  GraphBuilder b(Layout::kNCHW, 32);
  const TensorId x = b.image_input(1, 2, 3, 3);
  const TensorId four = b.constant({1}, {4.f});
  b.output(b.binary(OpType::kDiv, x, four));
  b.output(b.binary(OpType::kAdd, x, four));
  const Graph after = rewrite_and_compare(b);
  REQUIRE(after.nodes[0].op == OpType::kMul);
  REQUIRE(after.nodes[1].op == OpType::kAdd);
  CHECK(constant_as_f32(after.tensor(after.nodes[0].inputs[1])) == std::vector<float>{0.25f});
  CHECK(constant_as_f32(after.tensor(after.nodes[1].inputs[1])) == std::vector<float>{4.f});
}

TEST_CASE("multiply_by_reciprocals keeps divisions it cannot rewrite exactly enough",
          "[passes][reciprocals]") {
  GraphBuilder b(Layout::kNCHW, 33);
  const TensorId x = b.image_input(1, 2, 3, 3);
  const TensorId y = b.image_input(1, 2, 3, 3);
  b.output(b.binary(OpType::kDiv, x, y));                                    // not a constant
  b.output(b.binary(OpType::kDiv, b.constant({1}, {2.f}), x));               // constant numerator
  b.output(b.binary(OpType::kDiv, x, b.constant({2, 1, 1}, {0.f, 1.f})));    // a zero
  b.output(b.binary(OpType::kDiv, x, b.constant({1}, {INFINITY})));          // not finite
  b.output(b.binary(OpType::kDiv, x, b.constant({1}, {1e38f})));             // 1/c is denormal
  Graph after = b.graph();
  multiply_by_reciprocals(after);
  after.validate();
  CHECK(count_ops(after, OpType::kDiv) == 5);
  CHECK(count_ops(after, OpType::kMul) == 0);
  CHECK(after.tensors.size() == b.graph().tensors.size());
}
