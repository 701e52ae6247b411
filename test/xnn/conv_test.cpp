// Conv2D, ConvTranspose2D, FullyConnected and BatchMatMul through XNNPACK vs the reference.
#include "session_check.h"

using namespace garden_test;

namespace {

int64_t conv_out(int64_t in, int k, int stride, int pad_begin, int pad_end, int dilation) {
  return (in + pad_begin + pad_end - dilation * (k - 1) - 1) / stride + 1;
}

int64_t deconv_out(int64_t in, int k, int stride, int pad_begin, int pad_end, int dilation,
                   int output_padding) {
  return (in - 1) * stride - pad_begin - pad_end + dilation * (k - 1) + 1 + output_padding;
}

struct ConvCase {
  const char* name;
  int64_t in_channels, out_channels;
  int kernel;
  Attributes attrs;
  bool bias;
};

void run_conv(const ConvCase& c, OpType op = OpType::kConv2D) {
  GraphBuilder m(Layout::kNHWC);
  const int64_t h = 9, w = 11;
  const Attributes& a = c.attrs;
  const TensorId x = m.input({1, h, w, c.in_channels});
  const int64_t group_in = c.in_channels / a.groups;
  const TensorId weight = m.random_constant({c.out_channels, c.kernel, c.kernel, group_in});
  std::vector<TensorId> inputs{x, weight};
  if (c.bias) inputs.push_back(m.random_constant({c.out_channels}));
  Shape out;
  if (op == OpType::kConv2D) {
    out = {1, conv_out(h, c.kernel, a.stride[0], a.pad[0], a.pad[2], a.dilation[0]),
           conv_out(w, c.kernel, a.stride[1], a.pad[1], a.pad[3], a.dilation[1]), c.out_channels};
  } else {
    out = {1,
           deconv_out(h, c.kernel, a.stride[0], a.pad[0], a.pad[2], a.dilation[0], a.output_padding[0]),
           deconv_out(w, c.kernel, a.stride[1], a.pad[1], a.pad[3], a.dilation[1], a.output_padding[1]),
           c.out_channels};
  }
  m.output(m.node(op, inputs, out, a));
  check_against_reference(m.graph());
}

Attributes asymmetric_pads(Attributes a, int top, int left, int bottom, int right) {
  a.pad = {top, left, bottom, right};
  return a;
}

}  // namespace

TEST_CASE("Conv2D variants match the reference", "[xnn][conv]") {
  const ConvCase cases[] = {
      {"3x3 stride 1 pad 1 + bias", 3, 8, 3, conv_attrs(1, 1), true},
      {"1x1 no bias", 8, 16, 1, conv_attrs(1, 0), false},
      {"3x3 stride 2 asymmetric pads", 4, 6, 3, asymmetric_pads(conv_attrs(2, 0), 0, 0, 1, 1), true},
      {"5x5 stride 2 pads 2,1,2,1", 4, 6, 5, asymmetric_pads(conv_attrs(2, 0), 2, 1, 2, 1), true},
      {"3x3 dilation 2", 4, 5, 3, conv_attrs(1, 2, 1, 2), true},
      {"grouped, 2 groups", 6, 8, 3, conv_attrs(1, 1, 2), true},
      {"depthwise multiplier 1", 8, 8, 3, conv_attrs(1, 1, 8), true},
      {"depthwise multiplier 2, stride 2", 4, 8, 3, conv_attrs(2, 1, 4), true},
      {"depthwise 5x5 dilation 2 no bias", 6, 6, 5, conv_attrs(1, 4, 6, 2), false},
      {"relu6 fused", 3, 8, 3, with_activation(conv_attrs(1, 1), 0.f, 6.f), true},
      {"depthwise with fused clamp", 8, 8, 3, with_activation(conv_attrs(1, 1, 8), -0.5f, 0.5f), true},
      // Dilations as large as the 9x11 map: outer kernel taps read only
      // padding and the lowering drops them (rows and columns, rows only).
      {"3x3 dilation 12: only the centre tap reads input", 4, 6, 3, conv_attrs(1, 12, 1, 12), true},
      {"3x3 dilation 10: outer rows read only padding", 4, 6, 3, with_activation(conv_attrs(1, 10, 1, 10), 0.f, 6.f), true},
      {"3x3 stride 2 dilation 10: outer rows dead", 4, 6, 3, conv_attrs(2, 10, 1, 10), false},
      {"grouped 3x3 dilation 12", 6, 4, 3, conv_attrs(1, 12, 2, 12), true},
  };
  for (const ConvCase& c : cases) {
    SECTION(c.name) { run_conv(c); }
  }
}

