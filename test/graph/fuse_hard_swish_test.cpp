// fuse_hard_swish on hand-built graphs in the spellings exporters use: the
// rewritten graph must have the fused node and none of the element-wise nodes
// it replaces, and the reference evaluator must give the same outputs before
// and after within max |after - before| <= 1e-6 * max |before|, on inputs in
// [-5, 5] so that both ends of the clip are reached.
#include <catch2/catch.hpp>

#include <cmath>

#include "graph/passes.h"
#include "support/graph_builder.h"
#include "pass_check.h"

using namespace garden;
using namespace garden_test;

namespace {

constexpr float kTolerance = 1e-6f;  // relative to the largest reference magnitude
constexpr float kInputRange = 5.f;

std::vector<std::vector<float>> wide_inputs(GraphBuilder& b) {
  std::vector<std::vector<float>> inputs;
  for (TensorId id : b.graph().inputs)
    inputs.push_back(b.random_values(static_cast<size_t>(element_count(b.graph().tensor(id).shape)),
                                     -kInputRange, kInputRange));
  return inputs;
}

// Runs fuse_hard_swish (then remove_dead_code) and checks the outputs are kept.
Graph fuse_and_compare(GraphBuilder& b) {
  return apply_clean_and_compare(b.graph(), wide_inputs(b), fuse_hard_swish, kTolerance);
}

TensorId scalar(GraphBuilder& b, float value) { return b.constant({1}, {value}); }

// clip(x + 3, 0, 6), with the constant on either side of the Add.
TensorId gate(GraphBuilder& b, TensorId x, bool constant_first = false) {
  const TensorId three = scalar(b, 3.f);
  const TensorId sum = constant_first ? b.binary(OpType::kAdd, three, x) : b.binary(OpType::kAdd, x, three);
  return b.clamp(sum, 0.f, 6.f);
}

void require_only_element_wise(const Graph& g, OpType fused, int count) {
  CHECK(count_ops(g, fused) == count);
  CHECK(count_ops(g, OpType::kAdd) == 0);
  CHECK(count_ops(g, OpType::kClamp) == 0);
  CHECK(count_ops(g, OpType::kMul) == 0);
  CHECK(count_ops(g, OpType::kDiv) == 0);
}

const Node& only_node(const Graph& g, OpType op) {
  for (const Node& node : g.nodes)
    if (node.op == op) return node;
  FAIL("no " << op_name(op) << " node");
  return g.nodes.front();
}

}  // namespace

TEST_CASE("fuse_hard_swish: Paddle's Add, Clip, Mul, Div becomes one HardSwish", "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNCHW, 21);
  const TensorId x = b.conv(b.image_input(1, 3, 6, 6), 4, 3, 1, 1);
  const TensorId product = b.binary(OpType::kMul, x, gate(b, x));
  b.output(b.binary(OpType::kDiv, product, scalar(b, 6.f)));
  REQUIRE(b.graph().nodes.size() == 5);
  const Graph after = fuse_and_compare(b);
  REQUIRE(after.nodes.size() == 2);
  require_only_element_wise(after, OpType::kHardSwish, 1);
  CHECK(after.nodes[1].inputs[0] == after.nodes[0].outputs[0]);  // reads the conv's output
  CHECK(after.nodes[1].outputs[0] == after.outputs[0]);
}

TEST_CASE("fuse_hard_swish: operand orders, Mul by 1/6 and the clamp already on the Add",
          "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNHWC, 22);
  const TensorId x = b.image_input(1, 3, 4, 4);
  // Mul(g, x), Add(3, x), Mul(1/6, .)
  const TensorId swapped = b.binary(OpType::kMul, gate(b, x, /*constant_first=*/true), x);
  b.output(b.binary(OpType::kMul, scalar(b, 1.f / 6.f), swapped));
  // Mul(x, g) * (1/6), with the divisor as a per-channel constant of equal values
  const TensorId y = b.image_input(1, 3, 4, 4);
  const TensorId product = b.binary(OpType::kMul, y, gate(b, y));
  b.output(b.binary(OpType::kMul, product, b.constant({3}, {1.f / 6.f, 1.f / 6.f, 1.f / 6.f})));
  // Add carrying the [0, 6] clamp itself, as fuse_activations leaves it
  const TensorId z = b.image_input(1, 3, 4, 4);
  Attributes relu6;
  relu6.activation_min = 0.f;
  relu6.activation_max = 6.f;
  const TensorId clamped_sum =
      b.node(OpType::kAdd, {z, scalar(b, 3.f)}, b.graph().tensor(z).shape, Layout::kNHWC, relu6);
  b.output(b.binary(OpType::kDiv, b.binary(OpType::kMul, z, clamped_sum), scalar(b, 6.f)));

  const Graph after = fuse_and_compare(b);
  REQUIRE(after.nodes.size() == 3);
  require_only_element_wise(after, OpType::kHardSwish, 3);
  for (size_t i = 0; i < 3; ++i) CHECK(after.nodes[i].inputs[0] == after.inputs[i]);
}

