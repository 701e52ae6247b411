// Builds small graphs for tests: typed helpers that compute output shapes per
// layout, constants from a seeded generator, and before/after comparisons.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden {
namespace testing {

class GraphBuilder {
 public:
  explicit GraphBuilder(Layout layout = Layout::kNCHW, uint32_t seed = 1) : layout_(layout), rng_(seed) {}

  Graph& graph() { return graph_; }
  Layout layout() const { return layout_; }

  // An activation shape from logical N, C, H, W in the builder's layout.
  Shape image_shape(int64_t n, int64_t c, int64_t h, int64_t w) const;
  int64_t channels(TensorId id) const;
  int64_t height(TensorId id) const;
  int64_t width(TensorId id) const;

  TensorId input(const Shape& shape, Layout layout);
  TensorId image_input(int64_t n, int64_t c, int64_t h, int64_t w);
  TensorId constant(const Shape& shape, const std::vector<float>& values);
  TensorId random_constant(const Shape& shape, float low = -1.f, float high = 1.f);
  void output(TensorId id) { graph_.outputs.push_back(id); }

  // Adds a node writing a new tensor of `shape` and `layout`; returns that tensor.
  TensorId node(OpType op, const std::vector<TensorId>& inputs, const Shape& shape, Layout layout,
                const Attributes& attrs = {});

  TensorId conv(TensorId x, int64_t out_channels, int kernel, int stride = 1, int pad = 0, int groups = 1,
                bool bias = true);
  TensorId batch_norm(TensorId x);
  TensorId clamp(TensorId x, float low, float high);
  TensorId unary(OpType op, TensorId x);
  TensorId binary(OpType op, TensorId a, TensorId b);
  TensorId global_average_pool(TensorId x);
  TensorId resize(TensorId x, int64_t h, int64_t w, ResizeMode mode, CoordinateMode coordinates);
  TensorId concat_channels(const std::vector<TensorId>& xs);
  TensorId reshape(TensorId x, const Shape& shape, Layout layout = Layout::kAny);
  TensorId fully_connected(TensorId x, int64_t out_features);
  // Squeeze-and-excitation: x * sigmoid(conv1x1(relu(conv1x1(gap(x))))).
  TensorId se_block(TensorId x, int64_t squeeze_channels);

  std::vector<float> random_values(size_t count, float low = -1.f, float high = 1.f);
  // Random values for every graph input.
  std::vector<std::vector<float>> random_inputs();

 private:
  Graph graph_;
  Layout layout_;
  std::mt19937 rng_;
  int counter_ = 0;
  std::string fresh_name(const std::string& base) { return base + "_" + std::to_string(counter_++); }
};

// max |a - b| and max |b| over all outputs.
struct Difference {
  float max_abs_diff = 0.f;
  float max_abs_ref = 0.f;
};
Difference compare(const std::vector<std::vector<float>>& actual, const std::vector<std::vector<float>>& reference);

int count_ops(const Graph& graph, OpType op);

}  // namespace testing
}  // namespace garden
