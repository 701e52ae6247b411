// Small NHWC graphs for backend tests, built in code with seeded random
// weights, and the check that runs them through a Session and compares with
// the reference evaluator.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "garden/session.h"
#include "graph/reference.h"

namespace garden_test {

using garden::Attributes;
using garden::Graph;
using garden::Layout;
using garden::OpType;
using garden::Shape;
using garden::TensorId;

// Element-wise tolerance of the XNNPACK backend against the reference
// evaluator: max |session - reference| <= kTolerance * max |reference|.
constexpr float kTolerance = 1e-5f;

inline std::vector<float> random_values(size_t count, uint32_t seed, float low = -1.f,
                                        float high = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = dist(rng);
  return values;
}

class GraphMaker {
 public:
  explicit GraphMaker(uint32_t seed = 1) : seed_(seed) {}

  TensorId input(const Shape& shape) {
    const TensorId id = tensor(shape);
    graph_.inputs.push_back(id);
    return id;
  }

  TensorId constant(const Shape& shape, float low = -1.f, float high = 1.f) {
    const auto values = random_values(garden::element_count(shape), ++seed_, low, high);
    return constant_values(shape, values);
  }

  TensorId constant_values(const Shape& shape, const std::vector<float>& values) {
    garden::Tensor t;
    t.name = "c" + std::to_string(graph_.tensors.size());
    t.shape = shape;
    t.layout = layout_for(shape);
    t.data.resize(values.size() * sizeof(float));
    std::copy(values.begin(), values.end(), reinterpret_cast<float*>(t.data.data()));
    return graph_.add_tensor(std::move(t));
  }

  TensorId node(OpType op, const std::vector<TensorId>& inputs, const Shape& out_shape,
                const Attributes& attrs = {}) {
    const TensorId out = tensor(out_shape);
    garden::Node n{op, std::string(garden::op_name(op)) + "_" + std::to_string(graph_.nodes.size()),
                   inputs, {out}, attrs};
    graph_.nodes.push_back(std::move(n));
    return out;
  }

  void output(TensorId id) { graph_.outputs.push_back(id); }
  Graph& graph() { return graph_; }

 private:
  static Layout layout_for(const Shape& shape) {
    return shape.size() == 4 ? Layout::kNHWC : Layout::kAny;
  }
  TensorId tensor(const Shape& shape) {
    garden::Tensor t;
    t.name = "t" + std::to_string(graph_.tensors.size());
    t.shape = shape;
    t.layout = layout_for(shape);
    return graph_.add_tensor(std::move(t));
  }

  Graph graph_;
  uint32_t seed_;
};

// Largest |a - b| and largest |b|.
struct Difference {
  float max_diff = 0.f;
  float max_ref = 0.f;
  float ratio() const { return max_ref > 0.f ? max_diff / max_ref : max_diff; }
};

inline Difference compare(const float* actual, const std::vector<float>& expected) {
  Difference d;
  for (size_t i = 0; i < expected.size(); ++i) {
    const float diff = std::fabs(actual[i] - expected[i]);
    // NaN never compares greater, so count it explicitly.
    d.max_diff = std::isnan(diff) ? INFINITY : std::max(d.max_diff, diff);
    d.max_ref = std::max(d.max_ref, std::fabs(expected[i]));
  }
  return d;
}

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
  try {
    garden::Session session(garden::Model{graph});
  } catch (const garden::Error& e) {
    return e.code();
  }
  FAIL("the session was created without error");
  return garden::ErrorCode::kIo;
}

inline Attributes conv_attrs(int stride, int pad, int groups = 1, int dilation = 1) {
  Attributes a;
  a.stride = {stride, stride};
  a.dilation = {dilation, dilation};
  a.pad = {pad, pad, pad, pad};
  a.groups = groups;
  return a;
}

}  // namespace garden_test
