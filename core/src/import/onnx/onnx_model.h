// The subset of the ONNX protobuf schema the importer reads (onnx.proto field
// numbers), parsed from the wire format into plain structs.
//
// Tensor payloads stay views into the caller's buffer (raw_data) or small
// vectors (the typed repeated fields), so parsing a model copies no weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "import/onnx/protobuf_reader.h"

namespace garden {
namespace onnx {

// TensorProto.DataType values we recognise.
enum DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
};

const char* data_type_name(int32_t type);

struct TensorProto {
  std::string name;
  std::vector<int64_t> dims;
  int32_t data_type = kUndefined;
  protobuf::Bytes raw_data;
  bool has_raw_data = false;
  std::vector<float> float_data;
  std::vector<int64_t> int32_data;  // int32, int16, int8, uint16, uint8, bool, float16 bits
  std::vector<int64_t> int64_data;
  std::vector<double> double_data;
  std::vector<int64_t> uint64_data;  // uint32, uint64
  bool external = false;  // data_location == EXTERNAL or external_data present
};

enum class AttributeType : int32_t {
  kUndefined = 0, kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kGraph = 5,
  kFloats = 6, kInts = 7, kStrings = 8, kTensors = 9, kGraphs = 10,
};

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::kUndefined;
  float f = 0.f;
  int64_t i = 0;
  std::string s;
  std::vector<TensorProto> t;  // 0 or 1 element
  std::vector<float> floats;
  std::vector<int64_t> ints;
  bool has_graph = false;  // subgraphs (If/Loop bodies) are not read
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;
};

// One dimension of a ValueInfo shape: a value, or unknown (dim_param / absent).
struct Dim {
  int64_t value = -1;  // -1: dynamic
  std::string param;
};

struct ValueInfo {
  std::string name;
  int32_t elem_type = kUndefined;
  bool has_shape = false;
  std::vector<Dim> dims;
};

struct GraphProto {
  std::string name;
  std::vector<Node> nodes;
  std::vector<TensorProto> initializers;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_infos;
};

struct OpsetImport {
  std::string domain;
  int64_t version = 0;
};

struct ModelProto {
  int64_t ir_version = 0;
  std::string producer_name;
  std::vector<OpsetImport> opsets;
  GraphProto graph;
  bool has_graph = false;

  // Version of the default ("" or "ai.onnx") opset; 0 when absent.
  int64_t default_opset() const;
};

// Bounds on what one model may declare, checked while parsing.
struct ParseLimits {
  size_t max_model_bytes = size_t{2} << 30;  // protobuf's own 2 GiB ceiling
  size_t max_nodes = 1 << 20;
  size_t max_rank = 8;
  size_t max_attributes_per_node = 256;
};

ModelProto parse_model(const uint8_t* data, size_t size, const ParseLimits& limits = {});

}  // namespace onnx
}  // namespace garden
