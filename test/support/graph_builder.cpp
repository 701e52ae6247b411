#include "support/graph_builder.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace garden_test {

using garden::element_count;
using garden::Node;
using garden::Tensor;

Shape GraphBuilder::image_shape(int64_t n, int64_t c, int64_t h, int64_t w) const {
  return layout_ == Layout::kNCHW ? Shape{n, c, h, w} : Shape{n, h, w, c};
}

int64_t GraphBuilder::channels(TensorId id) const {
  const Tensor& t = graph_.tensor(id);
  if (t.shape.size() != 4) return t.shape.back();
  return t.layout == Layout::kNCHW ? t.shape[1] : t.shape[3];
}
int64_t GraphBuilder::height(TensorId id) const {
  const Tensor& t = graph_.tensor(id);
  return t.layout == Layout::kNCHW ? t.shape[2] : t.shape[1];
}
int64_t GraphBuilder::width(TensorId id) const {
  const Tensor& t = graph_.tensor(id);
  return t.layout == Layout::kNCHW ? t.shape[3] : t.shape[2];
}

TensorId GraphBuilder::activation(const std::string& name, const Shape& shape, Layout layout) {
  Tensor t;
  t.name = name;
  t.shape = shape;
  t.layout = layout;
  return graph_.add_tensor(std::move(t));
}

TensorId GraphBuilder::input(const Shape& shape, Layout layout) {
  const TensorId id = activation(fresh_name("input"), shape, layout);
  graph_.inputs.push_back(id);
  return id;
}

TensorId GraphBuilder::image_input(int64_t n, int64_t c, int64_t h, int64_t w) {
  return input(image_shape(n, c, h, w), layout_);
}

TensorId GraphBuilder::constant(const Shape& shape, const std::vector<float>& values) {
  if (values.size() != static_cast<size_t>(element_count(shape))) throw std::logic_error("constant: wrong value count");
  Tensor t;
  t.name = fresh_name("const");
  t.shape = shape;
  t.data.resize(values.size() * sizeof(float));
  std::copy(values.begin(), values.end(), reinterpret_cast<float*>(t.data.data()));
  return graph_.add_tensor(std::move(t));
}

TensorId GraphBuilder::random_constant(const Shape& shape, float low, float high) {
  return constant(shape, random_values(static_cast<size_t>(element_count(shape)), low, high));
}

TensorId GraphBuilder::pattern_constant(const std::string& name, const Shape& shape, DType dtype) {
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  t.data = pattern_bytes(static_cast<size_t>(element_count(shape)) * garden::dtype_size(dtype),
                         static_cast<uint8_t>(graph_.tensors.size()));
  return graph_.add_tensor(std::move(t));
}

TensorId GraphBuilder::node(OpType op, const std::vector<TensorId>& inputs, const Shape& shape, Layout layout,
                            const Attributes& attrs) {
  const TensorId out = activation(fresh_name(garden::op_name(op)), shape, layout);
  graph_.nodes.push_back(Node{op, graph_.tensor(out).name, inputs, {out}, attrs});
  return out;
}

TensorId GraphBuilder::conv(TensorId x, int64_t out_channels, int kernel, int stride, int pad, int groups, bool bias) {
  Attributes a;
  a.stride = {stride, stride};
  a.pad = {pad, pad, pad, pad};
  a.groups = groups;
  const int64_t in_channels = channels(x);
  std::vector<TensorId> inputs{x, random_constant({out_channels, kernel, kernel, in_channels / groups})};
  if (bias) inputs.push_back(random_constant({out_channels}));
  const int64_t h = (height(x) + 2 * pad - kernel) / stride + 1;
  const int64_t w = (width(x) + 2 * pad - kernel) / stride + 1;
  return node(OpType::kConv2D, inputs, image_shape(graph_.tensor(x).shape[0], out_channels, h, w), layout_, a);
}

TensorId GraphBuilder::batch_norm(TensorId x) {
  const int64_t c = channels(x);
  Attributes a;
  a.epsilon = 1e-3f;
  const Tensor& t = graph_.tensor(x);
  const Shape shape = t.shape;
  const Layout layout = t.layout;
  return node(OpType::kBatchNorm,
              {x, random_constant({c}, 0.5f, 1.5f), random_constant({c}), random_constant({c}),
               random_constant({c}, 0.2f, 2.f)},
              shape, layout, a);
}

TensorId GraphBuilder::clamp(TensorId x, float low, float high) {
  Attributes a;
  a.activation_min = low;
  a.activation_max = high;
  const Shape shape = graph_.tensor(x).shape;
  return node(OpType::kClamp, {x}, shape, graph_.tensor(x).layout, a);
}

TensorId GraphBuilder::unary(OpType op, TensorId x) {
  const Shape shape = graph_.tensor(x).shape;
  return node(op, {x}, shape, graph_.tensor(x).layout);
}

