// Each pass on small graphs with seeded random weights: the reference
// evaluator must give the same outputs before and after, within
// max |after - before| <= 1e-5 * max |before|, and the pass must have its
// structural effect.
#include <catch2/catch.hpp>

#include <cmath>

#include "graph/passes.h"
#include "support/graph_builder.h"
#include "pass_check.h"

using namespace garden;
using namespace garden_test;

namespace {

constexpr float kTolerance = 1e-5f;  // relative to the largest reference magnitude

// Runs `pass` on the builder's graph and checks that outputs are preserved.
template <typename Pass>
Graph apply_and_compare(GraphBuilder& b, Pass pass) {
  const auto inputs = b.random_inputs();
  return garden_test::apply_and_compare(b.graph(), inputs, pass, kTolerance);
}

bool is_boundary(const Graph& g, TensorId id) {
  for (TensorId t : g.inputs) if (t == id) return true;
  for (TensorId t : g.outputs) if (t == id) return true;
  return false;
}

// After convert_to_nhwc: every 4-D activation is NHWC, except graph inputs and
// outputs and the NCHW views at layout boundaries (Transpose <-> Reshape / FC).
void require_nhwc_inside(const Graph& g) {
  std::vector<bool> at_transpose(g.tensors.size(), false);
  for (const Node& node : g.nodes)
    if (node.op == OpType::kTranspose) at_transpose[static_cast<size_t>(node.inputs[0])] =
        at_transpose[static_cast<size_t>(node.outputs[0])] = true;
  for (const Node& node : g.nodes)
    for (TensorId id : node.outputs) {
      const Tensor& t = g.tensor(id);
      if (t.shape.size() != 4 || is_boundary(g, id) || t.layout == Layout::kNHWC) continue;
      INFO("tensor " << t.name << " written by " << op_name(node.op));
      REQUIRE(at_transpose[static_cast<size_t>(id)]);
    }
}

// Transposes read a graph input or write a graph output, or make an NCHW view
// for a Reshape / FullyConnected.
int inner_transposes(const Graph& g) {
  int count = 0;
  for (const Node& node : g.nodes)
    if (node.op == OpType::kTranspose && !is_boundary(g, node.inputs[0]) && !is_boundary(g, node.outputs[0]))
      ++count;
  return count;
}

}  // namespace

TEST_CASE("fold_constants computes constant subgraphs", "[passes][fold_constants]") {
  GraphBuilder b(Layout::kNCHW, 3);
  const TensorId x = b.image_input(1, 3, 4, 4);
  const TensorId scale = b.binary(OpType::kMul, b.random_constant({3, 1, 1}), b.random_constant({3, 1, 1}));
  const TensorId shifted = b.binary(OpType::kAdd, scale, b.random_constant({1}));
  b.output(b.binary(OpType::kMul, x, shifted));
  const Graph after = apply_and_compare(b, [](Graph& g) {
    fold_constants(g);
    remove_dead_code(g);
  });
  REQUIRE(after.nodes.size() == 1);
  CHECK(after.tensor(after.nodes[0].inputs[1]).is_constant());
}

TEST_CASE("simplify_reshapes drops chains and identities", "[passes][reshape]") {
  GraphBuilder b(Layout::kNCHW, 4);
  const TensorId x = b.image_input(1, 2, 3, 4);
  const TensorId r1 = b.reshape(x, {1, 24});
  const TensorId r2 = b.reshape(r1, {2, 12});
  const TensorId r3 = b.reshape(r2, {2, 12});  // identity
  b.output(b.unary(OpType::kSigmoid, r3));
  const Graph after = apply_and_compare(b, [](Graph& g) {
    simplify_reshapes(g);
    remove_dead_code(g);
  });
  REQUIRE(count_ops(after, OpType::kReshape) == 1);
  CHECK(after.nodes[0].inputs[0] == after.inputs[0]);
}

TEST_CASE("fold_batch_norm folds into conv, conv-transpose and fc", "[passes][batch_norm]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout, 5);
    const TensorId x = b.image_input(2, 3, 6, 6);
    const TensorId conv = b.batch_norm(b.conv(x, 8, 3, 1, 1, 1, /*bias=*/false));
    const TensorId relu = b.clamp(conv, 0.f, INFINITY);
    const TensorId dw = b.batch_norm(b.conv(relu, 8, 3, 2, 1, 8));
    Attributes up;
    up.stride = {2, 2};
    const TensorId deconv = b.node(OpType::kConvTranspose2D, {dw, b.random_constant({4, 2, 2, 8})},
                                   b.image_shape(2, 4, 6, 6), layout, up);
    const TensorId flat = b.reshape(b.global_average_pool(b.batch_norm(deconv)), {2, 4});
    b.output(b.batch_norm(b.fully_connected(flat, 5)));
    const Graph after = apply_and_compare(b, [](Graph& g) {
      fold_batch_norm(g);
      remove_dead_code(g);
    });
    CHECK(count_ops(after, OpType::kBatchNorm) == 0);
    CHECK(count_ops(after, OpType::kMul) == 0);
    for (const Node& node : after.nodes)
      if (node.op == OpType::kConv2D || node.op == OpType::kConvTranspose2D) CHECK(node.inputs.size() == 3);
  }
}

