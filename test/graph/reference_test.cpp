// The reference evaluator against hand-computed cases, op by op. Exact
// arithmetic cases compare with Approx's default epsilon (~1.2e-5 relative).
#include <catch2/catch.hpp>

#include <cmath>

#include "garden/error.h"
#include "graph/half.h"
#include "graph/reference.h"
#include "support/graph_builder.h"

using namespace garden;
using garden_test::GraphBuilder;

namespace {

std::vector<float> iota(size_t count, float start = 1.f) {
  std::vector<float> v(count);
  for (size_t i = 0; i < count; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

// Evaluates a graph with one input and one output.
std::vector<float> run(GraphBuilder& b, const std::vector<float>& input) {
  return evaluate(b.graph(), {input})[0];
}

void require_values(const std::vector<float>& actual, const std::vector<float>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    INFO("index " << i);
    REQUIRE(actual[i] == Approx(expected[i]).margin(1e-6));
  }
}

// NCHW [1,C,H,W] values -> NHWC order.
std::vector<float> to_nhwc(const std::vector<float>& nchw, int64_t c, int64_t h, int64_t w) {
  std::vector<float> out(nchw.size());
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) out[static_cast<size_t>((y * w + x) * c + ci)] = nchw[static_cast<size_t>((ci * h + y) * w + x)];
  return out;
}

}  // namespace

TEST_CASE("half <-> float conversion", "[reference][half]") {
  CHECK(float_to_half(1.f) == 0x3C00);
  CHECK(float_to_half(-2.f) == 0xC000);
  CHECK(float_to_half(65504.f) == 0x7BFF);
  CHECK(float_to_half(1e6f) == 0x7C00);
  CHECK(float_to_half(0.1f) == 0x2E66);
  CHECK(float_to_half(std::ldexp(1.f, -24)) == 0x0001);
  CHECK(float_to_half(std::ldexp(1.f, -26)) == 0x0000);
  CHECK(half_to_float(0x3555) == Approx(0.333251953125f).epsilon(0));
  CHECK(half_to_float(0x0001) == std::ldexp(1.f, -24));
  CHECK(std::isinf(half_to_float(0xFC00)));
  // Every finite half survives a round trip exactly.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00u) == 0x7C00u) continue;
    const uint16_t bits = static_cast<uint16_t>(h);
    if (float_to_half(half_to_float(bits)) != bits) FAIL("half " << h << " does not round-trip");
  }
}

TEST_CASE("Conv2D 3x3 on a 4x4 image, computed by hand", "[reference][conv]") {
  // x = 1..16 row by row, w = 1..9 row by row, no padding:
  // out00 = 1*1+2*2+3*3 + 4*5+5*6+6*7 + 7*9+8*10+9*11 = 348; moving right adds
  // sum(w) = 45 to every tap, moving down adds 4 * 45.
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout);
    const TensorId x = b.image_input(1, 1, 4, 4);
    const TensorId y = b.node(OpType::kConv2D, {x, b.constant({1, 3, 3, 1}, iota(9)), b.constant({1}, {0.5f})},
                              b.image_shape(1, 1, 2, 2), layout);
    b.output(y);
    require_values(run(b, iota(16)), {348.5f, 393.5f, 528.5f, 573.5f});
  }
  SECTION("padding 1, stride 2: the corner sees x[0..1][0..1] through w[1..2][1..2]") {
    GraphBuilder b(Layout::kNCHW);
    const TensorId x = b.image_input(1, 1, 4, 4);
    Attributes a;
    a.stride = {2, 2};
    a.pad = {1, 1, 1, 1};
    const TensorId y = b.node(OpType::kConv2D, {x, b.constant({1, 3, 3, 1}, iota(9))}, {1, 1, 2, 2}, Layout::kNCHW, a);
    b.output(y);
    const std::vector<float> out = run(b, iota(16));
    CHECK(out[0] == 5 * 1 + 6 * 2 + 8 * 5 + 9 * 6);  // 111
    // out01 at ih -1..1, iw 1..3: w[1][0..2] * x[0][1..3] + w[2][0..2] * x[1][1..3]
    CHECK(out[1] == 4 * 2 + 5 * 3 + 6 * 4 + 7 * 6 + 8 * 7 + 9 * 8);
  }
}