TEST_CASE("fuse_hard_swish: a clip(x + 3, 0, 6) / 6 gate becomes HardSigmoid", "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNCHW, 23);
  const TensorId x = b.image_input(1, 4, 5, 5);
  // Squeeze-and-excitation: the gate is computed from pooled x and scales x.
  const TensorId pooled = b.conv(b.global_average_pool(x), 4, 1);
  const TensorId attention = b.binary(OpType::kDiv, gate(b, pooled), scalar(b, 6.f));
  b.output(b.binary(OpType::kMul, x, attention));
  const Graph after = fuse_and_compare(b);
  CHECK(count_ops(after, OpType::kHardSigmoid) == 1);
  CHECK(count_ops(after, OpType::kAdd) == 0);
  CHECK(count_ops(after, OpType::kClamp) == 0);
  CHECK(count_ops(after, OpType::kDiv) == 0);
  CHECK(count_ops(after, OpType::kMul) == 1);  // the SE product, which reads another tensor
  const Node& hard_sigmoid = only_node(after, OpType::kHardSigmoid);
  CHECK(hard_sigmoid.attrs.alpha == Approx(1.0 / 6.0).epsilon(1e-7));
  CHECK(hard_sigmoid.attrs.beta == 0.5f);
  CHECK(hard_sigmoid.inputs[0] == after.nodes[1].outputs[0]);  // the conv's output
}

TEST_CASE("fuse_hard_swish: x * (clip(x + 3, 0, 6) / 6) becomes HardSwish through HardSigmoid",
          "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNCHW, 24);
  const TensorId x = b.image_input(1, 2, 3, 3);
  const TensorId sixth = b.binary(OpType::kMul, gate(b, x), scalar(b, 1.f / 6.f));
  b.output(b.binary(OpType::kMul, x, sixth));
  const Graph after = fuse_and_compare(b);
  REQUIRE(after.nodes.size() == 1);
  require_only_element_wise(after, OpType::kHardSwish, 1);
  CHECK(count_ops(after, OpType::kHardSigmoid) == 0);
}

TEST_CASE("fuse_hard_swish keeps the last node's clamp", "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNCHW, 25);
  const TensorId x = b.image_input(1, 2, 4, 4);
  const TensorId product = b.binary(OpType::kMul, x, gate(b, x));
  const TensorId divided = b.binary(OpType::kDiv, product, scalar(b, 6.f));
  b.graph().nodes.back().attrs.activation_max = 1.5f;
  b.output(divided);
  const Graph after = fuse_and_compare(b);
  REQUIRE(after.nodes.size() == 1);
  CHECK(after.nodes[0].op == OpType::kHardSwish);
  CHECK(after.nodes[0].attrs.activation_max == 1.5f);
}

TEST_CASE("fuse_hard_swish accepts divisors within 1e-6 relative of 6", "[passes][hard_swish]") {
  for (float relative : {5e-7f, -5e-7f}) {
    GraphBuilder b(Layout::kNCHW, 26);
    const TensorId x = b.image_input(1, 2, 3, 3);
    const TensorId product = b.binary(OpType::kMul, x, gate(b, x));
    b.output(b.binary(OpType::kDiv, product, scalar(b, 6.f * (1.f + relative))));
    const Graph after = fuse_and_compare(b);
    CHECK(after.nodes.size() == 1);
    CHECK(count_ops(after, OpType::kHardSwish) == 1);
  }
}