TEST_CASE("fold_batch_norm lowers unfoldable BatchNorms to Mul + Add", "[passes][batch_norm]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout, 6);
    const TensorId x = b.image_input(1, 4, 5, 5);
    const TensorId on_input = b.batch_norm(x);                 // no producer
    const TensorId conv = b.conv(on_input, 4, 3, 1, 1);
    const TensorId bn = b.batch_norm(conv);                    // conv output has a second reader
    b.output(b.binary(OpType::kAdd, bn, conv));
    const TensorId fc_in = b.input({3, 4}, Layout::kAny);
    b.output(b.batch_norm(b.unary(OpType::kTanh, fc_in)));      // [N, C] input
    const Graph after = apply_and_compare(b, [](Graph& g) {
      fold_batch_norm(g);
      remove_dead_code(g);
    });
    CHECK(count_ops(after, OpType::kBatchNorm) == 0);
    CHECK(count_ops(after, OpType::kMul) == 3);
    // NCHW vectors broadcast as [C, 1, 1]; NHWC and [N, C] as [C].
    const Node& first_mul = *std::find_if(after.nodes.begin(), after.nodes.end(),
                                          [](const Node& n) { return n.op == OpType::kMul; });
    const Shape expected = layout == Layout::kNCHW ? Shape{4, 1, 1} : Shape{4};
    CHECK(after.tensor(first_mul.inputs[1]).shape == expected);
  }
}

TEST_CASE("fuse_activations merges clamps into their producers", "[passes][fuse]") {
  GraphBuilder b(Layout::kNCHW, 7);
  const TensorId x = b.image_input(1, 3, 5, 5);
  const TensorId relu6 = b.clamp(b.clamp(b.conv(x, 4, 3), 0.f, INFINITY), -INFINITY, 6.f);  // two clamps -> [0, 6]
  const TensorId sum = b.binary(OpType::kAdd, relu6, b.random_constant({4, 1, 1}));
  const TensorId shared = b.conv(b.clamp(sum, -0.5f, 0.5f), 4, 1);
  const TensorId kept = b.clamp(shared, 0.f, INFINITY);          // `shared` has two readers: not fused
  b.output(b.binary(OpType::kMul, kept, shared));
  const TensorId disjoint = b.clamp(b.clamp(b.conv(x, 2, 1), 0.f, 1.f), 2.f, 3.f);  // ranges do not overlap
  b.output(disjoint);
  const Graph after = apply_and_compare(b, [](Graph& g) {
    fuse_activations(g);
    remove_dead_code(g);
  });
  CHECK(count_ops(after, OpType::kClamp) == 2);  // the shared one and the disjoint second one
  const Node& first_conv = after.nodes[0];
  CHECK(first_conv.attrs.activation_min == 0.f);
  CHECK(first_conv.attrs.activation_max == 6.f);
  const Node& add = *std::find_if(after.nodes.begin(), after.nodes.end(), [](const Node& n) { return n.op == OpType::kAdd; });
  CHECK(add.attrs.activation_min == -0.5f);
  CHECK(add.attrs.activation_max == 0.5f);
}

TEST_CASE("convert_to_nhwc: SE block, concat + resize, constants of lower rank", "[passes][nhwc]") {
  GraphBuilder b(Layout::kNCHW, 8);
  const TensorId x = b.image_input(1, 4, 8, 8);
  const TensorId stem = b.clamp(b.conv(x, 8, 3, 2, 1), 0.f, 6.f);
  const TensorId se = b.se_block(stem, 2);
  const TensorId biased = b.binary(OpType::kAdd, se, b.random_constant({8, 1, 1}));
  const TensorId row = b.binary(OpType::kMul, biased, b.random_constant({4}));  // broadcasts along W
  const TensorId small = b.conv(row, 8, 3, 2, 1);
  const TensorId up = b.resize(small, 4, 4, ResizeMode::kBilinear, CoordinateMode::kHalfPixel);
  const TensorId cat = b.concat_channels({row, up, b.resize(b.conv(row, 2, 1), 4, 4, ResizeMode::kNearest,
                                                            CoordinateMode::kAsymmetric)});
  Attributes softmax;
  softmax.axis = 1;
  const TensorId probs = b.node(OpType::kSoftmax, {cat}, {1, 18, 4, 4}, Layout::kNCHW, softmax);
  Attributes mean;
  mean.ints = {1, 3};
  b.output(b.node(OpType::kMean, {probs}, {1, 1, 4, 1}, Layout::kNCHW, mean));
  Attributes slice;
  slice.ints = {0, 2, 1, 0, 1, 5, 2, 4};
  const TensorId sliced = b.node(OpType::kSlice, {cat}, {1, 5, 2, 4}, Layout::kNCHW, slice);
  Attributes pad;
  pad.ints = {0, 1, 0, 2, 0, 0, 1, 0};
  b.output(b.node(OpType::kPad, {sliced}, {1, 6, 3, 6}, Layout::kNCHW, pad));
  Attributes d2s;
  d2s.block_size = 2;
  b.output(b.node(OpType::kDepthToSpace, {b.conv(cat, 8, 1)}, {1, 2, 8, 8}, Layout::kNCHW, d2s));

  const Graph after = apply_and_compare(b, [](Graph& g) {
    convert_to_nhwc(g);
    remove_dead_code(g);
  });
  require_nhwc_inside(after);
  CHECK(inner_transposes(after) == 0);
  CHECK(count_ops(after, OpType::kTranspose) == 4);  // one input, three outputs
  CHECK(after.tensor(after.inputs[0]).layout == Layout::kNCHW);
  for (TensorId id : after.outputs) CHECK(after.tensor(id).layout == Layout::kNCHW);
}