TEST_CASE("Conv2D: NCHW and NHWC agree; groups act per channel group", "[reference][conv]") {
  GraphBuilder nchw(Layout::kNCHW, 7);
  const TensorId x = nchw.image_input(1, 4, 7, 6);
  const TensorId y = nchw.conv(x, 6, 3, 2, 1, 2);
  nchw.output(y);
  // The same weights in an NHWC graph.
  GraphBuilder nhwc(Layout::kNHWC);
  const TensorId xh = nhwc.image_input(1, 4, 7, 6);
  const Node& conv = nchw.graph().nodes[0];
  auto copy_constant = [&](TensorId id) {
    const Tensor& t = nchw.graph().tensor(id);
    return nhwc.constant(t.shape, std::vector<float>(t.f32(), t.f32() + element_count(t.shape)));
  };
  const TensorId yh = nhwc.node(OpType::kConv2D, {xh, copy_constant(conv.inputs[1]), copy_constant(conv.inputs[2])},
                                nhwc.image_shape(1, 6, 4, 3), Layout::kNHWC, conv.attrs);
  nhwc.output(yh);
  const std::vector<float> input = nchw.random_values(4 * 7 * 6);
  const std::vector<float> out_nchw = run(nchw, input);
  require_values(run(nhwc, to_nhwc(input, 4, 7, 6)), to_nhwc(out_nchw, 6, 4, 3));

  // Group 1 (output channels 3..5) must not depend on input channels 0..1.
  std::vector<float> changed = input;
  for (size_t i = 0; i < 2 * 7 * 6; ++i) changed[i] += 1.f;
  const std::vector<float> out_changed = run(nchw, changed);
  for (size_t i = 3 * 4 * 3; i < out_nchw.size(); ++i) REQUIRE(out_changed[i] == out_nchw[i]);
  bool group0_changed = false;
  for (size_t i = 0; i < 3 * 4 * 3; ++i) group0_changed |= out_changed[i] != out_nchw[i];
  CHECK(group0_changed);
}

TEST_CASE("Conv2D reads f16 weights", "[reference][conv][half]") {
  GraphBuilder b(Layout::kNHWC);
  const TensorId x = b.image_input(1, 2, 1, 1);
  Tensor w;
  w.name = "w16";
  w.dtype = DType::kF16;
  w.shape = {1, 1, 1, 2};
  const uint16_t halves[2] = {float_to_half(0.5f), float_to_half(-3.f)};
  w.data.assign(reinterpret_cast<const uint8_t*>(halves), reinterpret_cast<const uint8_t*>(halves) + 4);
  const TensorId wid = b.graph().add_tensor(w);
  b.output(b.node(OpType::kConv2D, {x, wid}, {1, 1, 1, 1}, Layout::kNHWC));
  require_values(run(b, {4.f, 1.f}), {4.f * 0.5f - 3.f});
}

