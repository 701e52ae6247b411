// Builds small graphs for tests: tensors and nodes by hand, typed helpers that
// compute output shapes per layout, constants from a seeded generator or a
// byte pattern, and comparisons of outputs.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden_test {

using garden::Attributes;
using garden::CoordinateMode;
using garden::DType;
using garden::Graph;
using garden::Layout;
using garden::OpType;
using garden::ResizeMode;
using garden::Shape;
using garden::TensorId;

class GraphBuilder {
 public:
  // `layout`: where the typed helpers put channels, and the layout of 4-D
  // tensors made without one; `seed`: of the random values.
  explicit GraphBuilder(Layout layout = Layout::kNCHW, uint32_t seed = 1) : layout_(layout), rng_(seed) {}

  Graph& graph() { return graph_; }
  Layout layout() const { return layout_; }
  // The builder's layout for a 4-D shape, kAny for any other rank.
  Layout layout_for(const Shape& shape) const { return shape.size() == 4 ? layout_ : Layout::kAny; }

  // An activation shape from logical N, C, H, W in the builder's layout.
  Shape image_shape(int64_t n, int64_t c, int64_t h, int64_t w) const;
  int64_t channels(TensorId id) const;
  int64_t height(TensorId id) const;
  int64_t width(TensorId id) const;

  // A named activation that no node writes yet and that is not an input.
  TensorId activation(const std::string& name, const Shape& shape, Layout layout = Layout::kAny);
  TensorId input(const Shape& shape, Layout layout);
  TensorId input(const Shape& shape) { return input(shape, layout_for(shape)); }
  TensorId image_input(int64_t n, int64_t c, int64_t h, int64_t w);
  TensorId constant(const Shape& shape, const std::vector<float>& values);
  TensorId random_constant(const Shape& shape, float low = -1.f, float high = 1.f);
  // A constant of any dtype holding pattern_bytes.
  TensorId pattern_constant(const std::string& name, const Shape& shape, DType dtype = DType::kF32);
  void output(TensorId id) { graph_.outputs.push_back(id); }

  // Adds a node writing a new tensor of `shape` and `layout`; returns that tensor.
  TensorId node(OpType op, const std::vector<TensorId>& inputs, const Shape& shape, Layout layout,
                const Attributes& attrs = {});
  // The same in layout_for(shape).
  TensorId node(OpType op, const std::vector<TensorId>& inputs, const Shape& shape, const Attributes& attrs = {}) {
    return node(op, inputs, shape, layout_for(shape), attrs);
  }

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

// Values in [low, high) from a generator of their own.
std::vector<float> random_values(size_t count, uint32_t seed, float low = -1.f, float high = 1.f);

// A repeating byte pattern, so that swapped or shifted weights are noticed.
std::vector<uint8_t> pattern_bytes(size_t count, uint8_t seed);

// Window attributes with the same stride, padding and dilation on both axes.
Attributes conv_attrs(int stride, int pad, int groups = 1, int dilation = 1);
Attributes with_activation(Attributes attrs, float min, float max);

// Largest |actual - reference| (infinite if any is NaN) and largest |reference|.
struct Difference {
  float max_diff = 0.f;
  float max_ref = 0.f;
  float ratio() const { return max_ref > 0.f ? max_diff / max_ref : max_diff; }
};
Difference compare(const float* actual, const std::vector<float>& reference);
// Over all outputs; their counts and sizes must match.
Difference compare(const std::vector<std::vector<float>>& actual, const std::vector<std::vector<float>>& reference);

int count_ops(const Graph& graph, OpType op);

}  // namespace garden_test