TEST_CASE("convert_to_nhwc: flatten + fc needs a transpose only when H*W > 1", "[passes][nhwc]") {
  for (int64_t size : {1, 3}) {
    GraphBuilder b(Layout::kNCHW, 9);
    const TensorId x = b.image_input(2, 3, 6, 6);
    const TensorId features = b.conv(x, 5, static_cast<int>(6 - size + 1));  // [2, 5, size, size]
    const TensorId flat = b.reshape(features, {2, 5 * size * size});
    const TensorId fc = b.fully_connected(flat, 4 * size * size);
    // Back to an image: [2, 4*size*size] -> [2, 4, size, size] -> conv.
    const TensorId image = b.reshape(fc, {2, 4, size, size}, Layout::kNCHW);
    b.output(b.conv(image, 3, 1));
    const Graph after = apply_and_compare(b, [](Graph& g) {
      convert_to_nhwc(g);
      remove_dead_code(g);
    });
    require_nhwc_inside(after);
    INFO("H = W = " << size);
    CHECK(inner_transposes(after) == (size == 1 ? 0 : 2));
  }
}

TEST_CASE("convert_to_nhwc: model Transposes and 4-D fully connected keep their meaning", "[passes][nhwc]") {
  GraphBuilder b(Layout::kNCHW, 10);
  const TensorId x = b.image_input(1, 3, 4, 5);
  const TensorId conv = b.conv(x, 6, 1);
  Attributes perm;
  perm.ints = {0, 2, 3, 1};  // the model's own NCHW -> NHWC, as [1, 4, 5, 6] marked NCHW
  const TensorId t = b.node(OpType::kTranspose, {conv}, {1, 4, 5, 6}, Layout::kNCHW, perm);
  const TensorId fc = b.node(OpType::kFullyConnected, {t, b.random_constant({2, 6})}, {20, 2}, Layout::kAny);
  b.output(fc);
  Attributes swap;
  swap.ints = {0, 1, 3, 2};  // swap H and W
  b.output(b.node(OpType::kTranspose, {conv}, {1, 6, 5, 4}, Layout::kNCHW, swap));
  const Graph after = apply_and_compare(b, [](Graph& g) {
    convert_to_nhwc(g);
    remove_dead_code(g);
  });
  require_nhwc_inside(after);
}

TEST_CASE("remove_dead_code drops unused nodes and tensors", "[passes][dead_code]") {
  GraphBuilder b(Layout::kNHWC, 11);
  const TensorId x = b.image_input(1, 2, 3, 3);
  const TensorId used = b.conv(x, 2, 1);
  b.unary(OpType::kTanh, b.conv(used, 4, 3));  // nobody reads this branch
  b.output(b.unary(OpType::kSigmoid, used));
  const size_t tensors_before = b.graph().tensors.size();
  const Graph after = apply_and_compare(b, remove_dead_code);
  CHECK(after.nodes.size() == 2);
  CHECK(after.tensors.size() == tensors_before - 4);  // the dead conv's weight, bias and output, and tanh's output
}

TEST_CASE("run_standard_passes on a small classifier", "[passes][pipeline]") {
  GraphBuilder b(Layout::kNCHW, 12);
  const TensorId x = b.image_input(1, 3, 16, 16);
  TensorId h = b.clamp(b.batch_norm(b.conv(x, 8, 3, 2, 1, 1, false)), 0.f, 6.f);
  h = b.unary(OpType::kSwish, b.batch_norm(b.conv(h, 8, 3, 1, 1, 8, false)));
  h = b.se_block(h, 2);
  h = b.batch_norm(b.conv(h, 12, 1, 1, 0, 1, false));
  const TensorId skip = b.resize(h, 16, 16, ResizeMode::kBilinear, CoordinateMode::kAlignCorners);
  const TensorId pooled = b.reshape(b.global_average_pool(h), {1, 12});
  b.output(b.fully_connected(pooled, 10));
  b.output(b.unary(OpType::kSigmoid, skip));
  const Graph after = apply_and_compare(b, run_standard_passes);
  CHECK(count_ops(after, OpType::kBatchNorm) == 0);
  CHECK(count_ops(after, OpType::kClamp) == 0);
  CHECK(inner_transposes(after) == 0);
  require_nhwc_inside(after);
}
