// FlatBuffers reads scalars through typed pointers, so a FlatBuffer must start
// at an 8-byte aligned address (our schemas have no wider field). Callers hand
// over bytes from anywhere (a file read into a std::vector, a slice of a
// larger buffer, a fetch() result), so an unaligned buffer is copied once.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

namespace garden {

class AlignedBytes {
 public:
  AlignedBytes(const uint8_t* data, size_t size) : data_(data) {
    if (reinterpret_cast<uintptr_t>(data) % alignof(uint64_t) == 0) return;
    copy_.reset(new uint64_t[(size + 7) / 8]);
    std::memcpy(copy_.get(), data, size);
    data_ = reinterpret_cast<const uint8_t*>(copy_.get());
  }

  const uint8_t* data() const { return data_; }

 private:
  std::unique_ptr<uint64_t[]> copy_;
  const uint8_t* data_;
};

}  // namespace garden
