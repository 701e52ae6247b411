// Writes a Graph as a .garden file (layout described in core/schema/garden.fbs).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "format/attrs_codec.h"
#include "format/garden_format.h"
#include "format/graph_checks.h"
#include "garden/error.h"
#include "garden_generated.h"

namespace garden {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

size_t align_up(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// Offsets of each constant inside the weight section (SIZE_MAX for
// non-constants) and the section's total size.
struct WeightLayout {
  std::vector<size_t> offsets;
  size_t section_size = 0;
};

WeightLayout plan_weights(const Graph& graph) {
  WeightLayout layout;
  layout.offsets.assign(graph.tensors.size(), SIZE_MAX);
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    const Tensor& tensor = graph.tensors[i];
    if (!tensor.is_constant()) continue;
    const size_t offset = align_up(layout.section_size, kGardenWeightAlignment);
    require(tensor.data.size() <= kGardenMaxFileBytes - offset, ErrorCode::kLimitExceeded,
            "weights exceed the .garden file size limit");
    layout.offsets[i] = offset;
    layout.section_size = offset + tensor.data.size();
  }
  return layout;
}

Offset<fb::Tensor> write_tensor(FlatBufferBuilder& b, const Tensor& tensor, size_t weight_offset) {
  const auto name = b.CreateString(tensor.name);
  const auto shape = b.CreateVector(tensor.shape);
  const fb::WeightRef weight(weight_offset, tensor.data.size());
  // Per-channel int8 along axis 0, symmetric (no zero points stored: all 0).
  const auto quantization = tensor.dtype == DType::kQI8
                                ? fb::CreateQuantization(b, b.CreateVector(tensor.scales), 0, 0)
                                : Offset<fb::Quantization>();
  return fb::CreateTensor(b, name, static_cast<fb::DType>(tensor.dtype), shape,
                          static_cast<fb::Layout>(tensor.layout),
                          tensor.is_constant() ? &weight : nullptr, quantization);
}

Offset<fb::Node> write_node(FlatBufferBuilder& b, const Node& node) {
  const auto name = b.CreateString(node.name);
  const auto inputs = b.CreateVector(node.inputs);
  const auto outputs = b.CreateVector(node.outputs);
  const auto attrs = encode_attrs(b, node);
  return fb::CreateNode(b, static_cast<fb::OpType>(node.op), name, inputs, outputs,
                        attrs_type_for(node.op), attrs);
}

Offset<fb::ModelInfo> write_info(FlatBufferBuilder& b, const ModelInfo& info) {
  const auto task = b.CreateString(info.task);
  const auto source = b.CreateString(info.source);
  const auto license = b.CreateString(info.license);
  const auto labels = b.CreateVectorOfStrings(info.labels);
  const fb::Rgb mean(info.mean[0], info.mean[1], info.mean[2]);
  const fb::Rgb std(info.std[0], info.std[1], info.std[2]);
  const auto notes = info.notes.empty() ? Offset<flatbuffers::String>() : b.CreateString(info.notes);
  return fb::CreateModelInfo(b, task, source, license, labels, &mean, &std, notes);
}

Offset<flatbuffers::Vector<fb::ValueType>> write_output_types(FlatBufferBuilder& b, const Graph& graph) {
  if (graph.output_types.empty()) return {};
  std::vector<fb::ValueType> types;
  for (ValueType type : graph.output_types) types.push_back(static_cast<fb::ValueType>(type));
  return b.CreateVector(types);
}

// Any non-default value makes the builder store the field, so it can be
// patched in place once the FlatBuffer's size is known.
constexpr uint64_t kUnknownOffset = UINT64_MAX;

std::vector<uint8_t> write_flatbuffer(const Graph& graph, const WeightLayout& weights) {
  FlatBufferBuilder b(1 << 16);
  std::vector<Offset<fb::Tensor>> tensors;
  tensors.reserve(graph.tensors.size());
  for (size_t i = 0; i < graph.tensors.size(); ++i)
    tensors.push_back(write_tensor(b, graph.tensors[i], weights.offsets[i]));
  std::vector<Offset<fb::Node>> nodes;
  nodes.reserve(graph.nodes.size());
  for (const Node& node : graph.nodes) nodes.push_back(write_node(b, node));
  // One statement per part: the order of a call's arguments is the
  // compiler's choice, and it would decide the file's bytes (GCC and Clang
  // choose differently, so a native convert and the wasm runtime would write
  // two different files for one model).
  const auto tensor_vector = b.CreateVector(tensors);
  const auto node_vector = b.CreateVector(nodes);
  const auto inputs = b.CreateVector(graph.inputs);
  const auto outputs = b.CreateVector(graph.outputs);
  const auto info = write_info(b, graph.info);
  const auto output_types = write_output_types(b, graph);
  const auto model = fb::CreateModel(b, kGardenFormatVersion, tensor_vector, node_vector, inputs, outputs, info,
                                     kUnknownOffset, weights.section_size, output_types);
  fb::FinishModelBuffer(b, model);
  std::vector<uint8_t> buffer(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  const bool patched =
      fb::GetMutableModel(buffer.data())
          ->mutate_weight_section_offset(align_up(buffer.size(), kGardenWeightAlignment));
  require(patched, ErrorCode::kBackend, "could not record the weight section offset");
  return buffer;
}

}  // namespace

std::vector<uint8_t> write_garden(const Graph& graph) {
  for (const Tensor& tensor : graph.tensors)
    check_shape_limits(tensor.shape, tensor.name, ErrorCode::kLimitExceeded);
  check_graph_for_format(graph);

  const WeightLayout weights = plan_weights(graph);
  std::vector<uint8_t> file = write_flatbuffer(graph, weights);
  const size_t section_start = align_up(file.size(), kGardenWeightAlignment);
  require(weights.section_size < kGardenMaxFileBytes - section_start, ErrorCode::kLimitExceeded,
          "model exceeds the .garden file size limit of 2 GiB");
  // Padding and the gaps between weights are zeros.
  file.resize(section_start + weights.section_size, 0);
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    const std::vector<uint8_t>& data = graph.tensors[i].data;
    if (!data.empty())
      std::copy(data.begin(), data.end(), file.begin() + section_start + weights.offsets[i]);
  }
  return file;
}

}  // namespace garden