TEST_CASE("fuse_hard_swish leaves near misses alone", "[passes][hard_swish]") {
  GraphBuilder b(Layout::kNCHW, 27);
  const auto hard_swish_of = [&](TensorId x, float three, float low, float high, float six) {
    const TensorId g = b.clamp(b.binary(OpType::kAdd, x, scalar(b, three)), low, high);
    return b.binary(OpType::kDiv, b.binary(OpType::kMul, x, g), scalar(b, six));
  };
  b.output(hard_swish_of(b.image_input(1, 2, 3, 3), 3.1f, 0.f, 6.f, 6.f));           // not + 3
  b.output(hard_swish_of(b.image_input(1, 2, 3, 3), 3.f, 0.f, 5.f, 6.f));            // not clip to [0, 6]
  b.output(hard_swish_of(b.image_input(1, 2, 3, 3), 3.f, 0.f, 6.f, 6.f * 1.00001f)); // not / 6
  b.output(hard_swish_of(b.image_input(1, 2, 3, 3), 3.f, -1.f, 6.f, 6.f));           // not clip to [0, 6]
  // The other factor is not x.
  const TensorId x = b.image_input(1, 2, 3, 3);
  const TensorId other = b.image_input(1, 2, 3, 3);
  b.output(b.binary(OpType::kDiv, b.binary(OpType::kMul, other, gate(b, x)), scalar(b, 6.f)));
  // A non-constant "3".
  const TensorId w = b.image_input(1, 2, 3, 3);
  const TensorId sum = b.binary(OpType::kAdd, w, b.image_input(1, 2, 3, 3));
  b.output(b.binary(OpType::kDiv, b.binary(OpType::kMul, w, b.clamp(sum, 0.f, 6.f)), scalar(b, 6.f)));
  const size_t nodes_before = b.graph().nodes.size();
  const Graph after = fuse_and_compare(b);
  CHECK(after.nodes.size() == nodes_before);
  CHECK(count_ops(after, OpType::kHardSwish) == 0);
  CHECK(count_ops(after, OpType::kHardSigmoid) == 0);
}

TEST_CASE("fuse_hard_swish keeps intermediates that are read elsewhere or are outputs",
          "[passes][hard_swish]") {
  SECTION("the gate is also a graph output") {
    GraphBuilder b(Layout::kNCHW, 28);
    const TensorId x = b.image_input(1, 2, 3, 3);
    const TensorId g = gate(b, x);
    b.output(b.binary(OpType::kDiv, b.binary(OpType::kMul, x, g), scalar(b, 6.f)));
    b.output(g);
    const Graph after = fuse_and_compare(b);
    CHECK(after.nodes.size() == 4);
    CHECK(count_ops(after, OpType::kHardSwish) == 0);
  }
  SECTION("the sum before the clip has a second reader") {
    GraphBuilder b(Layout::kNCHW, 29);
    const TensorId x = b.image_input(1, 2, 3, 3);
    const TensorId sum = b.binary(OpType::kAdd, x, scalar(b, 3.f));
    const TensorId product = b.binary(OpType::kMul, x, b.clamp(sum, 0.f, 6.f));
    b.output(b.binary(OpType::kDiv, product, scalar(b, 6.f)));
    b.output(b.unary(OpType::kSigmoid, sum));
    const Graph after = fuse_and_compare(b);
    CHECK(count_ops(after, OpType::kHardSwish) == 0);
    CHECK(count_ops(after, OpType::kHardSigmoid) == 0);
  }
  SECTION("the product has a second reader: no HardSwish, and the gate is no HardSigmoid") {
    GraphBuilder b(Layout::kNCHW, 30);
    const TensorId x = b.image_input(1, 2, 3, 3);
    const TensorId product = b.binary(OpType::kMul, x, gate(b, x));
    b.output(b.binary(OpType::kDiv, product, scalar(b, 6.f)));
    b.output(b.binary(OpType::kAdd, product, x));
    const Graph after = fuse_and_compare(b);
    CHECK(after.nodes.size() == 5);
    CHECK(count_ops(after, OpType::kHardSwish) == 0);
  }
}