TEST_CASE("ConvTranspose2D by hand", "[reference][conv_transpose]") {
  SECTION("stride 1, 2x2 kernel of ones on [[1,2],[3,4]] -> 3x3") {
    GraphBuilder b(Layout::kNCHW);
    const TensorId x = b.image_input(1, 1, 2, 2);
    b.output(b.node(OpType::kConvTranspose2D, {x, b.constant({1, 2, 2, 1}, {1, 1, 1, 1})}, {1, 1, 3, 3},
                    Layout::kNCHW));
    require_values(run(b, {1, 2, 3, 4}), {1, 3, 2, 4, 10, 6, 3, 7, 4});
  }
  SECTION("stride 2 places a scaled kernel per input pixel; pads crop; output_padding extends") {
    GraphBuilder b(Layout::kNHWC);
    const TensorId x = b.image_input(1, 1, 2, 2);
    Attributes a;
    a.stride = {2, 2};
    a.pad = {1, 1, 0, 0};        // crops the first row and column of the 4x4 result
    a.output_padding = {1, 1};   // adds a row and column (only bias reaches them)
    // (2-1)*2 - 1 - 0 + 1*(2-1) + 1 + 1 = 4
    b.output(b.node(OpType::kConvTranspose2D, {x, b.constant({1, 2, 2, 1}, {1, 2, 3, 4}), b.constant({1}, {100})},
                    {1, 4, 4, 1}, Layout::kNHWC, a));
    // Uncropped 4x4: out[2i+kh][2j+kw] = x[i][j] * k[kh][kw] with x = [[1,2],[3,4]], k = [[1,2],[3,4]]:
    //   1 2 2 4 / 3 4 6 8 / 3 6 4 8 / 9 12 12 16; crop row 0 and column 0, then bias 100.
    require_values(run(b, {1, 2, 3, 4}), {104, 106, 108, 100, 106, 104, 108, 100, 112, 112, 116, 100,
                                          100, 100, 100, 100});
  }
  SECTION("groups: weight [O, kH, kW, I/groups] with O = groups * O_g") {
    GraphBuilder b(Layout::kNHWC);
    const TensorId x = b.image_input(1, 2, 1, 1);
    Attributes a;
    a.groups = 2;
    // Two output channels per group; 1x1 kernel; I/groups = 1.
    b.output(b.node(OpType::kConvTranspose2D, {x, b.constant({4, 1, 1, 1}, {1, 2, 3, 4})}, {1, 1, 1, 4},
                    Layout::kNHWC, a));
    require_values(run(b, {10, 100}), {10, 20, 300, 400});
  }
}

TEST_CASE("FullyConnected with bias and fused clamp", "[reference][fc]") {
  GraphBuilder b;
  const TensorId x = b.input({2, 3}, Layout::kAny);
  Attributes a;
  a.activation_max = 20.f;
  b.output(b.node(OpType::kFullyConnected, {x, b.constant({2, 3}, {1, 0, -1, 2, 2, 2}), b.constant({2}, {0.5f, 0})},
                  {2, 2}, Layout::kAny, a));
  // rows [1,2,3] and [4,5,6]: [1-3+.5, 12] and [4-6+.5, min(30, 20)]
  require_values(run(b, iota(6)), {-1.5f, 12.f, -1.5f, 20.f});
}

TEST_CASE("BatchMatMul by hand, with broadcast batch dimensions", "[reference][matmul]") {
  GraphBuilder b;
  const TensorId x = b.input({2, 1, 2}, Layout::kAny);  // two 1x2 rows: [1, 2] and [3, 4]
  // One [2, 2] matrix for both batches, then each batch by its own [2, 1] column.
  const TensorId y = b.node(OpType::kBatchMatMul, {x, b.constant({2, 2}, {1, 10, 100, 1000})}, {2, 1, 2},
                            Layout::kAny);
  b.output(b.node(OpType::kBatchMatMul, {y, b.constant({2, 2, 1}, {1, 0, 0, 1})}, {2, 1, 1}, Layout::kAny));
  // [1, 2] -> [201, 2010] -> first column 201; [3, 4] -> [403, 4030] -> second column 4030.
  require_values(run(b, iota(4)), {201.f, 4030.f});
}

