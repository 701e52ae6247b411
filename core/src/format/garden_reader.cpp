// Reads a .garden file. Order matters: the FlatBuffers Verifier runs first
// (so every offset inside the FlatBuffer is safe to follow), then every value
// that indexes something (tensor ids, weight ranges, dims, enums, attribute
// tables) is checked before it is used, and the finished Graph is checked with
// the same per-op contracts the writer applied.
#include <algorithm>
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

// Where the constants' bytes come from: the file in memory, or a reader that
// copies them from the file one constant at a time.
struct WeightSection {
  uint64_t offset = 0;  // from the start of the file
  uint64_t size = 0;
  const uint8_t* file = nullptr;
  const GardenFileReader* reader = nullptr;

  void copy(uint64_t at, uint64_t count, uint8_t* out) const {
    if (file) std::memcpy(out, file + offset + at, count);
    else (*reader)(offset + at, count, out);
  }
};

// The section runs to the end of the file, so a truncated or extended file
// fails here even when its FlatBuffer part is intact.
WeightSection locate_weights(const fb::Model& model, uint64_t file_size) {
  WeightSection section;
  section.offset = model.weight_section_offset();
  section.size = model.weight_section_size();
  check(section.offset <= file_size && section.size == file_size - section.offset,
        "the weight section does not end at the end of the file (truncated?)");
  check(section.offset % kGardenWeightAlignment == 0, "the weight section is not 64-byte aligned");
  return section;
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
  std::vector<uint8_t> bytes(ref.size());
  section.copy(ref.offset(), ref.size(), bytes.data());
  return bytes;
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

Graph build_graph(const fb::Model& model, const WeightSection& weights) {
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

const fb::Model& verified_model(const uint8_t* file, size_t size) {
  flatbuffers::Verifier::Options options;
  options.max_depth = kMaxDepth;
  options.max_tables = kMaxTables;
  flatbuffers::Verifier verifier(file, size, options);
  check(fb::VerifyModelBuffer(verifier), "the FlatBuffer structure is corrupt");
  return *fb::GetModel(file);
}

// The graph of a verified model in a file of `file_size` bytes, its
// constants copied from `file` when it is in memory, else through `reader`.
Graph read_graph(const fb::Model& model, uint64_t file_size, const uint8_t* file, const GardenFileReader* reader) {
  check(model.format_version() == kGardenFormatVersion,
        "format version " + std::to_string(model.format_version()) +
            " is not supported (this runtime reads version " +
            std::to_string(kGardenFormatVersion) + ")");
  WeightSection weights = locate_weights(model, file_size);
  weights.file = file;
  weights.reader = reader;
  Graph graph = build_graph(model, weights);
  check_graph_for_format(graph);
  return graph;
}

// A little-endian scalar at any address (an unverified buffer may place it
// unaligned).
template <typename T>
T load_scalar(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// Model.weight_section_offset read by hand from the first `size` bytes, each
// step bounds-checked: the buffer is not verified yet (this value decides how
// much of it to verify). The root table and its vtable are written last, so
// they come first in the file.
uint64_t peek_weight_section_offset(const uint8_t* p, size_t size) {
  const auto inside = [size](uint64_t at, uint64_t bytes) { return at <= size && bytes <= size - at; };
  check(inside(0, 4), "the file is too short");
  const uint64_t root = load_scalar<uint32_t>(p);
  check(inside(root, 4), "the root table lies beyond the file's first " + std::to_string(size) + " bytes");
  const int64_t vtable = static_cast<int64_t>(root) - load_scalar<int32_t>(p + root);
  check(vtable >= 0 && inside(static_cast<uint64_t>(vtable), 4), "the root table's vtable lies outside");
  const uint8_t* vt = p + vtable;
  const auto field = static_cast<uint64_t>(fb::Model::VT_WEIGHT_SECTION_OFFSET);
  const uint64_t vt_size = load_scalar<uint16_t>(vt);
  if (field + 2 > vt_size || !inside(static_cast<uint64_t>(vtable) + field, 2)) return 0;  // absent: 0
  const uint64_t at = load_scalar<uint16_t>(vt + field);
  if (at == 0) return 0;
  check(inside(root + at, 8), "the root table lies outside");
  return load_scalar<uint64_t>(p + root + at);
}

}  // namespace

Graph read_garden(const uint8_t* data, size_t size) {
  check(data != nullptr && size >= 8, "the file is too short");
  check(size < kGardenMaxFileBytes, "the file is 2 GiB or larger");
  check(fb::ModelBufferHasIdentifier(data), "missing the \"GRDN\" file identifier");
  const AlignedBytes aligned(data, size);
  const uint8_t* file = aligned.data();

  return read_graph(verified_model(file, size), size, file, nullptr);
}

Graph read_garden_in_parts(uint64_t file_size, const GardenFileReader& read) {
  check(file_size >= 8, "the file is too short");
  check(file_size < kGardenMaxFileBytes, "the file is 2 GiB or larger");
  // The FlatBuffer part ends where the weight section starts: that offset,
  // read from the root table near the start of the file, says how much to
  // read and verify before any constant is touched.
  std::vector<uint64_t> storage(kGardenRootWindow / 8);
  auto* window = reinterpret_cast<uint8_t*>(storage.data());
  const size_t window_size = static_cast<size_t>(std::min<uint64_t>(file_size, kGardenRootWindow));
  read(0, window_size, window);
  check(fb::ModelBufferHasIdentifier(window), "missing the \"GRDN\" file identifier");
  const uint64_t head_size = peek_weight_section_offset(window, window_size);
  check(head_size >= 8 && head_size <= file_size, "the weight section's offset lies outside the file");
  if (head_size > window_size) {
    storage.assign((head_size + 7) / 8, 0);
    window = reinterpret_cast<uint8_t*>(storage.data());
    read(0, head_size, window);
  }
  // Verified on its own: the FlatBuffer must lie wholly before the weights.
  const fb::Model& model = verified_model(window, static_cast<size_t>(head_size));
  check(model.weight_section_offset() == head_size, "the weight section moved");
  return read_graph(model, file_size, nullptr, &read);
}

}  // namespace garden
