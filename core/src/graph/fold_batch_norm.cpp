// fold_batch_norm: BatchNorm(y) = y * s + t per channel, with
// s = scale / sqrt(var + eps) and t = bias - mean * s. Folded into the weights
// and bias of a Conv2D / ConvTranspose2D / FullyConnected whose output only the
// BatchNorm reads; otherwise lowered to Mul + Add with constant vectors.
#include <cmath>
#include <utility>

#include "garden/error.h"
#include "graph/graph_utils.h"
#include "graph/passes.h"

namespace garden {
namespace {

struct ChannelAffine {
  std::vector<float> scale, shift;
};

ChannelAffine affine_of(const Graph& graph, const Node& bn) {
  require(bn.inputs.size() == 5 && bn.outputs.size() == 1, ErrorCode::kInvalidModel,
          "BatchNorm node '" + bn.name + "' needs inputs x, scale, bias, mean, var and one output");
  std::vector<float> params[4];
  for (int i = 0; i < 4; ++i) {
    const Tensor& t = graph.tensor(bn.inputs[static_cast<size_t>(i + 1)]);
    require(t.is_constant(), ErrorCode::kUnsupportedModel,
            "BatchNorm node '" + bn.name + "': parameter '" + t.name + "' is not a constant");
    params[i] = constant_as_f32(t);
    require(params[i].size() == params[0].size(), ErrorCode::kInvalidModel,
            "BatchNorm node '" + bn.name + "': parameters differ in length");
  }
  ChannelAffine affine;
  for (size_t c = 0; c < params[0].size(); ++c) {
    const float s = params[0][c] / std::sqrt(params[3][c] + bn.attrs.epsilon);
    affine.scale.push_back(s);
    affine.shift.push_back(params[1][c] - params[2][c] * s);
  }
  return affine;
}

bool is_foldable_producer(const Graph& graph, const Node& producer, TensorId bn_input,
                          const std::vector<int>& readers, size_t channels) {
  const OpType op = producer.op;
  if (op != OpType::kConv2D && op != OpType::kConvTranspose2D && op != OpType::kFullyConnected) return false;
  if (producer.attrs.has_activation() || producer.outputs.size() != 1 || producer.inputs.size() < 2) return false;
  if (readers[static_cast<size_t>(bn_input)] != 1 || is_graph_output(graph, bn_input)) return false;
  const Tensor& weight = graph.tensor(producer.inputs[1]);
  if (!weight.is_constant() || weight.shape.empty() || weight.shape[0] != static_cast<int64_t>(channels)) return false;
  if (producer.inputs.size() == 3 && !graph.tensor(producer.inputs[2]).is_constant()) return false;
  // The BatchNorm's channel axis must be the producer's output-channel axis.
  const Tensor& y = graph.tensor(bn_input);
  if (op == OpType::kFullyConnected) return y.shape.size() == 2;
  return y.shape.size() == 4;
}

// Scales each output channel's weights and rewrites the bias (new tensors, as
// the old ones may be shared).
void fold_into_producer(Graph& graph, Node& producer, const Node& bn, const ChannelAffine& affine) {
  const Tensor weight = graph.tensor(producer.inputs[1]);
  std::vector<float> w = constant_as_f32(weight);
  const size_t channels = affine.scale.size();
  const size_t per_channel = w.size() / channels;
  for (size_t i = 0; i < w.size(); ++i) w[i] *= affine.scale[i / per_channel];

  std::vector<float> bias(channels, 0.f);
  if (producer.inputs.size() == 3) bias = constant_as_f32(graph.tensor(producer.inputs[2]));
  require(bias.size() == channels, ErrorCode::kInvalidModel, "node '" + producer.name + "': bias length differs from O");
  for (size_t c = 0; c < channels; ++c) bias[c] = bias[c] * affine.scale[c] + affine.shift[c];

  producer.inputs[1] = add_f32_constant(graph, weight.name + "/bn_folded", weight.shape, w);
  const TensorId bias_id = add_f32_constant(graph, bn.name + "/folded_bias", {static_cast<int64_t>(channels)}, bias);
  if (producer.inputs.size() == 3) producer.inputs[2] = bias_id;
  else producer.inputs.push_back(bias_id);
  producer.outputs[0] = bn.outputs[0];
}

// x * s + t, with [C] constants shaped to broadcast along x's channel axis
// ([C, 1, 1] for NCHW, [C] for NHWC and [N, C]).
void lower_to_mul_add(Graph& graph, const Node& bn, const ChannelAffine& affine, std::vector<Node>& out) {
  const Tensor x = graph.tensor(bn.inputs[0]);
  const int axis = channel_axis(x);
  Shape vector_shape{static_cast<int64_t>(affine.scale.size())};
  for (size_t k = static_cast<size_t>(axis) + 1; k < x.shape.size(); ++k) vector_shape.push_back(1);
  const TensorId scale = add_f32_constant(graph, bn.name + "/scale", vector_shape, affine.scale);
  const TensorId shift = add_f32_constant(graph, bn.name + "/shift", vector_shape, affine.shift);
  const TensorId scaled = add_activation(graph, bn.name + "/scaled", x.shape, x.layout);
  Node mul{OpType::kMul, bn.name + "/mul", {bn.inputs[0], scale}, {scaled}, {}};
  Node add{OpType::kAdd, bn.name + "/add", {scaled, shift}, {bn.outputs[0]}, {}};
  out.push_back(std::move(mul));
  out.push_back(std::move(add));
}

}  // namespace

void fold_batch_norm(Graph& graph) {
  std::vector<int> producer(graph.tensors.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId id : graph.nodes[i].outputs) producer[static_cast<size_t>(id)] = static_cast<int>(i);
  const std::vector<int> readers = reader_counts(graph);

  std::vector<Node> rewritten;
  rewritten.reserve(graph.nodes.size());
  // Index in `rewritten` of each original node, to reach an already-copied producer.
  std::vector<size_t> position(graph.nodes.size(), 0);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    if (node.op != OpType::kBatchNorm) {
      position[i] = rewritten.size();
      rewritten.push_back(std::move(node));
      continue;
    }
    const ChannelAffine affine = affine_of(graph, node);
    const TensorId x = node.inputs[0];
    const int p = producer[static_cast<size_t>(x)];
    if (p >= 0 && is_foldable_producer(graph, rewritten[position[static_cast<size_t>(p)]], x, readers,
                                       affine.scale.size())) {
      fold_into_producer(graph, rewritten[position[static_cast<size_t>(p)]], node, affine);
    } else {
      const Tensor& xt = graph.tensor(x);
      require(!xt.shape.empty() && xt.shape[static_cast<size_t>(channel_axis(xt))] ==
                                       static_cast<int64_t>(affine.scale.size()),
              ErrorCode::kInvalidModel, "BatchNorm node '" + node.name + "': channel count differs from its input");
      lower_to_mul_add(graph, node, affine, rewritten);
    }
  }
  graph.nodes = std::move(rewritten);
}

}  // namespace garden