TEST_CASE("Binary ops broadcast like numpy", "[reference][binary]") {
  GraphBuilder b;
  const TensorId x = b.input({2, 3}, Layout::kAny);
  const TensorId sum = b.binary(OpType::kAdd, x, b.constant({3}, {10, 20, 30}));
  const TensorId column = b.binary(OpType::kMul, b.constant({2, 1}, {2, -1}), sum);
  const TensorId y = b.binary(OpType::kSub, column, b.constant({1}, {1}));
  b.output(b.binary(OpType::kDiv, y, b.constant({1, 3}, {1, 2, 4})));
  // x = [[1,2,3],[4,5,6]] -> +row -> [[11,22,33],[14,25,36]] -> *col [2,-1] -> -1 -> / [1,2,4]
  require_values(run(b, iota(6)), {21.f, 43.f / 2, 65.f / 4, -15.f, -26.f / 2, -37.f / 4});
}

TEST_CASE("Maximum, Minimum, Pow, PRelu and SquaredDifference by hand", "[reference][binary]") {
  const std::vector<float> x{-2, -1, 0, 1, 2, 3};  // [[-2,-1,0],[1,2,3]]
  auto apply = [&](OpType op, const Shape& shape, const std::vector<float>& values) {
    GraphBuilder b;
    const TensorId in = b.input({2, 3}, Layout::kAny);
    b.output(b.binary(op, in, b.constant(shape, values)));
    return run(b, x);
  };
  require_values(apply(OpType::kMaximum, {3}, {0, -5, 1}), {0, -1, 1, 1, 2, 3});
  require_values(apply(OpType::kMinimum, {2, 1}, {-1, 2}), {-2, -1, -1, 1, 2, 2});
  require_values(apply(OpType::kPow, {1}, {2}), {4, 1, 0, 1, 4, 9});
  require_values(apply(OpType::kPow, {3}, {3, 2, 0}), {-8, 1, 1, 1, 4, 1});
  require_values(apply(OpType::kPRelu, {3}, {0.5f, 0.25f, 2}), {-1, -0.25f, 0, 1, 2, 3});
  // atan2(y, x) with y = x's rows and x = [1, -1, 0]: the angle of each (x, y).
  const float pi = 3.14159265358979f;
  require_values(apply(OpType::kAtan2, {3}, {1, -1, 0}), {std::atan(-2.f), -3 * pi / 4, 0, pi / 4, pi - std::atan(2.f), pi / 2});
  require_values(apply(OpType::kSquaredDifference, {1}, {1}), {9, 4, 1, 0, 1, 4});
}

TEST_CASE("Unary activations", "[reference][unary]") {
  const std::vector<float> x{-4, -1, 0, 1, 4};
  auto apply = [&](OpType op, const Attributes& attrs = {}) {
    GraphBuilder b;
    const TensorId in = b.input({5}, Layout::kAny);
    b.output(b.node(op, {in}, {5}, Layout::kAny, attrs));
    return run(b, x);
  };
  auto apply_to = [&](OpType op, const std::vector<float>& values) {
    GraphBuilder b;
    b.output(b.node(op, {b.input({5}, Layout::kAny)}, {5}, Layout::kAny));
    return run(b, values);
  };
  require_values(apply(OpType::kHardSwish), {0.f, -1.f / 3, 0.f, 2.f / 3, 4.f});
  Attributes hs;
  hs.alpha = 0.2f;
  hs.beta = 0.5f;
  require_values(apply(OpType::kHardSigmoid, hs), {0.f, 0.3f, 0.5f, 0.7f, 1.f});
  Attributes leaky;
  leaky.alpha = 0.1f;
  require_values(apply(OpType::kLeakyRelu, leaky), {-0.4f, -0.1f, 0.f, 1.f, 4.f});
  require_values(apply(OpType::kSign), {-1.f, -1.f, 0.f, 1.f, 1.f});
  const float s1 = 1.f / (1.f + std::exp(-1.f));
  require_values(apply(OpType::kSigmoid), {1.f / (1.f + std::exp(4.f)), 1 - s1, 0.5f, s1, 1.f / (1.f + std::exp(-4.f))});
  require_values(apply(OpType::kSwish), {-4.f / (1.f + std::exp(4.f)), -(1 - s1), 0.f, s1, 4.f / (1.f + std::exp(-4.f))});
  require_values(apply(OpType::kTanh), {std::tanh(-4.f), std::tanh(-1.f), 0.f, std::tanh(1.f), std::tanh(4.f)});
  Attributes relu6;
  relu6.activation_min = 0.f;
  relu6.activation_max = 6.f;
  std::vector<float> big{-4, -1, 0, 1, 9};
  GraphBuilder b;
  const TensorId in = b.input({5}, Layout::kAny);
  b.output(b.node(OpType::kClamp, {in}, {5}, Layout::kAny, relu6));
  require_values(run(b, big), {0, 0, 0, 1, 6});
  GraphBuilder r;
  r.output(r.node(OpType::kReciprocal, {r.input({5}, Layout::kAny)}, {5}, Layout::kAny));
  require_values(run(r, {-4, -1, 0.5f, 1, 4}), {-0.25f, -1.f, 2.f, 1.f, 0.25f});
  const float pi = 3.14159265358979f;
  const std::vector<float> angles{-pi / 2, 0.f, pi / 6, pi / 3, pi};
  require_values(apply_to(OpType::kSin, angles), {-1.f, 0.f, 0.5f, std::sqrt(3.f) / 2, 0.f});
  require_values(apply_to(OpType::kCos, angles), {0.f, 1.f, std::sqrt(3.f) / 2, 0.5f, -1.f});
}

