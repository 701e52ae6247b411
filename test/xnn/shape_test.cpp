// Concat, Reshape, Transpose, Pad, Slice, DepthToSpace and Softmax (any axis) vs the reference.
#include "session_check.h"

using namespace garden_test;

TEST_CASE("Concat matches the reference", "[xnn][shape]") {
  SECTION("two inputs on the channel axis") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId a = m.input({1, 4, 5, 3}), b = m.input({1, 4, 5, 6});
    Attributes attrs;
    attrs.axis = 3;
    m.output(m.node(OpType::kConcat, {a, b}, {1, 4, 5, 9}, attrs));
    check_against_reference(m.graph());
  }
  SECTION("seven inputs (chained: XNNPACK takes five at most) on the height axis") {
    GraphBuilder m(Layout::kNHWC);
    std::vector<TensorId> inputs;
    int64_t total = 0;
    for (int i = 0; i < 7; ++i) {
      inputs.push_back(m.input({1, i + 1, 3, 2}));
      total += i + 1;
    }
    Attributes attrs;
    attrs.axis = 1;
    m.output(m.node(OpType::kConcat, inputs, {1, total, 3, 2}, attrs));
    check_against_reference(m.graph());
  }
  SECTION("five inputs with a constant") {
    GraphBuilder m(Layout::kNHWC);
    std::vector<TensorId> inputs{m.input({2, 3}), m.input({2, 1}), m.random_constant({2, 4}), m.input({2, 2}),
                                 m.input({2, 5})};
    Attributes attrs;
    attrs.axis = 1;
    m.output(m.node(OpType::kConcat, inputs, {2, 15}, attrs));
    check_against_reference(m.graph());
  }
}

namespace {

// Softmax over `axis` of an activation of `shape` (no layout of its own).
void check_softmax(const Shape& shape, int32_t axis) {
  GraphBuilder m(Layout::kAny);
  Attributes a;
  a.axis = axis;
  m.output(m.node(OpType::kSoftmax, {m.input(shape)}, shape, a));
  check_against_reference(m.graph());
}

}  // namespace

TEST_CASE("Data movement ops match the reference", "[xnn][shape]") {
  SECTION("Reshape") {
    GraphBuilder m(Layout::kNHWC);
    m.output(m.node(OpType::kReshape, {m.input({1, 4, 6, 2})}, {1, 48}));
    check_against_reference(m.graph());
  }
  SECTION("Transpose NHWC -> NCHW") {
    GraphBuilder m(Layout::kNHWC);
    Attributes a;
    a.ints = {0, 3, 1, 2};
    const TensorId y = m.node(OpType::kTranspose, {m.input({1, 4, 6, 3})}, {1, 3, 4, 6}, a);
    m.graph().tensor(y).layout = Layout::kNCHW;
    m.output(y);
    check_against_reference(m.graph());
  }
  SECTION("Pad, asymmetric, with a value") {
    GraphBuilder m(Layout::kNHWC);
    Attributes a;
    a.ints = {0, 1, 2, 0, 0, 3, 0, 1};
    a.pad_value = 0.5f;
    m.output(m.node(OpType::kPad, {m.input({1, 4, 5, 3})}, {1, 8, 7, 4}, a));
    check_against_reference(m.graph());
  }
  SECTION("Slice") {
    GraphBuilder m(Layout::kNHWC);
    Attributes a;
    a.ints = {0, 1, 2, 1, 1, 3, 2, 2};
    m.output(m.node(OpType::kSlice, {m.input({1, 5, 6, 4})}, {1, 3, 2, 2}, a));
    check_against_reference(m.graph());
  }
  SECTION("DepthToSpace block 2") {
    GraphBuilder m(Layout::kNHWC);
    Attributes a;
    a.block_size = 2;
    m.output(m.node(OpType::kDepthToSpace, {m.input({1, 3, 4, 8})}, {1, 6, 8, 2}, a));
    check_against_reference(m.graph());
  }
  SECTION("Softmax over the last axis") { check_softmax({3, 10}, 1); }
  // XNNPACK's softmax takes the last axis: the others go through a transpose.
  SECTION("Softmax over the first axis") { check_softmax({3, 10}, 0); }
  SECTION("Softmax over a middle axis of a 4-D activation") { check_softmax({2, 3, 5, 4}, 2); }
}
