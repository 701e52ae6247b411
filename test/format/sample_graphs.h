// Hand-built graphs for the .garden format tests and the garden-convert CLI
// test. Shapes are consistent with each op's attributes; values are arbitrary
// but deterministic.
#pragma once

#include <limits>

#include "garden/graph.h"
#include "support/graph_builder.h"

namespace garden_test {

// Every op, each with non-default values for every attribute it uses; every
// dtype and layout; full metadata.
inline Graph every_op_graph() {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  GraphBuilder g(Layout::kAny);
  const TensorId x = g.activation("image", {1, 8, 8, 4}, Layout::kNHWC);
  g.graph().inputs = {x};

  Attributes conv;
  conv.stride = {2, 1};
  conv.dilation = {1, 2};
  conv.pad = {1, 2, 0, 2};
  conv.groups = 2;
  conv = with_activation(conv, 0.f, 6.f);
  const TensorId c1 =
      g.node(OpType::kConv2D, {x, g.pattern_constant("conv_w", {8, 3, 3, 2}), g.pattern_constant("conv_b", {8})},
             {1, 4, 8, 8}, Layout::kNHWC, conv);

  Attributes deconv;
  deconv.stride = {2, 2};
  deconv.pad = {0, 0, 1, 0};
  deconv.output_padding = {1, 0};
  deconv.groups = 4;
  deconv = with_activation(deconv, -1.f, kInf);
  const TensorId d1 =
      g.node(OpType::kConvTranspose2D, {c1, g.pattern_constant("deconv_w", {4, 2, 2, 2}, DType::kF16)},
             {1, 8, 16, 4}, Layout::kNHWC, deconv);

  const TensorId flat = g.node(OpType::kReshape, {c1}, {1, 256});
  const TensorId fc = g.node(OpType::kFullyConnected,
                             {flat, g.pattern_constant("fc_w", {10, 256}), g.pattern_constant("fc_b", {10})},
                             {1, 10}, with_activation({}, -kInf, 3.5f));

  const TensorId add = g.node(OpType::kAdd, {x, x}, {1, 8, 8, 4}, with_activation({}, 0.f, kInf));
  const TensorId sub = g.node(OpType::kSub, {add, g.pattern_constant("sub_c", {4})}, {1, 8, 8, 4});
  const TensorId mul = g.node(OpType::kMul, {sub, g.pattern_constant("mul_c", {1}, DType::kF16)},
                              {1, 8, 8, 4}, with_activation({}, -2.f, 2.f));
  const TensorId div = g.node(OpType::kDiv, {mul, add}, {1, 8, 8, 4});
  const TensorId clamp = g.node(OpType::kClamp, {div}, {1, 8, 8, 4}, with_activation({}, 0.f, 6.f));
  const TensorId sig = g.node(OpType::kSigmoid, {clamp}, {1, 8, 8, 4});
  Attributes hsig;
  hsig.alpha = 0.2f;
  hsig.beta = 0.5f;
  const TensorId hs = g.node(OpType::kHardSigmoid, {sig}, {1, 8, 8, 4}, hsig);
  const TensorId hw = g.node(OpType::kHardSwish, {hs}, {1, 8, 8, 4});
  const TensorId sw = g.node(OpType::kSwish, {hw}, {1, 8, 8, 4});
  const TensorId th = g.node(OpType::kTanh, {sw}, {1, 8, 8, 4});
  Attributes leaky;
  leaky.alpha = 0.1f;
  const TensorId leaky_out = g.node(OpType::kLeakyRelu, {th}, {1, 8, 8, 4}, leaky);
  Attributes elu;
  elu.alpha = 0.7f;
  TensorId lr = g.node(OpType::kElu, {leaky_out}, {1, 8, 8, 4}, elu);
  for (OpType op : {OpType::kAbs, OpType::kNeg, OpType::kExp, OpType::kLog, OpType::kSqrt, OpType::kFloor,
                    OpType::kCeil, OpType::kRound, OpType::kSign, OpType::kReciprocal, OpType::kSin, OpType::kCos})
    lr = g.node(op, {lr}, {1, 8, 8, 4});
  for (OpType op : {OpType::kMaximum, OpType::kMinimum, OpType::kPow, OpType::kPRelu, OpType::kSquaredDifference,
                    OpType::kAtan2})
    lr = g.node(op, {lr, g.constant({4}, {0.5f, 1.f, 2.f, 3.f})}, {1, 8, 8, 4});

  Attributes avg;
  avg.kernel = {3, 2};
  avg.stride = {2, 2};
  avg.pad = {1, 0, 1, 0};
  avg.count_include_pad = true;
  const TensorId ap = g.node(OpType::kAveragePool2D, {lr}, {1, 4, 4, 4}, Layout::kNHWC, avg);
  Attributes max;
  max.kernel = {2, 3};
  max.stride = {1, 2};
  max.dilation = {2, 1};
  max.pad = {0, 1, 0, 1};
  max = with_activation(max, 0.f, kInf);
  const TensorId mp = g.node(OpType::kMaxPool2D, {th}, {1, 6, 4, 4}, Layout::kNHWC, max);
  const TensorId gap = g.node(OpType::kGlobalAveragePool2D, {mp}, {1, 1, 1, 4}, Layout::kNHWC);

  Attributes resize;
  resize.resize_mode = ResizeMode::kNearest;
  resize.coordinate_mode = CoordinateMode::kAlignCorners;
  const TensorId up = g.node(OpType::kResize2D, {ap}, {1, 8, 8, 4}, Layout::kNHWC, resize);

  Attributes cat;
  cat.axis = 3;
  const TensorId cc = g.node(OpType::kConcat, {up, th, x}, {1, 8, 8, 12}, Layout::kNHWC, cat);

  Attributes perm;
  perm.ints = {0, 3, 1, 2};
  const TensorId tr = g.node(OpType::kTranspose, {cc}, {1, 12, 8, 8}, Layout::kNCHW, perm);

  Attributes softmax;
  softmax.axis = 1;
  const TensorId sm = g.node(OpType::kSoftmax, {fc}, {1, 10}, softmax);

  Attributes pad;
  pad.ints = {0, 1, 2, 0, 0, 3, 4, 0};
  pad.pad_value = 0.5f;
  const TensorId pd = g.node(OpType::kPad, {cc}, {1, 12, 14, 12}, Layout::kNHWC, pad);

  Attributes bn;
  bn.epsilon = 1e-3f;
  const TensorId bnorm = g.node(OpType::kBatchNorm,
                                {pd, g.pattern_constant("bn_scale", {12}), g.pattern_constant("bn_bias", {12}),
                                 g.pattern_constant("bn_mean", {12}), g.pattern_constant("bn_var", {12})},
                                {1, 12, 14, 12}, Layout::kNHWC, bn);

  Attributes slice;
  slice.ints = {0, 2, 3, 4, 1, 8, 9, 8};
  const TensorId sl = g.node(OpType::kSlice, {bnorm}, {1, 8, 9, 8}, Layout::kNHWC, slice);

  Attributes mean;
  mean.ints = {2, 1};
  const TensorId mn = g.node(OpType::kMean, {sl}, {1, 1, 1, 8}, Layout::kNHWC, mean);
  Attributes channels;
  channels.ints = {3};
  const TensorId rmax = g.node(OpType::kReduceMax, {mn}, {1, 1, 1, 1}, Layout::kNHWC, channels);
  Attributes rows;
  rows.ints = {1};
  const TensorId rmin = g.node(OpType::kReduceMin, {sl}, {1, 1, 9, 8}, Layout::kNHWC, rows);
  Attributes all;
  all.ints = {0, 1, 2, 3};
  const TensorId rprod = g.node(OpType::kReduceProd, {rmin}, {1, 1, 1, 1}, Layout::kNHWC, all);

  Attributes d2s;
  d2s.block_size = 2;
  const TensorId ds = g.node(OpType::kDepthToSpace, {sl}, {1, 16, 18, 2}, Layout::kNHWC, d2s);

  // [1, 12, 8, 8] x [8, 8] broadcast over the batch dimensions, then by itself.
  const TensorId mm = g.node(OpType::kBatchMatMul, {tr, g.pattern_constant("matmul_b", {8, 8})}, {1, 12, 8, 8});
  const TensorId mm2 = g.node(OpType::kBatchMatMul, {mm, mm}, {1, 12, 8, 8});

  // Integer constants are not read by any op here but must survive the trip.
  g.pattern_constant("int32_table", {3}, DType::kI32);
  g.pattern_constant("int64_scalar", {}, DType::kI64);

  g.graph().outputs = {d1, sm, gap, tr, mn, ds, mm2, rmax, rprod};
  // Declared types travel with the outputs (the values stay float32).
  g.graph().output_types.assign(9, garden::ValueType::kFloat32);
  g.graph().output_types[7] = garden::ValueType::kInt32;
  g.graph().output_types[8] = garden::ValueType::kBool;
  garden::ModelInfo& info = g.graph().info;
  info.task = "classification";
  info.source = "hand-built test graph";
  info.license = "Apache-2.0";
  info.labels = {"background", "cat", "dog", "\xc3\xa9t\xc3\xa9"};
  info.mean = {0.485f, 0.456f, 0.406f};
  info.std = {0.229f, 0.224f, 0.225f};
  info.notes = "a while loop (node 'nms/while') is cut out of the graph";
  return g.graph();
}

// A small valid graph (conv + relu6 + global pool + fully connected) whose
// file is short enough to try every truncation of.
inline Graph small_graph() {
  GraphBuilder g(Layout::kAny);
  const TensorId x = g.activation("input", {1, 4, 4, 3}, Layout::kNHWC);
  g.graph().inputs = {x};
  Attributes conv;
  conv.pad = {1, 1, 1, 1};
  conv = with_activation(conv, 0.f, 6.f);
  const TensorId c =
      g.node(OpType::kConv2D, {x, g.pattern_constant("w", {4, 3, 3, 3}), g.pattern_constant("b", {4}, DType::kF16)},
             {1, 4, 4, 4}, Layout::kNHWC, conv);
  const TensorId p = g.node(OpType::kGlobalAveragePool2D, {c}, {1, 1, 1, 4}, Layout::kNHWC);
  const TensorId f = g.node(OpType::kReshape, {p}, {1, 4});
  const TensorId y = g.node(OpType::kFullyConnected, {f, g.pattern_constant("fc", {2, 4})}, {1, 2});
  g.graph().outputs = {y};
  g.graph().info.task = "classification";
  g.graph().info.labels = {"no", "yes"};
  return g.graph();
}

}  // namespace garden_test
