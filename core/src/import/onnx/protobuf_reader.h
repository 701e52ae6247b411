// A minimal, bounds-checked reader of the protobuf wire format.
//
// Our own instead of libprotobuf so the importers stay small in wasm. It reads
// one message at a time from a byte range it does not own: a length-delimited
// field yields a sub-reader over the same bytes (no copy). Every read checks the
// remaining length first, and nesting is limited so a hostile file cannot
// exhaust the stack. Malformed input throws Error(kInvalidModel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace garden {
namespace protobuf {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: rejected
  kEndGroup = 4,
  kFixed32 = 5,
};

// Deeper than any message the ONNX schema subset we read can nest.
constexpr int kMaxNestingDepth = 32;

// A view on the bytes of one field that has been read.
struct Bytes {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string str() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, int depth = 0);

  bool at_end() const { return pos_ >= size_; }
  // Reads the next field's key. Returns false at the end of the message.
  bool next_field();
  uint32_t field_number() const { return field_number_; }
  WireType wire_type() const { return wire_type_; }

  // Value readers for the current field; each checks the wire type.
  uint64_t read_varint_field();
  int64_t read_int64() { return static_cast<int64_t>(read_varint_field()); }
  int32_t read_int32();
  float read_float();
  double read_double();
  Bytes read_bytes();
  std::string read_string() { return read_bytes().str(); }
  // A nested message; the sub-reader is one level deeper.
  Reader read_message();
  void skip_field();

  // Repeated scalar fields may come packed (one length-delimited run) or one
  // value per key; these accept both and append to `out`.
  void read_repeated_int64(std::vector<int64_t>& out);
  void read_repeated_float(std::vector<float>& out);
  void read_repeated_double(std::vector<double>& out);

  int depth() const { return depth_; }

 private:
  uint64_t read_raw_varint();
  // A little-endian fixed-width value (uint32_t or uint64_t).
  template <typename T>
  T read_raw_fixed();
  template <typename Float, typename Bits>
  Float read_fixed_float(WireType wire_type);
  template <typename Float>
  void read_repeated_fixed(std::vector<Float>& out, Float (Reader::*read_one)(), const char* name);
  void require_wire_type(WireType expected) const;
  void require_available(size_t count) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_;
  uint32_t field_number_ = 0;
  WireType wire_type_ = WireType::kVarint;
};

}  // namespace protobuf
}  // namespace garden
