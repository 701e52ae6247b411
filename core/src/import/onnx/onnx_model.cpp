#include "import/onnx/onnx_model.h"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <tuple>
#include <utility>

#include "garden/error.h"

namespace garden {
namespace onnx {

using protobuf::Reader;

const char* data_type_name(int32_t type) {
  switch (type) {
    case kFloat: return "float32";
    case kUint8: return "uint8";
    case kInt8: return "int8";
    case kUint16: return "uint16";
    case kInt16: return "int16";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kString: return "string";
    case kBool: return "bool";
    case kFloat16: return "float16";
    case kDouble: return "float64";
    case kUint32: return "uint32";
    case kUint64: return "uint64";
    default: return "unknown";
  }
}

int64_t ModelProto::default_opset() const {
  for (const OpsetImport& opset : opsets)
    if (opset.domain.empty() || opset.domain == "ai.onnx") return opset.version;
  return 0;
}

namespace {

void require_rank(size_t rank, const ParseLimits& limits, const std::string& what) {
  require(rank <= limits.max_rank, ErrorCode::kLimitExceeded,
          what + " has more than " + std::to_string(limits.max_rank) + " dimensions");
}

// Reads every field of the message in `reader` with the reader listed for its
// field number; fields with none are skipped.
using FieldReaders = std::initializer_list<std::pair<uint32_t, std::function<void(Reader&)>>>;

void read_fields(Reader reader, FieldReaders readers) {
  while (reader.next_field()) {
    const auto it = std::find_if(readers.begin(), readers.end(),
                                 [&](const auto& entry) { return entry.first == reader.field_number(); });
    if (it == readers.end()) reader.skip_field();
    else it->second(reader);
  }
}

// Appends what `parse` reads to `list`, refusing more than `limit` entries.
template <typename T, typename Parse>
void append_within(std::vector<T>& list, size_t limit, const std::string& too_many, Parse parse) {
  require(list.size() < limit, ErrorCode::kLimitExceeded, too_many);
  list.push_back(parse());
}

TensorProto parse_tensor(Reader reader, const ParseLimits& limits) {
  TensorProto tensor;
  read_fields(reader, {
      {1, [&](Reader& r) {
         r.read_repeated_int64(tensor.dims);
         require_rank(tensor.dims.size(), limits, "a tensor");
       }},
      {2, [&](Reader& r) { tensor.data_type = r.read_int32(); }},
      {4, [&](Reader& r) { r.read_repeated_float(tensor.float_data); }},
      {5, [&](Reader& r) { r.read_repeated_int64(tensor.int32_data); }},
      {7, [&](Reader& r) { r.read_repeated_int64(tensor.int64_data); }},
      {8, [&](Reader& r) { tensor.name = r.read_string(); }},
      {9, [&](Reader& r) {
         tensor.raw_data = r.read_bytes();
         tensor.has_raw_data = true;
       }},
      {10, [&](Reader& r) { r.read_repeated_double(tensor.double_data); }},
      {11, [&](Reader& r) { r.read_repeated_int64(tensor.uint64_data); }},
      {13, [&](Reader& r) {  // external_data
         r.skip_field();
         tensor.external = true;
       }},
      {14, [&](Reader& r) {  // data_location: 1 is EXTERNAL
         if (r.read_int32() == 1) tensor.external = true;
       }},
  });
  return tensor;
}

Attribute parse_attribute(Reader reader, const ParseLimits& limits) {
  Attribute attribute;
  // Subgraphs (g, graphs) are noted, not read.
  const auto skip_graph = [&](Reader& r) {
    r.skip_field();
    attribute.has_graph = true;
  };
  read_fields(reader, {
      {1, [&](Reader& r) { attribute.name = r.read_string(); }},
      {2, [&](Reader& r) { attribute.f = r.read_float(); }},
      {3, [&](Reader& r) { attribute.i = r.read_int64(); }},
      {4, [&](Reader& r) { attribute.s = r.read_string(); }},
      {5, [&](Reader& r) { attribute.t.assign(1, parse_tensor(r.read_message(), limits)); }},
      {6, skip_graph},
      {7, [&](Reader& r) { r.read_repeated_float(attribute.floats); }},
      {8, [&](Reader& r) { r.read_repeated_int64(attribute.ints); }},
      {11, skip_graph},
      {20, [&](Reader& r) { attribute.type = static_cast<AttributeType>(r.read_int32()); }},
  });
  return attribute;
}

Node parse_node(Reader reader, const ParseLimits& limits) {
  Node node;
  read_fields(reader, {
      {1, [&](Reader& r) { node.inputs.push_back(r.read_string()); }},
      {2, [&](Reader& r) { node.outputs.push_back(r.read_string()); }},
      {3, [&](Reader& r) { node.name = r.read_string(); }},
      {4, [&](Reader& r) { node.op_type = r.read_string(); }},
      {5, [&](Reader& r) {
         append_within(node.attributes, limits.max_attributes_per_node,
                       "node '" + node.name + "' has more than " + std::to_string(limits.max_attributes_per_node) +
                           " attributes",
                       [&] { return parse_attribute(r.read_message(), limits); });
       }},
      {7, [&](Reader& r) { node.domain = r.read_string(); }},
  });
  return node;
}

// A message of one string and one int64 field (a Dimension, an OperatorSetId).
std::pair<std::string, int64_t> parse_string_and_int(Reader reader, uint32_t string_field, uint32_t int_field) {
  std::pair<std::string, int64_t> fields{std::string(), 0};
  read_fields(reader, {
      {string_field, [&](Reader& r) { fields.first = r.read_string(); }},
      {int_field, [&](Reader& r) { fields.second = r.read_int64(); }},
  });
  return fields;
}

Dim parse_dimension(Reader reader) {
  Dim dim;
  std::tie(dim.param, dim.value) = parse_string_and_int(reader, 2, 1);  // dim_param, dim_value
  // A missing, zero or negative dim_value is how exporters spell "unknown".
  if (dim.value <= 0 || !dim.param.empty()) dim.value = -1;
  return dim;
}

void parse_shape(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  info.has_shape = true;
  read_fields(reader, {
      {1, [&](Reader& r) {
         info.dims.push_back(parse_dimension(r.read_message()));
         require_rank(info.dims.size(), limits, "value '" + info.name + "'");
       }},
  });
}

void parse_tensor_type(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  read_fields(reader, {
      {1, [&](Reader& r) { info.elem_type = r.read_int32(); }},
      {2, [&](Reader& r) { parse_shape(r.read_message(), info, limits); }},
  });
}

void parse_type(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  // tensor_type only; sequences, maps etc. stay untyped
  read_fields(reader, {{1, [&](Reader& r) { parse_tensor_type(r.read_message(), info, limits); }}});
}

ValueInfo parse_value_info(Reader reader, const ParseLimits& limits) {
  ValueInfo info;
  read_fields(reader, {
      {1, [&](Reader& r) { info.name = r.read_string(); }},
      {2, [&](Reader& r) { parse_type(r.read_message(), info, limits); }},
  });
  return info;
}

GraphProto parse_graph(Reader reader, const ParseLimits& limits) {
  GraphProto graph;
  read_fields(reader, {
      {1, [&](Reader& r) {
         append_within(graph.nodes, limits.max_nodes,
                       "graph has more than " + std::to_string(limits.max_nodes) + " nodes",
                       [&] { return parse_node(r.read_message(), limits); });
       }},
      {2, [&](Reader& r) { graph.name = r.read_string(); }},
      {5, [&](Reader& r) { graph.initializers.push_back(parse_tensor(r.read_message(), limits)); }},
      {11, [&](Reader& r) { graph.inputs.push_back(parse_value_info(r.read_message(), limits)); }},
      {12, [&](Reader& r) { graph.outputs.push_back(parse_value_info(r.read_message(), limits)); }},
      {13, [&](Reader& r) { graph.value_infos.push_back(parse_value_info(r.read_message(), limits)); }},
  });
  return graph;
}

OpsetImport parse_opset(Reader reader) {
  OpsetImport opset;
  std::tie(opset.domain, opset.version) = parse_string_and_int(reader, 1, 2);
  return opset;
}

}  // namespace

ModelProto parse_model(const uint8_t* data, size_t size, const ParseLimits& limits) {
  require(size <= limits.max_model_bytes, ErrorCode::kLimitExceeded,
          "ONNX model of " + std::to_string(size) + " bytes exceeds the limit of " +
              std::to_string(limits.max_model_bytes));
  require(size > 0, ErrorCode::kInvalidModel, "ONNX model is empty");
  ModelProto model;
  read_fields(Reader(data, size), {
      {1, [&](Reader& r) { model.ir_version = r.read_int64(); }},
      {2, [&](Reader& r) { model.producer_name = r.read_string(); }},
      {7, [&](Reader& r) {
         model.graph = parse_graph(r.read_message(), limits);
         model.has_graph = true;
       }},
      {8, [&](Reader& r) { model.opsets.push_back(parse_opset(r.read_message())); }},
  });
  require(model.has_graph, ErrorCode::kInvalidModel, "not an ONNX model: it has no graph");
  return model;
}

}  // namespace onnx
}  // namespace garden
