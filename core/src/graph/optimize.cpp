// optimize(): the standard pass pipeline on an imported graph (garden/model.h).
#include <utility>

#include "garden/model.h"
#include "graph/passes.h"

namespace garden {

Model optimize(Graph graph) {
  run_standard_passes(graph);
  graph.validate();
  Model model;
  model.graph = std::move(graph);
  return model;
}

}  // namespace garden
