// A tiny protobuf writer that builds ONNX models inside tests, so each test
// states exactly the model it imports.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace garden_test {

class Proto {
 public:
  Proto& varint(uint32_t field, uint64_t value) {
    key(field, 0);
    raw_varint(value);
    return *this;
  }
  Proto& f32(uint32_t field, float value) {
    key(field, 5);
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return *this;
  }
  Proto& bytes(uint32_t field, const std::string& value) {
    key(field, 2);
    raw_varint(value.size());
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return *this;
  }
  Proto& message(uint32_t field, const Proto& value) {
    return bytes(field, std::string(value.bytes_.begin(), value.bytes_.end()));
  }
  const std::vector<uint8_t>& data() const { return bytes_; }

 private:
  void key(uint32_t field, int wire_type) { raw_varint((uint64_t{field} << 3) | static_cast<uint64_t>(wire_type)); }
  void raw_varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<uint8_t>(v));
  }
  std::vector<uint8_t> bytes_;
};

// TensorProto with raw little-endian data.
inline Proto float_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) {
  Proto t;
  for (int64_t d : dims) t.varint(1, static_cast<uint64_t>(d));
  t.varint(2, 1);  // FLOAT
  t.bytes(8, name);
  t.bytes(9, std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
  return t;
}

inline Proto int64_tensor(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& values) {
  Proto t;
  for (int64_t d : dims) t.varint(1, static_cast<uint64_t>(d));
  t.varint(2, 7);  // INT64
  t.bytes(8, name);
  t.bytes(9, std::string(reinterpret_cast<const char*>(values.data()), values.size() * 8));
  return t;
}

inline Proto attr_int(const std::string& name, int64_t value) {
  return Proto().bytes(1, name).varint(3, static_cast<uint64_t>(value)).varint(20, 2);
}
inline Proto attr_float(const std::string& name, float value) {
  return Proto().bytes(1, name).f32(2, value).varint(20, 1);
}
inline Proto attr_string(const std::string& name, const std::string& value) {
  return Proto().bytes(1, name).bytes(4, value).varint(20, 3);
}
inline Proto attr_ints(const std::string& name, const std::vector<int64_t>& values) {
  Proto a;
  a.bytes(1, name);
  for (int64_t v : values) a.varint(8, static_cast<uint64_t>(v));
  return a.varint(20, 7);
}
inline Proto attr_tensor(const std::string& name, const Proto& tensor) {
  return Proto().bytes(1, name).message(5, tensor).varint(20, 4);
}

inline Proto node(const std::string& op, const std::vector<std::string>& inputs,
                  const std::vector<std::string>& outputs, const std::string& name,
                  const std::vector<Proto>& attributes = {}) {
  Proto n;
  for (const std::string& i : inputs) n.bytes(1, i);
  for (const std::string& o : outputs) n.bytes(2, o);
  n.bytes(3, name).bytes(4, op);
  for (const Proto& a : attributes) n.message(5, a);
  return n;
}

// ValueInfoProto of a tensor (float unless `elem_type` says otherwise); a
// negative dim is written as a dim_param.
inline Proto value_info(const std::string& name, const std::vector<int64_t>& dims, uint64_t elem_type = 1) {
  Proto shape;
  for (int64_t d : dims) {
    Proto dim;
    if (d < 0) dim.bytes(2, "dyn" + std::to_string(-d));
    else dim.varint(1, static_cast<uint64_t>(d));
    shape.message(1, dim);
  }
  Proto tensor_type = Proto().varint(1, elem_type).message(2, shape);
  return Proto().bytes(1, name).message(2, Proto().message(1, tensor_type));
}

struct GraphSpec {
  std::vector<Proto> nodes;
  std::vector<Proto> initializers;
  std::vector<Proto> inputs;
  std::vector<Proto> outputs;
};

inline std::vector<uint8_t> model(const GraphSpec& spec, int64_t opset = 13) {
  Proto graph;
  for (const Proto& n : spec.nodes) graph.message(1, n);
  graph.bytes(2, "test_graph");
  for (const Proto& t : spec.initializers) graph.message(5, t);
  for (const Proto& i : spec.inputs) graph.message(11, i);
  for (const Proto& o : spec.outputs) graph.message(12, o);
  Proto m;
  m.varint(1, 8);  // ir_version
  m.bytes(2, "garden-test");
  m.message(7, graph);
  m.message(8, Proto().bytes(1, "").varint(2, static_cast<uint64_t>(opset)));
  return m.data();
}

}  // namespace garden_test
