#include "import/onnx/onnx_constant.h"

#include <cmath>
#include <cstring>

#include "garden/error.h"
#include "graph/half.h"

namespace garden {
namespace onnx {

namespace {

size_t element_bytes(int32_t type) {
  switch (type) {
    case kFloat: case kInt32: case kUint32: return 4;
    case kDouble: case kInt64: case kUint64: return 8;
    case kFloat16: case kInt16: case kUint16: return 2;
    case kInt8: case kUint8: case kBool: return 1;
    default: return 0;
  }
}

bool is_floating(int32_t type) { return type == kFloat || type == kFloat16 || type == kDouble; }

// Reads element k of little-endian raw bytes as the tensor's element type.
double raw_float(const uint8_t* p, int32_t type) {
  if (type == kFloat) { float v; std::memcpy(&v, p, 4); return v; }
  if (type == kDouble) { double v; std::memcpy(&v, p, 8); return v; }
  uint16_t h; std::memcpy(&h, p, 2); return half_to_float(h);
}

int64_t raw_int(const uint8_t* p, int32_t type) {
  switch (type) {
    case kInt64: { int64_t v; std::memcpy(&v, p, 8); return v; }
    case kUint64: { uint64_t v; std::memcpy(&v, p, 8); return v > INT64_MAX ? INT64_MAX : static_cast<int64_t>(v); }
    case kInt32: { int32_t v; std::memcpy(&v, p, 4); return v; }
    case kUint32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
    case kInt16: { int16_t v; std::memcpy(&v, p, 2); return v; }
    case kUint16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
    case kInt8: return static_cast<int8_t>(*p);
    default: return *p;  // uint8, bool
  }
}

float narrow_to_float(double v) {
  // Out-of-range doubles become +-inf instead of undefined behaviour.
  if (std::isfinite(v) && std::fabs(v) > 3.4028234663852886e38) return v > 0 ? INFINITY : -INFINITY;
  return static_cast<float>(v);
}

Constant decode_raw(const TensorProto& proto, Shape shape, size_t count, const std::string& what) {
  size_t bytes = element_bytes(proto.data_type);
  require(proto.raw_data.size == count * bytes, ErrorCode::kInvalidModel,
          what + ": raw_data holds " + std::to_string(proto.raw_data.size) + " bytes, its shape needs " +
              std::to_string(count * bytes));
  const uint8_t* p = proto.raw_data.data;
  if (is_floating(proto.data_type)) {
    std::vector<float> values(count);
    if (proto.data_type == kFloat && count > 0) {
      std::memcpy(values.data(), p, count * 4);
    } else {
      for (size_t k = 0; k < count; ++k) values[k] = narrow_to_float(raw_float(p + k * bytes, proto.data_type));
    }
    return Constant::floats(std::move(shape), std::move(values));
  }
  std::vector<int64_t> values(count);
  for (size_t k = 0; k < count; ++k) values[k] = raw_int(p + k * bytes, proto.data_type);
  return Constant::ints(std::move(shape), std::move(values));
}

void require_field_count(size_t have, size_t count, const std::string& what) {
  require(have == count, ErrorCode::kInvalidModel,
          what + " holds " + std::to_string(have) + " values, its shape needs " + std::to_string(count));
}

Constant decode_typed_fields(const TensorProto& proto, Shape shape, size_t count, const std::string& what) {
  switch (proto.data_type) {
    case kFloat:
      require_field_count(proto.float_data.size(), count, what);
      return Constant::floats(std::move(shape), proto.float_data);
    case kDouble: {
      require_field_count(proto.double_data.size(), count, what);
      std::vector<float> values(count);
      for (size_t k = 0; k < count; ++k) values[k] = narrow_to_float(proto.double_data[k]);
      return Constant::floats(std::move(shape), std::move(values));
    }
    case kFloat16: {
      require_field_count(proto.int32_data.size(), count, what);
      std::vector<float> values(count);
      for (size_t k = 0; k < count; ++k) values[k] = half_to_float(static_cast<uint16_t>(proto.int32_data[k]));
      return Constant::floats(std::move(shape), std::move(values));
    }
    case kInt64:
      require_field_count(proto.int64_data.size(), count, what);
      return Constant::ints(std::move(shape), proto.int64_data);
    case kUint32: case kUint64:
      require_field_count(proto.uint64_data.size(), count, what);
      return Constant::ints(std::move(shape), proto.uint64_data);
    default: {
      require_field_count(proto.int32_data.size(), count, what);
      std::vector<int64_t> values(proto.int32_data.begin(), proto.int32_data.end());
      // int32_data carries int32 varints; keep their low 32 bits signed.
      for (int64_t& v : values) v = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
      if (proto.data_type == kUint8 || proto.data_type == kBool)
        for (int64_t& v : values) v &= 0xff;
      return Constant::ints(std::move(shape), std::move(values));
    }
  }
}

}  // namespace

Constant constant_from_proto(const TensorProto& proto, const std::string& what) {
  require(!proto.external, ErrorCode::kUnsupportedModel,
          what + " keeps its data in an external file; save the model with its weights inside "
                 "(onnx.save_model(..., save_as_external_data=False))");
  require(element_bytes(proto.data_type) != 0, ErrorCode::kUnsupportedModel,
          what + " has data type " + data_type_name(proto.data_type) + " (" +
              std::to_string(proto.data_type) + "), which is not supported");
  Shape shape(proto.dims.begin(), proto.dims.end());
  size_t count = static_cast<size_t>(checked_element_count(shape, what));
  if (proto.has_raw_data) return decode_raw(proto, std::move(shape), count, what);
  return decode_typed_fields(proto, std::move(shape), count, what);
}

}  // namespace onnx
}  // namespace garden