TEST_CASE("ConvTranspose2D variants match the reference", "[xnn][conv]") {
  Attributes output_padding = conv_attrs(2, 1);
  output_padding.output_padding = {1, 1};
  Attributes uneven = asymmetric_pads(conv_attrs(2, 0), 1, 0, 0, 1);
  uneven.output_padding = {1, 0};
  const ConvCase cases[] = {
      {"4x4 stride 2 pad 1", 4, 6, 4, conv_attrs(2, 1), true},
      {"3x3 stride 2 pad 1 output_padding 1", 4, 3, 3, output_padding, true},
      {"3x3 stride 2 asymmetric pads and output_padding", 4, 3, 3, uneven, false},
      {"2x2 stride 2 grouped", 4, 6, 2, conv_attrs(2, 0, 2), true},
      {"2x2 stride 2 depthwise", 4, 4, 2, conv_attrs(2, 0, 4), true},
      {"3x3 stride 1 dilation 2 relu", 3, 5, 3, with_activation(conv_attrs(1, 1, 1, 2), 0.f, INFINITY),
       true},
  };
  for (const ConvCase& c : cases) {
    SECTION(c.name) { run_conv(c, OpType::kConvTranspose2D); }
  }
}

TEST_CASE("FullyConnected matches the reference", "[xnn][fc]") {
  SECTION("2-D input with bias and clamp") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId x = m.input({3, 20});
    Attributes a;
    a.activation_min = -0.25f;
    a.activation_max = 0.25f;
    m.output(m.node(OpType::kFullyConnected, {x, m.random_constant({7, 20}), m.random_constant({7})}, {3, 7}, a));
    check_against_reference(m.graph());
  }
  SECTION("4-D input flattened to 2-D") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId x = m.input({2, 1, 1, 16});
    m.output(m.node(OpType::kFullyConnected, {x, m.random_constant({5, 16})}, {2, 5}));
    check_against_reference(m.graph());
  }
}

TEST_CASE("BatchMatMul matches the reference", "[xnn][matmul]") {
  SECTION("two activations, attention-style [N, heads, T, d] x [N, heads, d, T]") {
    GraphBuilder m(Layout::kAny);
    m.output(m.node(OpType::kBatchMatMul, {m.input({1, 3, 10, 8}), m.input({1, 3, 8, 10})}, {1, 3, 10, 10}));
    check_against_reference(m.graph());
  }
  SECTION("batch dimensions broadcast on both sides") {
    GraphBuilder m(Layout::kAny);
    m.output(m.node(OpType::kBatchMatMul, {m.input({2, 1, 4, 5}), m.input({3, 5, 6})}, {2, 3, 4, 6}));
    check_against_reference(m.graph());
  }
  SECTION("an activation by a batched constant") {
    GraphBuilder m(Layout::kAny);
    m.output(m.node(OpType::kBatchMatMul, {m.input({2, 4, 5}), m.random_constant({2, 5, 3})}, {2, 4, 3}));
    check_against_reference(m.graph());
  }
}

TEST_CASE("Convolutions XNNPACK cannot run are refused with kUnsupportedModel", "[xnn][conv]") {
  SECTION("non-constant weights") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId x = m.input({1, 4, 4, 2});
    const TensorId w = m.input({3, 1, 1, 2});
    m.output(m.node(OpType::kConv2D, {x, w}, {1, 4, 4, 3}, conv_attrs(1, 0)));
    CHECK(session_error(m.graph()) == garden::ErrorCode::kUnsupportedModel);
  }
  SECTION("groups that do not divide the channels") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId x = m.input({1, 4, 4, 5});
    m.output(m.node(OpType::kConv2D, {x, m.random_constant({4, 1, 1, 2})}, {1, 4, 4, 4}, conv_attrs(1, 0, 2)));
    CHECK(session_error(m.graph()) == garden::ErrorCode::kUnsupportedModel);
  }
  SECTION("output_padding not below the stride") {
    GraphBuilder m(Layout::kNHWC);
    const TensorId x = m.input({1, 4, 4, 2});
    Attributes a = conv_attrs(1, 0);
    a.output_padding = {1, 1};
    m.output(m.node(OpType::kConvTranspose2D, {x, m.random_constant({2, 3, 3, 2})}, {1, 7, 7, 2}, a));
    CHECK(session_error(m.graph()) == garden::ErrorCode::kUnsupportedModel);
  }
}