TensorId GraphBuilder::binary(OpType op, TensorId a, TensorId b) {
  const Tensor& ta = graph_.tensor(a);
  const Tensor& tb = graph_.tensor(b);
  const size_t rank = std::max(ta.shape.size(), tb.shape.size());
  Shape shape(rank);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < ta.shape.size() ? ta.shape[ta.shape.size() - 1 - k] : 1;
    const int64_t db = k < tb.shape.size() ? tb.shape[tb.shape.size() - 1 - k] : 1;
    shape[rank - 1 - k] = std::max(da, db);
  }
  const Layout layout = ta.shape.size() == rank && !ta.is_constant() ? ta.layout : tb.layout;
  return node(op, {a, b}, shape, layout);
}

TensorId GraphBuilder::global_average_pool(TensorId x) {
  const int64_t n = graph_.tensor(x).shape[0];
  return node(OpType::kGlobalAveragePool2D, {x}, image_shape(n, channels(x), 1, 1), layout_);
}

TensorId GraphBuilder::resize(TensorId x, int64_t h, int64_t w, ResizeMode mode, CoordinateMode coordinates) {
  Attributes a;
  a.resize_mode = mode;
  a.coordinate_mode = coordinates;
  const int64_t n = graph_.tensor(x).shape[0];
  return node(OpType::kResize2D, {x}, image_shape(n, channels(x), h, w), layout_, a);
}

TensorId GraphBuilder::concat_channels(const std::vector<TensorId>& xs) {
  int64_t c = 0;
  for (TensorId x : xs) c += channels(x);
  Attributes a;
  a.axis = layout_ == Layout::kNCHW ? 1 : 3;
  return node(OpType::kConcat, xs, image_shape(graph_.tensor(xs[0]).shape[0], c, height(xs[0]), width(xs[0])),
              layout_, a);
}

TensorId GraphBuilder::reshape(TensorId x, const Shape& shape, Layout layout) {
  return node(OpType::kReshape, {x}, shape, layout);
}

TensorId GraphBuilder::fully_connected(TensorId x, int64_t out_features) {
  const Tensor& t = graph_.tensor(x);
  const int64_t in_features = t.shape.back();
  const int64_t rows = element_count(t.shape) / in_features;
  return node(OpType::kFullyConnected,
              {x, random_constant({out_features, in_features}), random_constant({out_features})},
              {rows, out_features}, Layout::kAny);
}

TensorId GraphBuilder::se_block(TensorId x, int64_t squeeze_channels) {
  const TensorId pooled = global_average_pool(x);
  const TensorId squeezed = clamp(conv(pooled, squeeze_channels, 1), 0.f, INFINITY);
  const TensorId gate = unary(OpType::kSigmoid, conv(squeezed, channels(x), 1));
  return binary(OpType::kMul, x, gate);
}

std::vector<float> GraphBuilder::random_values(size_t count, float low, float high) {
  std::uniform_real_distribution<float> distribution(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = distribution(rng_);
  return values;
}

std::vector<std::vector<float>> GraphBuilder::random_inputs() {
  std::vector<std::vector<float>> inputs;
  for (TensorId id : graph_.inputs)
    inputs.push_back(random_values(static_cast<size_t>(element_count(graph_.tensor(id).shape))));
  return inputs;
}

std::vector<float> random_values(size_t count, uint32_t seed, float low, float high) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> distribution(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = distribution(rng);
  return values;
}

std::vector<uint8_t> pattern_bytes(size_t count, uint8_t seed) {
  std::vector<uint8_t> bytes(count);
  for (size_t i = 0; i < count; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
  return bytes;
}

Attributes conv_attrs(int stride, int pad, int groups, int dilation) {
  Attributes a;
  a.stride = {stride, stride};
  a.dilation = {dilation, dilation};
  a.pad = {pad, pad, pad, pad};
  a.groups = groups;
  return a;
}

Attributes with_activation(Attributes attrs, float min, float max) {
  attrs.activation_min = min;
  attrs.activation_max = max;
  return attrs;
}

namespace {

void accumulate(Difference& d, float actual, float reference) {
  const float diff = std::fabs(actual - reference);
  // NaN never compares greater, so count it explicitly.
  d.max_diff = std::isnan(diff) ? INFINITY : std::max(d.max_diff, diff);
  d.max_ref = std::max(d.max_ref, std::fabs(reference));
}

}  // namespace

Difference compare(const float* actual, const std::vector<float>& reference) {
  Difference d;
  for (size_t i = 0; i < reference.size(); ++i) accumulate(d, actual[i], reference[i]);
  return d;
}

Difference compare(const std::vector<std::vector<float>>& actual, const std::vector<std::vector<float>>& reference) {
  if (actual.size() != reference.size()) throw std::logic_error("compare: output counts differ");
  Difference d;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (actual[i].size() != reference[i].size()) throw std::logic_error("compare: output sizes differ");
    for (size_t k = 0; k < actual[i].size(); ++k) accumulate(d, actual[i][k], reference[i][k]);
  }
  return d;
}

int count_ops(const Graph& graph, OpType op) {
  return static_cast<int>(std::count_if(graph.nodes.begin(), graph.nodes.end(),
                                        [op](const Node& n) { return n.op == op; }));
}

}  // namespace garden_test
