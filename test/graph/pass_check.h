// What every pass test checks: the pass leaves a valid graph whose outputs,
// evaluated by the reference evaluator on `inputs`, stay within
// max |after - before| <= tolerance * max |before| of the graph's before it.
#pragma once

#include <catch2/catch.hpp>

#include <vector>

#include "graph/passes.h"
#include "graph/reference.h"
#include "support/graph_builder.h"

namespace garden_test {

// Runs `pass` on a copy of `graph` and returns the rewritten copy.
template <typename Pass>
Graph apply_and_compare(const Graph& graph, const std::vector<std::vector<float>>& inputs, Pass pass,
                        float tolerance) {
  const auto before = garden::evaluate(graph, inputs);
  Graph after = graph;
  pass(after);
  after.validate();
  const Difference d = compare(garden::evaluate(after, inputs), before);
  INFO("max |diff| = " << d.max_diff << ", max |ref| = " << d.max_ref);
  REQUIRE(d.max_ref > 0.f);
  REQUIRE(d.max_diff <= tolerance * d.max_ref);
  return after;
}

// The same for a pass followed by remove_dead_code, which drops what the pass bypassed.
template <typename Pass>
Graph apply_clean_and_compare(const Graph& graph, const std::vector<std::vector<float>>& inputs, Pass pass,
                              float tolerance) {
  return apply_and_compare(graph, inputs, [&pass](Graph& g) {
    pass(g);
    garden::remove_dead_code(g);
  }, tolerance);
}

}  // namespace garden_test
