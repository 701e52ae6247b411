#include "import/onnx_model.h"

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

TensorProto parse_tensor(Reader reader, const ParseLimits& limits) {
  TensorProto tensor;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1:
        reader.read_repeated_int64(tensor.dims);
        require_rank(tensor.dims.size(), limits, "a tensor");
        break;
      case 2: tensor.data_type = reader.read_int32(); break;
      case 4: reader.read_repeated_float(tensor.float_data); break;
      case 5: reader.read_repeated_int64(tensor.int32_data); break;
      case 7: reader.read_repeated_int64(tensor.int64_data); break;
      case 8: tensor.name = reader.read_string(); break;
      case 9:
        tensor.raw_data = reader.read_bytes();
        tensor.has_raw_data = true;
        break;
      case 10: reader.read_repeated_double(tensor.double_data); break;
      case 11: reader.read_repeated_int64(tensor.uint64_data); break;
      case 13:
        reader.skip_field();
        tensor.external = true;
        break;
      case 14:
        if (reader.read_int32() == 1) tensor.external = true;
        break;
      default: reader.skip_field();
    }
  }
  return tensor;
}

Attribute parse_attribute(Reader reader, const ParseLimits& limits) {
  Attribute attribute;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: attribute.name = reader.read_string(); break;
      case 2: attribute.f = reader.read_float(); break;
      case 3: attribute.i = reader.read_int64(); break;
      case 4: attribute.s = reader.read_string(); break;
      case 5:
        attribute.t.clear();
        attribute.t.push_back(parse_tensor(reader.read_message(), limits));
        break;
      case 6:
      case 11:
        reader.skip_field();
        attribute.has_graph = true;
        break;
      case 7: reader.read_repeated_float(attribute.floats); break;
      case 8: reader.read_repeated_int64(attribute.ints); break;
      case 20: attribute.type = static_cast<AttributeType>(reader.read_int32()); break;
      default: reader.skip_field();
    }
  }
  return attribute;
}

Node parse_node(Reader reader, const ParseLimits& limits) {
  Node node;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: node.inputs.push_back(reader.read_string()); break;
      case 2: node.outputs.push_back(reader.read_string()); break;
      case 3: node.name = reader.read_string(); break;
      case 4: node.op_type = reader.read_string(); break;
      case 5:
        require(node.attributes.size() < limits.max_attributes_per_node, ErrorCode::kLimitExceeded,
                "node '" + node.name + "' has more than " +
                    std::to_string(limits.max_attributes_per_node) + " attributes");
        node.attributes.push_back(parse_attribute(reader.read_message(), limits));
        break;
      case 7: node.domain = reader.read_string(); break;
      default: reader.skip_field();
    }
  }
  return node;
}

Dim parse_dimension(Reader reader) {
  Dim dim;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: dim.value = reader.read_int64(); break;
      case 2: dim.param = reader.read_string(); break;
      default: reader.skip_field();
    }
  }
  // dim_value 0 or negative is how some exporters spell "unknown".
  if (dim.value <= 0 || !dim.param.empty()) dim.value = -1;
  return dim;
}

void parse_shape(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  info.has_shape = true;
  while (reader.next_field()) {
    if (reader.field_number() == 1) {
      info.dims.push_back(parse_dimension(reader.read_message()));
      require_rank(info.dims.size(), limits, "value '" + info.name + "'");
    } else {
      reader.skip_field();
    }
  }
}

void parse_tensor_type(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: info.elem_type = reader.read_int32(); break;
      case 2: parse_shape(reader.read_message(), info, limits); break;
      default: reader.skip_field();
    }
  }
}

void parse_type(Reader reader, ValueInfo& info, const ParseLimits& limits) {
  while (reader.next_field()) {
    if (reader.field_number() == 1)  // tensor_type; sequences, maps etc. stay untyped
      parse_tensor_type(reader.read_message(), info, limits);
    else
      reader.skip_field();
  }
}

ValueInfo parse_value_info(Reader reader, const ParseLimits& limits) {
  ValueInfo info;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: info.name = reader.read_string(); break;
      case 2: parse_type(reader.read_message(), info, limits); break;
      default: reader.skip_field();
    }
  }
  return info;
}

GraphProto parse_graph(Reader reader, const ParseLimits& limits) {
  GraphProto graph;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1:
        require(graph.nodes.size() < limits.max_nodes, ErrorCode::kLimitExceeded,
                "graph has more than " + std::to_string(limits.max_nodes) + " nodes");
        graph.nodes.push_back(parse_node(reader.read_message(), limits));
        break;
      case 2: graph.name = reader.read_string(); break;
      case 5: graph.initializers.push_back(parse_tensor(reader.read_message(), limits)); break;
      case 11: graph.inputs.push_back(parse_value_info(reader.read_message(), limits)); break;
      case 12: graph.outputs.push_back(parse_value_info(reader.read_message(), limits)); break;
      case 13: graph.value_infos.push_back(parse_value_info(reader.read_message(), limits)); break;
      default: reader.skip_field();
    }
  }
  return graph;
}

OpsetImport parse_opset(Reader reader) {
  OpsetImport opset;
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: opset.domain = reader.read_string(); break;
      case 2: opset.version = reader.read_int64(); break;
      default: reader.skip_field();
    }
  }
  return opset;
}

}  // namespace

ModelProto parse_model(const uint8_t* data, size_t size, const ParseLimits& limits) {
  require(size <= limits.max_model_bytes, ErrorCode::kLimitExceeded,
          "ONNX model of " + std::to_string(size) + " bytes exceeds the limit of " +
              std::to_string(limits.max_model_bytes));
  require(size > 0, ErrorCode::kInvalidModel, "ONNX model is empty");
  ModelProto model;
  Reader reader(data, size);
  while (reader.next_field()) {
    switch (reader.field_number()) {
      case 1: model.ir_version = reader.read_int64(); break;
      case 2: model.producer_name = reader.read_string(); break;
      case 7:
        model.graph = parse_graph(reader.read_message(), limits);
        model.has_graph = true;
        break;
      case 8: model.opsets.push_back(parse_opset(reader.read_message())); break;
      default: reader.skip_field();
    }
  }
  require(model.has_graph, ErrorCode::kInvalidModel, "not an ONNX model: it has no graph");
  return model;
}

}  // namespace onnx
}  // namespace garden
