#include "graph/reference.h"

#include <algorithm>
#include <string>

#include "garden/error.h"
#include "garden/limits.h"
#include "graph/graph_utils.h"
#include "ops/op_card.h"

namespace garden {
namespace reference {
namespace {

// Bytes of a tensor of `shape` as f32, saturating at UINT64_MAX: shapes come
// from model files and may declare any size.
uint64_t f32_bytes(const Shape& shape) {
  uint64_t bytes = sizeof(float);
  for (int64_t d : shape) {
    if (d <= 0) return 0;  // negative dimensions are refused by Graph::validate
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) return UINT64_MAX;
  }
  return bytes;
}

// The evaluator holds its values as a Session holds activations, and is
// bounded the same way, before anything is allocated.
void check_value_bytes(uint64_t bytes, const std::string& what) {
  constexpr uint64_t kLimit = kDefaultMaxActivationBytes;
  require(bytes <= kLimit, ErrorCode::kLimitExceeded,
          "reference evaluator: " + what + " would take " +
              (bytes == UINT64_MAX ? std::string("2^64 or more") : std::to_string(bytes)) +
              " bytes, more than the limit of " + std::to_string(kLimit));
}

uint64_t non_constant_bytes(const Graph& graph) {
  uint64_t total = 0;
  for (const Tensor& tensor : graph.tensors) {
    if (tensor.is_constant()) continue;
    if (__builtin_add_overflow(total, f32_bytes(tensor.shape), &total)) return UINT64_MAX;
  }
  return total;
}

}  // namespace
}  // namespace reference

std::vector<std::vector<float>> evaluate_node(const Graph& graph, const Node& node,
                                              const std::vector<const std::vector<float>*>& inputs) {
  require(inputs.size() == node.inputs.size(), ErrorCode::kInvalidArgument,
          "evaluate_node: node '" + node.name + "' needs one value per input");
  // The kernels rely on the node's contract: input count, attributes, shapes.
  ops::check_node(graph, node);
  std::vector<const Tensor*> input_tensors;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Tensor& tensor = graph.tensor(node.inputs[i]);
    require(inputs[i] != nullptr && inputs[i]->size() == static_cast<size_t>(element_count(tensor.shape)),
            ErrorCode::kInvalidArgument,
            "evaluate_node: value of '" + tensor.name + "' does not match its shape");
    input_tensors.push_back(&tensor);
  }
  const Tensor& output = graph.tensor(node.outputs[0]);
  reference::check_value_bytes(reference::f32_bytes(output.shape),
                               "the output of " + std::string(op_name(node.op)) + " node '" + node.name + "'");
  const ops::OpContext context{{node, input_tensors, output}, inputs};
  std::vector<float> result = ops::op_card(node.op).evaluate(context);
  ops::check(context, result.size() == static_cast<size_t>(element_count(output.shape)),
             "output '" + output.name + "' has the wrong element count");
  if (node.attrs.has_activation()) {
    for (float& v : result) v = std::min(std::max(v, node.attrs.activation_min), node.attrs.activation_max);
  }
  std::vector<std::vector<float>> outputs;
  outputs.push_back(std::move(result));
  return outputs;
}

std::vector<std::vector<float>> evaluate(const Graph& graph,
                                         const std::vector<std::vector<float>>& inputs) {
  graph.validate();  // every id below is in range and every read follows its write
  reference::check_value_bytes(reference::non_constant_bytes(graph), "the graph's non-constant tensors");
  require(inputs.size() == graph.inputs.size(), ErrorCode::kInvalidArgument,
          "evaluate: expected " + std::to_string(graph.inputs.size()) + " inputs, got " +
              std::to_string(inputs.size()));
  std::vector<std::vector<float>> values(graph.tensors.size());
  std::vector<bool> ready(graph.tensors.size(), false);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& tensor = graph.tensor(graph.inputs[i]);
    require(inputs[i].size() == static_cast<size_t>(element_count(tensor.shape)), ErrorCode::kInvalidArgument,
            "evaluate: input '" + tensor.name + "' needs " + std::to_string(element_count(tensor.shape)) +
                " values, got " + std::to_string(inputs[i].size()));
    values[static_cast<size_t>(graph.inputs[i])] = inputs[i];
    ready[static_cast<size_t>(graph.inputs[i])] = true;
  }
  // Free each intermediate after its last reader so large models fit in memory.
  std::vector<int> last_reader(graph.tensors.size(), -1);
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    for (TensorId id : graph.nodes[n].inputs) last_reader[static_cast<size_t>(id)] = static_cast<int>(n);
  std::vector<bool> keep(graph.tensors.size(), false);
  for (TensorId id : graph.outputs) keep[static_cast<size_t>(id)] = true;

  auto value_of = [&](TensorId id) -> const std::vector<float>* {
    const size_t index = static_cast<size_t>(id);
    if (!ready[index]) {
      const Tensor& tensor = graph.tensor(id);
      require(tensor.is_constant(), ErrorCode::kInvalidModel,
              "evaluate: tensor '" + tensor.name + "' is read before it is produced");
      values[index] = constant_as_f32(tensor);
      ready[index] = true;
    }
    return &values[index];
  };

  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    std::vector<const std::vector<float>*> node_inputs;
    for (TensorId id : node.inputs) node_inputs.push_back(value_of(id));
    std::vector<std::vector<float>> results = evaluate_node(graph, node, node_inputs);
    const size_t out = static_cast<size_t>(node.outputs[0]);
    values[out] = std::move(results[0]);
    ready[out] = true;
    for (TensorId id : node.inputs) {
      const size_t index = static_cast<size_t>(id);
      if (last_reader[index] == static_cast<int>(n) && !keep[index]) {
        values[index] = std::vector<float>();
        ready[index] = false;
      }
    }
  }
  std::vector<std::vector<float>> outputs;
  for (TensorId id : graph.outputs) outputs.push_back(*value_of(id));
  return outputs;
}

}  // namespace garden
