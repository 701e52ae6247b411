#include "import/onnx/protobuf_reader.h"

#include <cstring>

#include "garden/error.h"

namespace garden {
namespace protobuf {

namespace {

[[noreturn]] void malformed(const std::string& what) {
  fail(ErrorCode::kInvalidModel, "malformed protobuf: " + what);
}

}  // namespace

Reader::Reader(const uint8_t* data, size_t size, int depth)
    : data_(data), size_(size), depth_(depth) {
  require(depth <= kMaxNestingDepth, ErrorCode::kLimitExceeded,
          "protobuf messages nested deeper than " + std::to_string(kMaxNestingDepth));
  if (size > 0 && data == nullptr) malformed("null buffer");
}

void Reader::require_available(size_t count) const {
  if (count > size_ - pos_) malformed("field runs past the end of its message (truncated file?)");
}

uint64_t Reader::read_raw_varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    require_available(1);
    uint8_t byte = data_[pos_++];
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  malformed("varint longer than 10 bytes");
}

template <typename T>
T Reader::read_raw_fixed() {
  require_available(sizeof(T));
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(data_[pos_ + i]) << (8 * i);
  pos_ += sizeof(T);
  return value;
}

bool Reader::next_field() {
  if (at_end()) return false;
  uint64_t key = read_raw_varint();
  uint64_t number = key >> 3;
  if (number == 0 || number > 0x1fffffff) malformed("invalid field number");
  field_number_ = static_cast<uint32_t>(number);
  uint8_t type = static_cast<uint8_t>(key & 7);
  if (type == 6 || type == 7) malformed("invalid wire type " + std::to_string(type));
  wire_type_ = static_cast<WireType>(type);
  if (wire_type_ == WireType::kStartGroup || wire_type_ == WireType::kEndGroup)
    malformed("deprecated group fields are not supported");
  return true;
}

void Reader::require_wire_type(WireType expected) const {
  if (wire_type_ != expected)
    malformed("field " + std::to_string(field_number_) + " has wire type " +
              std::to_string(static_cast<int>(wire_type_)) + ", expected " +
              std::to_string(static_cast<int>(expected)));
}

uint64_t Reader::read_varint_field() {
  require_wire_type(WireType::kVarint);
  return read_raw_varint();
}

int32_t Reader::read_int32() {
  // int32 is encoded as a sign-extended varint; keep the low 32 bits.
  uint64_t raw = read_varint_field();
  uint32_t low = static_cast<uint32_t>(raw);
  int32_t value;
  std::memcpy(&value, &low, sizeof value);
  return value;
}

template <typename Float, typename Bits>
Float Reader::read_fixed_float(WireType wire_type) {
  require_wire_type(wire_type);
  const Bits bits = read_raw_fixed<Bits>();
  Float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

float Reader::read_float() { return read_fixed_float<float, uint32_t>(WireType::kFixed32); }

double Reader::read_double() { return read_fixed_float<double, uint64_t>(WireType::kFixed64); }

Bytes Reader::read_bytes() {
  require_wire_type(WireType::kLengthDelimited);
  uint64_t length = read_raw_varint();
  if (length > size_ - pos_) malformed("length-delimited field runs past the end (truncated file?)");
  Bytes bytes{data_ + pos_, static_cast<size_t>(length)};
  pos_ += static_cast<size_t>(length);
  return bytes;
}

Reader Reader::read_message() {
  Bytes bytes = read_bytes();
  return Reader(bytes.data, bytes.size, depth_ + 1);
}

void Reader::skip_field() {
  switch (wire_type_) {
    case WireType::kVarint: read_raw_varint(); return;
    case WireType::kFixed64: read_raw_fixed<uint64_t>(); return;
    case WireType::kFixed32: read_raw_fixed<uint32_t>(); return;
    case WireType::kLengthDelimited: read_bytes(); return;
    default: malformed("cannot skip a field of wire type " + std::to_string(static_cast<int>(wire_type_)));
  }
}

void Reader::read_repeated_int64(std::vector<int64_t>& out) {
  if (wire_type_ != WireType::kLengthDelimited) {
    out.push_back(read_int64());
    return;
  }
  Reader packed = read_message();
  while (!packed.at_end()) out.push_back(static_cast<int64_t>(packed.read_raw_varint()));
}

template <typename Float>
void Reader::read_repeated_fixed(std::vector<Float>& out, Float (Reader::*read_one)(), const char* name) {
  if (wire_type_ != WireType::kLengthDelimited) {
    out.push_back((this->*read_one)());
    return;
  }
  Bytes packed = read_bytes();
  if (packed.size % sizeof(Float) != 0)
    malformed(std::string("packed ") + name + " field length is not a multiple of " + std::to_string(sizeof(Float)));
  if (packed.size == 0) return;
  size_t first = out.size();
  out.resize(first + packed.size / sizeof(Float));
  std::memcpy(out.data() + first, packed.data, packed.size);  // little-endian hosts only (x86, wasm)
}

void Reader::read_repeated_float(std::vector<float>& out) { read_repeated_fixed(out, &Reader::read_float, "float"); }

void Reader::read_repeated_double(std::vector<double>& out) {
  read_repeated_fixed(out, &Reader::read_double, "double");
}

}  // namespace protobuf
}  // namespace garden