TEST_CASE("Pooling by hand", "[reference][pool]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout);
    const TensorId x = b.image_input(1, 1, 4, 4);
    Attributes a;
    a.kernel = {2, 2};
    a.stride = {2, 2};
    b.output(b.node(OpType::kMaxPool2D, {x}, b.image_shape(1, 1, 2, 2), layout, a));
    require_values(run(b, iota(16)), {6, 8, 14, 16});
  }
  for (bool include_pad : {false, true}) {
    GraphBuilder b(Layout::kNCHW);
    const TensorId x = b.image_input(1, 1, 4, 4);
    Attributes a;
    a.kernel = {3, 3};
    a.pad = {1, 1, 1, 1};
    a.count_include_pad = include_pad;
    b.output(b.node(OpType::kAveragePool2D, {x}, {1, 1, 4, 4}, Layout::kNCHW, a));
    const std::vector<float> out = run(b, iota(16));
    // Corner window holds 1, 2, 5, 6 (sum 14); centre (1,1) holds 1..3, 5..7, 9..11 (sum 54).
    CHECK(out[0] == Approx(include_pad ? 14.f / 9 : 14.f / 4));
    CHECK(out[5] == Approx(54.f / 9));
  }
  GraphBuilder g(Layout::kNHWC);
  const TensorId x = g.image_input(1, 2, 2, 2);
  g.output(g.global_average_pool(x));
  // NHWC values: channel 0 = 1,3,5,7; channel 1 = 2,4,6,8
  require_values(run(g, iota(8)), {4, 5});
}

