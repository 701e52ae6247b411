// fold_channel_affine on hand-built graphs: per-channel and scalar Mul / Add /
// Sub after convolutions and fully connected layers go into their weights, and
// the reference evaluator gives the same outputs before and after within
// max |after - before| <= 1e-6 * max |before| (folding only reorders a few
// float roundings).
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

Graph fold_and_compare(GraphBuilder& b) {
  return apply_clean_and_compare(b.graph(), b.random_inputs(), fold_channel_affine, kTolerance);
}

int element_wise_count(const Graph& g) {
  return count_ops(g, OpType::kMul) + count_ops(g, OpType::kAdd) + count_ops(g, OpType::kSub);
}

}  // namespace

TEST_CASE("fold_channel_affine: Conv, Mul(scalar), Add(scalar) becomes one Conv", "[passes][affine]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout, 41);
    const TensorId x = b.image_input(1, 3, 6, 6);
    const TensorId scaled = b.binary(OpType::kMul, b.conv(x, 4, 3, 1, 1), b.constant({1}, {1.7f}));
    b.output(b.binary(OpType::kAdd, b.constant({1}, {-0.3f}), scaled));  // constant first
    const Graph after = fold_and_compare(b);
    REQUIRE(after.nodes.size() == 1);
    CHECK(after.nodes[0].op == OpType::kConv2D);
    CHECK(after.nodes[0].outputs[0] == after.outputs[0]);
  }
}

TEST_CASE("fold_channel_affine: per-channel vectors, a bias-less depthwise conv, Sub and the last clamp",
          "[passes][affine]") {
  GraphBuilder b(Layout::kNCHW, 42);
  const TensorId x = b.image_input(2, 4, 5, 5);
  const TensorId dw = b.conv(x, 4, 3, 1, 1, /*groups=*/4, /*bias=*/false);
  const TensorId scaled = b.binary(OpType::kMul, dw, b.random_constant({4, 1, 1}, 0.5f, 2.f));
  const TensorId shifted = b.binary(OpType::kSub, scaled, b.random_constant({1, 4, 1, 1}));
  b.output(b.clamp(b.binary(OpType::kAdd, shifted, b.random_constant({4, 1, 1})), 0.f, 6.f));
  // The clamp stays a node: fold_channel_affine does not fuse activations.
  Graph after = fold_and_compare(b);
  REQUIRE(after.nodes.size() == 2);
  CHECK(after.nodes[0].op == OpType::kConv2D);
  CHECK(after.nodes[0].inputs.size() == 3);  // a bias was added
  CHECK(after.nodes[1].op == OpType::kClamp);
}

TEST_CASE("fold_channel_affine: fully connected and transposed convolution", "[passes][affine]") {
  GraphBuilder b(Layout::kNHWC, 43);
  const TensorId v = b.input({3, 5}, Layout::kAny);
  b.output(b.binary(OpType::kMul, b.fully_connected(v, 6), b.random_constant({6})));
  const TensorId x = b.image_input(1, 4, 3, 3);
  Attributes up;
  up.stride = {2, 2};
  const TensorId deconv = b.node(OpType::kConvTranspose2D, {x, b.random_constant({2, 2, 2, 4})},
                                 b.image_shape(1, 2, 6, 6), Layout::kNHWC, up);
  b.output(b.binary(OpType::kAdd, deconv, b.random_constant({2})));
  const Graph after = fold_and_compare(b);
  CHECK(element_wise_count(after) == 0);
  CHECK(count_ops(after, OpType::kFullyConnected) == 1);
  CHECK(count_ops(after, OpType::kConvTranspose2D) == 1);
}

TEST_CASE("fold_channel_affine leaves what it cannot fold", "[passes][affine]") {
  GraphBuilder b(Layout::kNCHW, 44);
  const TensorId x = b.image_input(1, 3, 4, 4);
  // The conv output has a second reader.
  const TensorId shared = b.conv(x, 2, 1);
  b.output(b.binary(OpType::kMul, shared, b.constant({1}, {2.f})));
  b.output(b.unary(OpType::kSigmoid, shared));
  // Varies along W, not per channel.
  b.output(b.binary(OpType::kMul, b.conv(x, 2, 1), b.random_constant({4})));
  // A non-constant factor.
  b.output(b.binary(OpType::kAdd, b.conv(x, 2, 1), b.image_input(1, 2, 4, 4)));
  // t - y negates y.
  b.output(b.binary(OpType::kSub, b.constant({1}, {1.f}), b.conv(x, 2, 1)));
  // Widens the output (broadcast to batch 2).
  b.output(b.binary(OpType::kAdd, b.conv(x, 2, 1), b.random_constant({2, 2, 1, 1})));
  // The conv already carries a clamp.
  const TensorId clamped = b.conv(x, 2, 1);
  b.graph().nodes.back().attrs.activation_min = 0.f;
  b.output(b.binary(OpType::kMul, clamped, b.constant({1}, {3.f})));
  // The conv output is a graph output.
  const TensorId visible = b.conv(x, 2, 1);
  b.output(visible);
  b.output(b.binary(OpType::kAdd, visible, b.constant({1}, {1.f})));
  const size_t nodes_before = b.graph().nodes.size();
  const Graph after = fold_and_compare(b);
  CHECK(after.nodes.size() == nodes_before);
  CHECK(element_wise_count(after) == 7);
}
