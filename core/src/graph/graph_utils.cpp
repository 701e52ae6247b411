#include "graph/graph_utils.h"

#include <cstring>

#include "garden/error.h"
#include "graph/half.h"

namespace garden {

const std::vector<int64_t> kNchwToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kNhwcToNchw = {0, 3, 1, 2};

std::vector<float> constant_as_f32(const Tensor& tensor) {
  const size_t count = static_cast<size_t>(element_count(tensor.shape));
  require(tensor.data.size() == count * dtype_size(tensor.dtype), ErrorCode::kInvalidModel,
          "constant '" + tensor.name + "' has the wrong byte count");
  require(tensor.dtype != DType::kQI8 || (!tensor.scales.empty() && count % tensor.scales.size() == 0),
          ErrorCode::kInvalidModel, "int8 constant '" + tensor.name + "' has no scale per channel");
  std::vector<float> values(count);
  const uint8_t* bytes = tensor.data.data();
  for (size_t i = 0; i < count; ++i) {
    switch (tensor.dtype) {
      case DType::kF32: std::memcpy(&values[i], bytes + 4 * i, 4); break;
      case DType::kF16: {
        uint16_t h;
        std::memcpy(&h, bytes + 2 * i, 2);
        values[i] = half_to_float(h);
        break;
      }
      case DType::kI32: {
        int32_t v;
        std::memcpy(&v, bytes + 4 * i, 4);
        values[i] = static_cast<float>(v);
        break;
      }
      case DType::kI64: {
        int64_t v;
        std::memcpy(&v, bytes + 8 * i, 8);
        values[i] = static_cast<float>(v);
        break;
      }
      case DType::kQI8: {
        const size_t per_channel = count / tensor.scales.size();
        values[i] = static_cast<float>(static_cast<int8_t>(bytes[i])) * tensor.scales[i / per_channel];
        break;
      }
    }
  }
  return values;
}

void set_f32_data(Tensor& tensor, const std::vector<float>& values) {
  require(values.size() == static_cast<size_t>(element_count(tensor.shape)), ErrorCode::kInvalidModel,
          "constant '" + tensor.name + "': value count does not match its shape");
  tensor.dtype = DType::kF32;
  tensor.data.resize(values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(tensor.data.data(), values.data(), tensor.data.size());
}

TensorId add_f32_constant(Graph& graph, const std::string& name, const Shape& shape,
                          const std::vector<float>& values) {
  Tensor tensor;
  tensor.name = name;
  tensor.shape = shape;
  set_f32_data(tensor, values);
  return graph.add_tensor(std::move(tensor));
}

TensorId add_activation(Graph& graph, const std::string& name, const Shape& shape, Layout layout) {
  Tensor tensor;
  tensor.name = name;
  tensor.shape = shape;
  tensor.layout = layout;
  return graph.add_tensor(std::move(tensor));
}

std::vector<int> reader_counts(const Graph& graph) {
  std::vector<int> counts(graph.tensors.size(), 0);
  for (const Node& node : graph.nodes)
    for (TensorId id : node.inputs) ++counts[static_cast<size_t>(id)];
  return counts;
}

int producer_of(const Graph& graph, TensorId id) {
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId out : graph.nodes[i].outputs)
      if (out == id) return static_cast<int>(i);
  return -1;
}

bool is_graph_output(const Graph& graph, TensorId id) {
  for (TensorId out : graph.outputs)
    if (out == id) return true;
  return false;
}

void replace_reads(Graph& graph, TensorId from, TensorId to) {
  for (Node& node : graph.nodes)
    for (TensorId& id : node.inputs)
      if (id == from) id = to;
}

int channel_axis(const Tensor& tensor) {
  const size_t rank = tensor.shape.size();
  if (rank == 4) return tensor.layout == Layout::kNCHW ? 1 : 3;
  return rank >= 2 ? 1 : 0;
}

Shape permute(const Shape& values, const std::vector<int64_t>& perm) {
  Shape result(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) result[i] = values[static_cast<size_t>(perm[i])];
  return result;
}

void erase_nodes(Graph& graph, const std::vector<bool>& removed) {
  std::vector<Node> kept;
  kept.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);
}

}  // namespace garden
