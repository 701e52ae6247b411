#include "graph/passes.h"

namespace garden {

void run_standard_passes(Graph& graph) {
  graph.validate();
  fold_constants(graph);
  simplify_reshapes(graph);
  // BatchNorm before activations: Conv -> BN -> Relu becomes Conv -> Relu, then Conv.
  fold_batch_norm(graph);
  fuse_activations(graph);
  convert_to_nhwc(graph);
  remove_dead_code(graph);
  graph.validate();
}

}  // namespace garden
