// Pooling, reductions and Resize2D vs the reference.
#include "session_check.h"

using namespace garden_test;

namespace {

Attributes pool_attrs(int kernel, int stride, int pad) {
  Attributes a;
  a.kernel = {kernel, kernel};
  a.stride = {stride, stride};
  a.pad = {pad, pad, pad, pad};
  return a;
}

void run_single(OpType op, const Shape& in, const Shape& out, const Attributes& attrs) {
  GraphBuilder m(Layout::kNHWC);
  m.output(m.node(op, {m.input(in)}, out, attrs));
  check_against_reference(m.graph());
}

Attributes resize_attrs(garden::ResizeMode mode, garden::CoordinateMode coordinates) {
  Attributes a;
  a.resize_mode = mode;
  a.coordinate_mode = coordinates;
  return a;
}

using garden::CoordinateMode;
using garden::ResizeMode;

}  // namespace

TEST_CASE("Pooling matches the reference", "[xnn][pool]") {
  SECTION("AveragePool 3x3 stride 2 pad 1, pads excluded") {
    run_single(OpType::kAveragePool2D, {1, 9, 10, 5}, {1, 5, 5, 5}, pool_attrs(3, 2, 1));
  }
  SECTION("AveragePool 3x3 stride 1 pad 1, pads counted") {
    Attributes a = pool_attrs(3, 1, 1);
    a.count_include_pad = true;
    run_single(OpType::kAveragePool2D, {1, 6, 7, 4}, {1, 6, 7, 4}, a);
  }
  SECTION("AveragePool 2x2 stride 2 no pad") {
    run_single(OpType::kAveragePool2D, {2, 8, 8, 3}, {2, 4, 4, 3}, pool_attrs(2, 2, 0));
  }
  SECTION("MaxPool 3x3 stride 2 pad 1") {
    run_single(OpType::kMaxPool2D, {1, 9, 10, 5}, {1, 5, 5, 5}, pool_attrs(3, 2, 1));
  }
  SECTION("MaxPool 2x2 stride 2 asymmetric pad") {
    Attributes a = pool_attrs(2, 2, 0);
    a.pad = {0, 0, 1, 1};
    run_single(OpType::kMaxPool2D, {1, 7, 7, 3}, {1, 4, 4, 3}, a);
  }
  SECTION("GlobalAveragePool") {
    run_single(OpType::kGlobalAveragePool2D, {1, 7, 6, 12}, {1, 1, 1, 12}, Attributes{});
  }
  SECTION("Mean over H and W") {
    Attributes a;
    a.ints = {1, 2};
    run_single(OpType::kMean, {1, 5, 4, 6}, {1, 1, 1, 6}, a);
  }
}

TEST_CASE("ReduceMax, ReduceMin and ReduceProd match the reference", "[xnn][reduce]") {
  // Each reduction is a tree of binary operators over the reduced values
  // padded to a power of two: lengths 7 (padded), 8 (not), 30 and 1000 after
  // moving the axes last, 1 (a copy), and every axis at once.
  struct Case {
    Shape in;
    std::vector<int64_t> axes;
  };
  const Case cases[] = {
      {{1, 5, 6, 7}, {3}}, {{1, 5, 6, 8}, {3}}, {{1, 5, 6, 7}, {1, 2}}, {{3, 1000}, {1}},
      {{1, 5, 6, 7}, {0}}, {{2, 3, 4, 5}, {0, 1, 2, 3}}, {{4, 3, 2}, {0, 2}},
  };
  for (OpType op : {OpType::kReduceMax, OpType::kReduceMin, OpType::kReduceProd}) {
    for (const Case& c : cases) {
      INFO(garden::op_name(op) << " over " << c.axes.size() << " axes of a rank-" << c.in.size() << " input");
      Shape out = c.in;
      for (int64_t a : c.axes) out[static_cast<size_t>(a)] = 1;
      GraphBuilder m(c.in.size() == 4 ? Layout::kNHWC : Layout::kAny);
      TensorId x = m.input(c.in);
      // Products of values near 1, so that a thousand of them stay finite.
      if (op == OpType::kReduceProd)
        x = m.node(OpType::kAdd, {m.node(OpType::kMul, {x, m.constant({1}, {0.01f})}, c.in), m.constant({1}, {1.f})},
                   c.in);
      Attributes a;
      a.ints = c.axes;
      m.output(m.node(op, {x}, out, a));
      check_against_reference(m.graph());
    }
  }
}

TEST_CASE("Resize2D matches the reference", "[xnn][resize]") {
  SECTION("bilinear half_pixel x2") {
    run_single(OpType::kResize2D, {1, 5, 6, 3}, {1, 10, 12, 3},
               resize_attrs(ResizeMode::kBilinear, CoordinateMode::kHalfPixel));
  }
  SECTION("bilinear half_pixel 65 -> 129-like odd size") {
    run_single(OpType::kResize2D, {1, 9, 7, 2}, {1, 33, 29, 2},
               resize_attrs(ResizeMode::kBilinear, CoordinateMode::kHalfPixel));
  }
  SECTION("bilinear align_corners") {
    run_single(OpType::kResize2D, {1, 5, 6, 3}, {1, 9, 11, 3},
               resize_attrs(ResizeMode::kBilinear, CoordinateMode::kAlignCorners));
  }
  SECTION("bilinear asymmetric") {
    run_single(OpType::kResize2D, {1, 5, 6, 3}, {1, 10, 15, 3},
               resize_attrs(ResizeMode::kBilinear, CoordinateMode::kAsymmetric));
  }
  SECTION("bilinear half_pixel downsampling") {
    run_single(OpType::kResize2D, {1, 12, 10, 3}, {1, 5, 4, 3},
               resize_attrs(ResizeMode::kBilinear, CoordinateMode::kHalfPixel));
  }
  SECTION("nearest x2 asymmetric") {
    run_single(OpType::kResize2D, {1, 5, 6, 8}, {1, 10, 12, 8},
               resize_attrs(ResizeMode::kNearest, CoordinateMode::kAsymmetric));
  }
  SECTION("nearest x4 by x2 half_pixel") {
    run_single(OpType::kResize2D, {1, 3, 5, 4}, {1, 12, 10, 4},
               resize_attrs(ResizeMode::kNearest, CoordinateMode::kHalfPixel));
  }
  SECTION("nearest x1 is a copy") {
    run_single(OpType::kResize2D, {1, 3, 5, 4}, {1, 3, 5, 4},
               resize_attrs(ResizeMode::kNearest, CoordinateMode::kAsymmetric));
  }
}

TEST_CASE("Resizes XNNPACK cannot run are refused with kUnsupportedModel", "[xnn][resize]") {
  SECTION("nearest with a non-integer factor") {
    GraphBuilder m(Layout::kNHWC);
    m.output(m.node(OpType::kResize2D, {m.input({1, 4, 4, 2})}, {1, 6, 6, 2},
                    resize_attrs(ResizeMode::kNearest, CoordinateMode::kAsymmetric)));
    CHECK(session_error(m.graph()) == garden::ErrorCode::kUnsupportedModel);
  }
  SECTION("nearest downsampling") {
    GraphBuilder m(Layout::kNHWC);
    m.output(m.node(OpType::kResize2D, {m.input({1, 8, 8, 2})}, {1, 4, 4, 2},
                    resize_attrs(ResizeMode::kNearest, CoordinateMode::kAsymmetric)));
    CHECK(session_error(m.graph()) == garden::ErrorCode::kUnsupportedModel);
  }
}
