// The reference evaluator: plain scalar C++ for every OpType, written to be
// obviously correct rather than fast. Backends are tested against it op by op,
// and fold_constants uses it to compute constant nodes. Each op's kernel sits
// beside its card in core/src/ops; a node is evaluated only once it meets its
// card's contract (ops::check_node).
//
// It honours each tensor's Layout: a 4-D tensor marked kNCHW is read and written
// as [N, C, H, W]; any other 4-D tensor as [N, H, W, C]. Element-wise, Concat,
// Softmax, Mean, Slice, Pad, Transpose and Reshape work on the literal shapes.
//
// Choices where the formats differ (documented here because backends and
// importers must agree with them):
//   * Resize nearest: asymmetric uses floor(src) (PyTorch "nearest", TF default);
//     half_pixel and align_corners round half up, floor(src + 0.5) (TF
//     half_pixel_centers / align_corners, PyTorch "nearest-exact"). ONNX's
//     default round_prefer_floor differs from this only on exact ties.
//   * Resize bilinear: source coordinates below 0 are clamped to 0, and the
//     neighbour index is clamped to the last row/column (PyTorch, ONNX, TF).
//   * Average pooling with count_include_pad counts the window's positions that
//     lie inside the padded input (PyTorch); without it, only real pixels.
//   * A node's fused activation (activation_min/max) clamps every output.
#pragma once

#include <vector>

#include "garden/graph.h"

namespace garden {

// Runs the whole graph. `inputs` holds one f32 buffer per graph input, in the
// graph's declared shape and layout; the result holds one buffer per graph output.
// Throws Error(kInvalidArgument) for wrong input sizes, Error(kInvalidModel) for
// shapes or attributes that are inconsistent with an op's definition, and
// Error(kLimitExceeded), before allocating, when the graph's non-constant
// tensors together exceed a Session's default activation bound
// (kDefaultMaxActivationBytes, garden/limits.h).
std::vector<std::vector<float>> evaluate(const Graph& graph,
                                         const std::vector<std::vector<float>>& inputs);

// Computes one node's outputs from its input values (one buffer per node input).
// Error(kLimitExceeded) when the output alone exceeds that bound.
std::vector<std::vector<float>> evaluate_node(const Graph& graph, const Node& node,
                                              const std::vector<const std::vector<float>*>& inputs);

}  // namespace garden
