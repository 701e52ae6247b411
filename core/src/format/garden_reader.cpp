// Reads a .garden file. Order matters: the FlatBuffers Verifier runs first
// (so every offset inside the FlatBuffer is safe to follow), then every value
// that indexes something (tensor ids, weight ranges, dims, enums, attribute
// tables) is checked before it is used, and the finished Graph is checked with
// the same per-op contracts the writer applied.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "format/aligned_bytes.h"
#include "format/attrs_codec.h"
#include "format/garden_format.h"
#include "format/graph_checks.h"
#include "garden/error.h"
#include "garden_generated.h"

namespace garden {
namespace {

constexpr flatbuffers::uoffset_t kMaxDepth = 32;
constexpr flatbuffers::uoffset_t kMaxTables = 1u << 22;

void check(bool condition, const std::string& problem) {
  require(condition, ErrorCode::kInvalidModel, "invalid .garden file: " + problem);
}

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

struct WeightSection {
  const uint8_t* begin;
  uint64_t size;
};

// The section runs to the end of the file, so a truncated or extended file
// fails here even when its FlatBuffer part is intact.
WeightSection locate_weights(const fb::Model& model, const uint8_t* file, size_t file_size) {
  const uint64_t offset = model.weight_section_offset(), size = model.weight_section_size();
  check(offset <= file_size && size == file_size - offset,
        "the weight section does not end at the end of the file (truncated?)");
  check(offset % kGardenWeightAlignment == 0, "the weight section is not 64-byte aligned");
  return {file + offset, size};
}

std::vector<int32_t> read_ids(const flatbuffers::Vector<int32_t>* ids, size_t tensor_count,
                              const std::string& owner) {
  std::vector<int32_t> out;
  if (!ids) return out;
  out.reserve(ids->size());
  for (int32_t id : *ids) {
    check(id >= 0 && static_cast<size_t>(id) < tensor_count, owner + " refers to tensor id " +
                                                                 std::to_string(id) + " of " +
                                                                 std::to_string(tensor_count));
    out.push_back(id);
  }
  return out;
}

DType read_dtype(const fb::Tensor& t, const std::string& name) {
  const fb::DType dtype = t.dtype();
  check(dtype <= fb::DType::MAX, "tensor '" + name + "' has an unknown dtype");
  const bool quantized = dtype == fb::DType::QInt8PerChannel || dtype == fb::DType::QUInt8PerTensor;
  check(quantized == (t.quantization() != nullptr),
        "tensor '" + name + "' has quantization parameters that do not match its dtype");
  require(dtype != fb::DType::QUInt8PerTensor, ErrorCode::kUnsupportedModel,
          "tensor '" + name + "' is uint8 per tensor; this runtime reads int8 per channel only");
  return static_cast<DType>(dtype);
}

// An int8 tensor's scales, quantized along axis 0 with zero points 0 (the
// symmetric per-channel int8 garden-convert writes). Their count and values
// are Graph::validate's to check, as for a graph made in memory.
std::vector<float> read_scales(const fb::Quantization& q, const Tensor& tensor) {
  const std::string what = "int8 tensor '" + tensor.name + "'";
  require(q.axis() == 0, ErrorCode::kUnsupportedModel, what + " is quantized along axis " + std::to_string(q.axis()) + ", not 0");
  if (q.zero_point())
    for (int64_t zero : *q.zero_point())
      require(zero == 0, ErrorCode::kUnsupportedModel, what + " has a non-zero zero point");
  check(q.scale() != nullptr, what + " has no scales");
  return std::vector<float>(q.scale()->begin(), q.scale()->end());
}

std::vector<uint8_t> read_weight(const fb::WeightRef& ref, const WeightSection& section,
                                 const Tensor& tensor) {
  const std::string what = "constant '" + tensor.name + "'";
  check(ref.offset() % kGardenWeightAlignment == 0, what + " is not 64-byte aligned");
  check(ref.offset() <= section.size && ref.size() <= section.size - ref.offset(),
        what + " lies outside the weight section");
  // The shape passed check_shape_limits, so this product cannot overflow.
  const uint64_t expected =
      static_cast<uint64_t>(element_count(tensor.shape)) * dtype_size(tensor.dtype);
  check(ref.size() == expected && expected > 0, what + " has " + std::to_string(ref.size()) +
                                                    " bytes, its shape needs " +
                                                    std::to_string(expected));
  const uint8_t* begin = section.begin + ref.offset();
  return std::vector<uint8_t>(begin, begin + ref.size());
}

Tensor read_tensor(const fb::Tensor& t, size_t index, const WeightSection& weights) {
  Tensor tensor;
  tensor.name = t.name() ? t.name()->str() : "#" + std::to_string(index);
  tensor.dtype = read_dtype(t, tensor.name);
  check(t.layout() <= fb::Layout::MAX, "tensor '" + tensor.name + "' has an unknown layout");
  tensor.layout = static_cast<Layout>(t.layout());
  if (t.shape()) {
    check(t.shape()->size() <= kGardenMaxRank, "tensor '" + tensor.name + "' has too high a rank");
    tensor.shape = read_int64_vector(t.shape());
  }
  check_shape_limits(tensor.shape, tensor.name, ErrorCode::kInvalidModel);
  if (t.weight()) tensor.data = read_weight(*t.weight(), weights, tensor);
  if (tensor.dtype == DType::kQI8) {
    check(tensor.is_constant(), "int8 tensor '" + tensor.name + "' is not a constant");
    tensor.scales = read_scales(*t.quantization(), tensor);
  }
  return tensor;
}

Node read_node(const fb::Node& n, size_t index, size_t tensor_count) {
  Node node;
  node.name = n.name() ? n.name()->str() : "#" + std::to_string(index);
  check(n.op() <= fb::OpType::MAX, "node '" + node.name + "' has an unknown op");
  node.op = static_cast<OpType>(n.op());
  const std::string owner = std::string(op_name(node.op)) + " node '" + node.name + "'";
  node.inputs = read_ids(n.inputs(), tensor_count, owner);
  node.outputs = read_ids(n.outputs(), tensor_count, owner);
  node.attrs = decode_attrs(n, node.op, node.name);
  return node;
}

ModelInfo read_info(const fb::ModelInfo* info) {
  ModelInfo out;
  if (!info) return out;
  out.task = str(info->task());
  out.source = str(info->source());
  out.license = str(info->license());
  if (info->labels())
    for (const flatbuffers::String* label : *info->labels()) out.labels.push_back(str(label));
  if (const fb::Rgb* m = info->mean()) out.mean = {m->r(), m->g(), m->b()};
  if (const fb::Rgb* s = info->std()) out.std = {s->r(), s->g(), s->b()};
  out.notes = str(info->notes());
  return out;
}

Graph build_graph(const fb::Model& model, const uint8_t* file, size_t size) {
  check(model.format_version() == kGardenFormatVersion,
        "format version " + std::to_string(model.format_version()) +
            " is not supported (this runtime reads version " +
            std::to_string(kGardenFormatVersion) + ")");
  const WeightSection weights = locate_weights(model, file, size);
  Graph graph;
  const size_t tensor_count = model.tensors() ? model.tensors()->size() : 0;
  graph.tensors.reserve(tensor_count);
  for (size_t i = 0; i < tensor_count; ++i)
    graph.tensors.push_back(
        read_tensor(*model.tensors()->Get(static_cast<flatbuffers::uoffset_t>(i)), i, weights));
  if (model.nodes()) {
    graph.nodes.reserve(model.nodes()->size());
    for (flatbuffers::uoffset_t i = 0; i < model.nodes()->size(); ++i)
      graph.nodes.push_back(read_node(*model.nodes()->Get(i), i, tensor_count));
  }
  graph.inputs = read_ids(model.inputs(), tensor_count, "graph inputs");
  graph.outputs = read_ids(model.outputs(), tensor_count, "graph outputs");
  graph.info = read_info(model.info());
  if (const auto* types = model.output_types()) {
    check(types->size() == graph.outputs.size(), "one output type per output");
    for (const auto type : *types) {
      const auto value = static_cast<uint8_t>(type);
      check(value <= static_cast<uint8_t>(ValueType::kBool), "an output type out of range");
      graph.output_types.push_back(static_cast<ValueType>(value));
    }
  }
  return graph;
}

}  // namespace

Graph read_garden(const uint8_t* data, size_t size) {
  check(data != nullptr && size >= 8, "the file is too short");
  check(size < kGardenMaxFileBytes, "the file is 2 GiB or larger");
  check(fb::ModelBufferHasIdentifier(data), "missing the \"GRDN\" file identifier");
  const AlignedBytes aligned(data, size);
  const uint8_t* file = aligned.data();

  flatbuffers::Verifier::Options options;
  options.max_depth = kMaxDepth;
  options.max_tables = kMaxTables;
  flatbuffers::Verifier verifier(file, size, options);
  check(fb::VerifyModelBuffer(verifier), "the FlatBuffer structure is corrupt");

  Graph graph = build_graph(*fb::GetModel(file), file, size);
  check_graph_for_format(graph);
  return graph;
}

}  // namespace garden
