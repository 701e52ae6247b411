#include "graph/passes.h"

namespace garden {

void run_standard_passes(Graph& graph) {
  graph.validate();
  fold_constants(graph);
  simplify_reshapes(graph);
  // BatchNorm before activations: Conv -> BN -> Relu becomes Conv -> Relu, then Conv.
  fold_batch_norm(graph);
  // Before fold_channel_affine, which would take a hard-sigmoid's "+ 3" into
  // the convolution before it and leave the rest of the pattern unmatched.
  fuse_hard_swish(graph);
  multiply_by_reciprocals(graph);
  // After the Div -> Mul rewrite (so a division folds too) and before
  // fuse_activations (a clamped convolution takes no more folds).
  fold_channel_affine(graph);
  fuse_activations(graph);
  convert_to_nhwc(graph);
  remove_dead_code(graph);
  graph.validate();
}

}  // namespace garden
