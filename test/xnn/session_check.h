// The checks of the backend tests: a graph (built with support/graph_builder.h
// in NHWC, with seeded random weights) run through a Session and compared with
// the reference evaluator, and the error a Session refuses a graph with.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "garden/session.h"
#include "graph/reference.h"
#include "support/errors.h"
#include "support/graph_builder.h"

namespace garden_test {

// Element-wise tolerance of the XNNPACK backend against the reference
// evaluator: max |session - reference| <= kTolerance * max |reference|.
constexpr float kTolerance = 1e-5f;

// Runs the graph with 1 and 2 threads on seeded random inputs and checks every
// output against the reference evaluator.
inline void check_against_reference(Graph& graph, uint32_t seed = 7) {
  graph.validate();
  std::vector<std::vector<float>> inputs;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    inputs.push_back(random_values(garden::element_count(graph.tensor(graph.inputs[i]).shape),
                                   seed + static_cast<uint32_t>(i)));
  }
  const auto expected = garden::evaluate(graph, inputs);
  garden::Model model{graph};
  for (int threads : {1, 2}) {
    garden::Session session(model, {threads, false});
    REQUIRE(session.input_count() == inputs.size());
    REQUIRE(session.output_count() == expected.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::copy(inputs[i].begin(), inputs[i].end(), session.input(i).data);
    }
    session.run();
    for (size_t o = 0; o < expected.size(); ++o) {
      const Difference d = compare(session.output(o).data, expected[o]);
      INFO("threads=" << threads << " output " << o << " max|diff|=" << d.max_diff
                      << " max|ref|=" << d.max_ref << " tolerance " << kTolerance << " x max|ref|");
      CHECK(d.max_ref > 0.f);  // a test whose reference is all zeros proves nothing
      CHECK(d.max_diff <= kTolerance * d.max_ref);
    }
  }
}

// The ErrorCode a Session constructor throws for this graph.
inline garden::ErrorCode session_error(const Graph& graph) {
  return error_code_of([&] { garden::Session session(garden::Model{graph}); });
}

}  // namespace garden_test
