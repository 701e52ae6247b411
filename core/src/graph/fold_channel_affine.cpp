// fold_channel_affine: a Mul, Add or Sub by a constant that is the same for
// every element of a channel (a scalar, or a vector along the channel axis),
// right after a Conv2D / ConvTranspose2D / FullyConnected, goes into that op's
// weights and bias. Exporters emit these for learnable scale-and-shift layers
// (PP-LCNetV3's "LearnableAffineBlock": Conv -> Mul(s) -> Add(b)); folded, each
// is one pass over memory less at run time, and XNNPACK packs the weights once.
//
//   Mul(y, s): W[o] *= s[o], bias[o] *= s[o]
//   Add(y, t): bias[o] += t[o]        Sub(y, t): bias[o] -= t[o]
//
// Folds only when the op has no fused clamp, its weights and bias are
// constants, and its output has no other reader and is not a graph output; the
// folded node takes the Mul/Add's output and clamp, so chains fold in turn.
#include <vector>

#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {
namespace {

bool is_linear_producer(const Graph& graph, const Node& node) {
  if (node.op != OpType::kConv2D && node.op != OpType::kConvTranspose2D && node.op != OpType::kFullyConnected)
    return false;
  if (node.attrs.has_activation() || node.outputs.size() != 1 || node.inputs.size() < 2) return false;
  for (size_t i = 1; i < node.inputs.size(); ++i)
    if (!graph.tensor(node.inputs[i]).is_constant()) return false;
  return true;
}

// The output-channel count of a producer: the weight's first dimension.
size_t output_channels(const Graph& graph, const Node& producer) {
  const Shape& weight = graph.tensor(producer.inputs[1]).shape;
  return weight.empty() ? 0 : static_cast<size_t>(weight[0]);
}

// The per-channel values of constant `c` broadcast onto activation `y`, when c
// varies at most along y's channel axis and does not widen y; else empty.
std::vector<float> per_channel_values(const Tensor& y, const Tensor& c, size_t channels) {
  if (!c.is_constant() || c.shape.size() > y.shape.size() || y.shape.empty()) return {};
  const size_t axis = static_cast<size_t>(channel_axis(y));
  if (y.shape[axis] != static_cast<int64_t>(channels)) return {};
  const size_t offset = y.shape.size() - c.shape.size();  // c's dims align with y's last ones
  for (size_t k = 0; k < c.shape.size(); ++k) {
    const int64_t dim = c.shape[k];
    const bool channel_dim = offset + k == axis;
    if (dim != 1 && !(channel_dim && dim == y.shape[axis])) return {};
  }
  const std::vector<float> values = constant_as_f32(c);
  if (values.size() == 1) return std::vector<float>(channels, values[0]);
  return values.size() == channels ? values : std::vector<float>{};
}

struct Affine {
  std::vector<float> scale, shift;
};

// What reader `node` does to `y` per channel, or false when it is not a
// per-channel Mul, Add or Sub of y by a constant.
bool affine_of(const Graph& graph, const Node& node, TensorId y, size_t channels, Affine& affine) {
  if (node.inputs.size() != 2 || node.outputs.size() != 1) return false;
  if (graph.tensor(node.outputs[0]).shape != graph.tensor(y).shape) return false;
  const bool y_first = node.inputs[0] == y;
  if (!y_first && node.inputs[1] != y) return false;
  const Tensor& c = graph.tensor(node.inputs[y_first ? 1 : 0]);
  std::vector<float> values = per_channel_values(graph.tensor(y), c, channels);
  if (values.empty()) return false;
  affine.scale.assign(channels, 1.f);
  affine.shift.assign(channels, 0.f);
  switch (node.op) {
    case OpType::kMul: affine.scale = std::move(values); return true;
    case OpType::kAdd: affine.shift = std::move(values); return true;
    case OpType::kSub:
      if (!y_first) return false;  // t - y negates y: not worth a case of its own
      for (size_t o = 0; o < channels; ++o) affine.shift[o] = -values[o];
      return true;
    default: return false;
  }
}

// New weight and bias constants (the old ones may be shared), then the
// producer writes the reader's output under the reader's clamp.
void fold_into(Graph& graph, Node& producer, const Node& reader, const Affine& affine) {
  const size_t channels = affine.scale.size();
  const Tensor weight = graph.tensor(producer.inputs[1]);
  std::vector<float> w = constant_as_f32(weight);
  const size_t per_channel = w.size() / channels;
  for (size_t i = 0; i < w.size(); ++i) w[i] *= affine.scale[i / per_channel];
  std::vector<float> bias(channels, 0.f);
  if (producer.inputs.size() == 3) bias = constant_as_f32(graph.tensor(producer.inputs[2]));
  for (size_t o = 0; o < channels; ++o) bias[o] = bias[o] * affine.scale[o] + affine.shift[o];

  producer.inputs[1] = add_f32_constant(graph, weight.name + "/affine_folded", weight.shape, w);
  const TensorId bias_id =
      add_f32_constant(graph, reader.name + "/folded_bias", {static_cast<int64_t>(channels)}, bias);
  if (producer.inputs.size() == 3) producer.inputs[2] = bias_id;
  else producer.inputs.push_back(bias_id);
  producer.outputs[0] = reader.outputs[0];
  producer.attrs.activation_min = reader.attrs.activation_min;
  producer.attrs.activation_max = reader.attrs.activation_max;
}

// The bias must hold one value per output channel for the fold to be defined.
bool bias_fits(const Graph& graph, const Node& producer, size_t channels) {
  return producer.inputs.size() < 3 ||
         element_count(graph.tensor(producer.inputs[2]).shape) == static_cast<int64_t>(channels);
}

}  // namespace

void fold_channel_affine(Graph& graph) {
  std::vector<std::vector<int>> readers(graph.tensors.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId id : graph.nodes[i].inputs) readers[static_cast<size_t>(id)].push_back(static_cast<int>(i));

  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (removed[i] || !is_linear_producer(graph, graph.nodes[i])) continue;
    const size_t channels = output_channels(graph, graph.nodes[i]);
    if (channels == 0 || !bias_fits(graph, graph.nodes[i], channels)) continue;
    // Fold readers one after another while the folded node's output has exactly one.
    for (;;) {
      Node& producer = graph.nodes[i];
      if (producer.attrs.has_activation()) break;
      const TensorId y = producer.outputs[0];
      const std::vector<int>& list = readers[static_cast<size_t>(y)];
      if (list.size() != 1 || is_graph_output(graph, y)) break;
      const Node& reader = graph.nodes[static_cast<size_t>(list[0])];
      Affine affine;
      if (!affine_of(graph, reader, y, channels, affine)) break;
      fold_into(graph, producer, reader, affine);
      removed[static_cast<size_t>(list[0])] = true;
    }
  }
  erase_nodes(graph, removed);
}

}  // namespace garden