TEST_CASE("Resize by hand", "[reference][resize]") {
  auto resize = [](Layout layout, int64_t in, int64_t out, ResizeMode mode, CoordinateMode coordinates,
                   const std::vector<float>& x) {
    GraphBuilder b(layout);
    const TensorId input = b.image_input(1, 1, in, in);
    b.output(b.resize(input, out, out, mode, coordinates));
    return run(b, x);
  };
  // [[1,2],[3,4]] is f(y, x) = 1 + x + 2y, which bilinear sampling reproduces exactly.
  const std::vector<float> square{1, 2, 3, 4};
  SECTION("bilinear align_corners 2x2 -> 3x3") {
    require_values(resize(Layout::kNCHW, 2, 3, ResizeMode::kBilinear, CoordinateMode::kAlignCorners, square),
                   {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
  }
  auto expect_plane = [](const std::vector<float>& out, const std::vector<float>& coords) {
    std::vector<float> expected;
    for (float cy : coords)
      for (float cx : coords) expected.push_back(1 + cx + 2 * cy);
    require_values(out, expected);
  };
  SECTION("bilinear half_pixel 2x2 -> 4x4: sources -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)") {
    expect_plane(resize(Layout::kNHWC, 2, 4, ResizeMode::kBilinear, CoordinateMode::kHalfPixel, square),
                 {0, 0.25f, 0.75f, 1});
  }
  SECTION("bilinear asymmetric 2x2 -> 4x4: sources 0, 0.5, 1, 1.5 (clamped)") {
    expect_plane(resize(Layout::kNCHW, 2, 4, ResizeMode::kBilinear, CoordinateMode::kAsymmetric, square),
                 {0, 0.5f, 1, 1});
  }
  SECTION("nearest upsampling 2 -> 4 picks rows 0,0,1,1 in every mode") {
    for (CoordinateMode m : {CoordinateMode::kAsymmetric, CoordinateMode::kHalfPixel})
      require_values(resize(Layout::kNCHW, 2, 4, ResizeMode::kNearest, m, square),
                     {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  }
  SECTION("nearest downsampling 4 -> 2: asymmetric floors (0, 2), half_pixel rounds ties up (1, 3)") {
    const std::vector<float> x = iota(16, 0);
    require_values(resize(Layout::kNCHW, 4, 2, ResizeMode::kNearest, CoordinateMode::kAsymmetric, x), {0, 2, 8, 10});
    require_values(resize(Layout::kNCHW, 4, 2, ResizeMode::kNearest, CoordinateMode::kHalfPixel, x), {5, 7, 13, 15});
    // align_corners 4 -> 2: sources 0 and 3.
    require_values(resize(Layout::kNCHW, 4, 2, ResizeMode::kNearest, CoordinateMode::kAlignCorners, x), {0, 3, 12, 15});
  }
}

TEST_CASE("Shape ops: Concat, Reshape, Transpose, Slice, Pad", "[reference][shape]") {
  GraphBuilder b;
  const TensorId x = b.input({2, 2}, Layout::kAny);
  Attributes cat;
  cat.axis = 1;
  const TensorId c = b.node(OpType::kConcat, {x, b.constant({2, 1}, {9, 8})}, {2, 3}, Layout::kAny, cat);
  Attributes perm;
  perm.ints = {1, 0};
  const TensorId t = b.node(OpType::kTranspose, {c}, {3, 2}, Layout::kAny, perm);  // [[1,3],[2,4],[9,8]]
  Attributes slice;
  slice.ints = {1, 0, 2, 2};
  const TensorId s = b.node(OpType::kSlice, {t}, {2, 2}, Layout::kAny, slice);  // [[2,4],[9,8]]
  Attributes pad;
  pad.ints = {0, 1, 1, 0};
  pad.pad_value = -1.f;
  const TensorId p = b.node(OpType::kPad, {s}, {3, 3}, Layout::kAny, pad);
  b.output(b.reshape(p, {9}));
  require_values(run(b, {1, 2, 3, 4}), {-1, 2, 4, -1, 9, 8, -1, -1, -1});
}

TEST_CASE("Softmax and Mean", "[reference][reduce]") {
  GraphBuilder b;
  const TensorId x = b.input({2, 3}, Layout::kAny);
  Attributes axis0;
  axis0.axis = 0;
  b.output(b.node(OpType::kSoftmax, {x}, {2, 3}, Layout::kAny, axis0));
  Attributes axes;
  axes.ints = {1};
  b.output(b.node(OpType::kMean, {x}, {2, 1}, Layout::kAny, axes));
  const auto out = evaluate(b.graph(), {{0, 1, 2, 0, 3, 2}});
  const float e2 = std::exp(2.f);
  require_values(out[0], {0.5f, 1 / (1 + e2), 0.5f, 0.5f, e2 / (1 + e2), 0.5f});
  require_values(out[1], {1.f, 5.f / 3});
}

TEST_CASE("ReduceMax, ReduceMin and ReduceProd by hand", "[reference][reduce]") {
  // x = [[[1, -2], [3, 0.5]], [[-1, 4], [2, -3]]], shape [2, 2, 2].
  const std::vector<float> x{1, -2, 3, 0.5f, -1, 4, 2, -3};
  auto reduce = [&](OpType op, std::vector<int64_t> axes, const Shape& out) {
    GraphBuilder b;
    Attributes a;
    a.ints = std::move(axes);
    b.output(b.node(op, {b.input({2, 2, 2}, Layout::kAny)}, out, Layout::kAny, a));
    return run(b, x);
  };
  require_values(reduce(OpType::kReduceMax, {2}, {2, 2, 1}), {1, 3, 4, 2});
  require_values(reduce(OpType::kReduceMax, {0, 2}, {1, 2, 1}), {4, 3});
  require_values(reduce(OpType::kReduceMin, {1}, {2, 1, 2}), {1, -2, -1, -3});
  require_values(reduce(OpType::kReduceMin, {0, 1, 2}, {1, 1, 1}), {-3});
  require_values(reduce(OpType::kReduceProd, {0}, {1, 2, 2}), {-1, -8, 6, -1.5f});
  require_values(reduce(OpType::kReduceProd, {}, {2, 2, 2}), x);
}

TEST_CASE("BatchNorm per channel in both layouts", "[reference][batch_norm]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout);
    const TensorId x = b.image_input(1, 2, 1, 2);
    Attributes a;
    a.epsilon = 0.f;
    b.output(b.node(OpType::kBatchNorm,
                    {x, b.constant({2}, {2, 1}), b.constant({2}, {1, 0}), b.constant({2}, {0, 10}),
                     b.constant({2}, {4, 1})},
                    b.image_shape(1, 2, 1, 2), layout, a));
    // channel 0: (x - 0) / 2 * 2 + 1 = x + 1; channel 1: x - 10
    const std::vector<float> nchw_in{1, 2, 30, 40};
    const std::vector<float> expected{2, 3, 20, 30};
    if (layout == Layout::kNCHW) require_values(run(b, nchw_in), expected);
    else require_values(run(b, to_nhwc(nchw_in, 2, 1, 2)), to_nhwc(expected, 2, 1, 2));
  }
}

TEST_CASE("DepthToSpace in DCR order", "[reference][depth_to_space]") {
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    GraphBuilder b(layout);
    const TensorId x = b.image_input(1, 8, 1, 1);
    Attributes a;
    a.block_size = 2;
    b.output(b.node(OpType::kDepthToSpace, {x}, b.image_shape(1, 2, 2, 2), layout, a));
    // input channel (bh*2 + bw)*2 + c lands at (bh, bw, c)
    const std::vector<float> out = run(b, iota(8, 0));
    const std::vector<float> nchw_expected{0, 2, 4, 6, 1, 3, 5, 7};
    require_values(out, layout == Layout::kNCHW ? nchw_expected : to_nhwc(nchw_expected, 2, 2, 2));
  }
}

TEST_CASE("Bad graphs and inputs give typed errors", "[reference][errors]") {
  GraphBuilder b(Layout::kNCHW);
  const TensorId x = b.image_input(1, 1, 4, 4);
  const TensorId y = b.node(OpType::kConv2D, {x, b.constant({1, 3, 3, 1}, iota(9))}, {1, 1, 3, 3}, Layout::kNCHW);
  b.output(y);
  try {
    evaluate(b.graph(), {iota(16)});
    FAIL("a wrong conv output shape was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidModel);
  }
  try {
    evaluate(b.graph(), {iota(15)});
    FAIL("a wrong input size was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}
