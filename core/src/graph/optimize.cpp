// optimize(): the standard pass pipeline on an imported graph (session.h).
#include <utility>

#include "garden/session.h"
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
