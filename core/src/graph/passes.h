// Graph-to-graph rewrites, run in order by optimize() (see run_standard_passes).
// Each pass keeps the graph valid (Graph::validate) and its outputs' values.
#pragma once

#include "garden/graph.h"

namespace garden {

// Evaluates nodes whose inputs are all constants (shape arithmetic, weight
// reshapes/transposes, Mul/Add of constants) and replaces them by constants.
void fold_constants(Graph& graph);

// Folds BatchNorm into the Conv2D / ConvTranspose2D / FullyConnected that feeds
// it (when that op's output has no other reader); the remaining BatchNorms
// become Mul + Add with constant per-channel vectors.
void fold_batch_norm(Graph& graph);

// x * clip(x + 3, 0, 6) / 6 spelled with Add, Clamp, Mul and Div (or Mul by
// 1/6) becomes one HardSwish, and clip(x + 3, 0, 6) / 6 one HardSigmoid,
// where the intermediates have no other reader and are not graph outputs.
void fuse_hard_swish(Graph& graph);

// Div(x, c) with a constant c becomes Mul(x, 1/c) (at most about one ulp
// apart; XNNPACK multiplies faster than it divides).
void multiply_by_reciprocals(Graph& graph);

// Mul, Add or Sub by a per-channel (or scalar) constant right after a Conv2D,
// ConvTranspose2D or FullyConnected goes into its weights and bias, when
// nothing else reads the op's output.
void fold_channel_affine(Graph& graph);

// Merges Clamp (Relu, Relu6, clip) into the op before it when that op can apply
// an output clamp (convolutions, fully connected, binary element-wise ops).
void fuse_activations(Graph& graph);

// Makes every 4-D activation NHWC; graph inputs and outputs keep their
// declared layout through one Transpose each.
void convert_to_nhwc(Graph& graph);

// Removes nodes whose outputs nobody reads and tensors nobody references.
void remove_dead_code(Graph& graph);

// Reshape(Reshape(x)) reads x directly; a Reshape that changes neither shape
// nor layout is removed (unless it produces a graph output).
void simplify_reshapes(Graph& graph);

// fold_constants, simplify_reshapes, fold_batch_norm, fuse_hard_swish,
// multiply_by_reciprocals, fold_channel_affine, fuse_activations,
// convert_to_nhwc, remove_dead_code.
void run_standard_passes(Graph& graph);

}  // namespace garden
