// What every pass test checks: the pass leaves a valid graph whose outputs,
// evaluated by the reference evaluator on `inputs`, stay within
// max |after - before| <= tolerance * max |before| of the graph's before it.
#pragma once

#include <catch2/catch.hpp>

#include <vector>

#include "graph/reference.h"
#include "graph_builder.h"

namespace garden {
namespace testing {

// Runs `pass` on a copy of `graph` and returns the rewritten copy.
template <typename Pass>
Graph apply_and_compare(const Graph& graph, const std::vector<std::vector<float>>& inputs, Pass pass,
                        float tolerance) {
  const auto before = evaluate(graph, inputs);
  Graph after = graph;
  pass(after);
  after.validate();
  const Difference d = compare(evaluate(after, inputs), before);
  INFO("max |diff| = " << d.max_abs_diff << ", max |ref| = " << d.max_abs_ref);
  REQUIRE(d.max_abs_ref > 0.f);
  REQUIRE(d.max_abs_diff <= tolerance * d.max_abs_ref);
  return after;
}

}  // namespace testing
}  // namespace garden
