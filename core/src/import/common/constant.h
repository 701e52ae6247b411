// Values an importer knows at import time (weights, shape tensors, folded
// arithmetic), kept in one of two host types, and the bounds every importer
// puts on what a model may make it hold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden {
namespace importer {

// Largest tensor (in elements) an importer will hold or create.
constexpr int64_t kMaxTensorElements = int64_t{1} << 30;

// Element count of `shape`, checked for negative dims, overflow and the limit.
int64_t checked_element_count(const Shape& shape, const std::string& what);

// Range-checked narrowing of an attribute to the graph's int32 fields;
// `where` names the node in the kUnsupportedModel error.
int32_t to_int32(int64_t value, int64_t min, int64_t max, const std::string& where, const std::string& what);

// A constant as float (any floating type) or int64 (every integer type and
// bool). That is all weights and shape arithmetic need.
struct Constant {
  DType dtype = DType::kF32;  // kF32 or kI64
  Shape shape;
  std::vector<float> f;
  std::vector<int64_t> i;

  static Constant floats(Shape shape, std::vector<float> values);
  static Constant ints(Shape shape, std::vector<int64_t> values);

  bool is_float() const { return dtype == DType::kF32; }
  size_t size() const { return is_float() ? f.size() : i.size(); }
  double as_double(size_t k) const { return is_float() ? f[k] : static_cast<double>(i[k]); }
  // Integer value of element k; a float must be finite and integral-range.
  int64_t as_int(size_t k, const std::string& what) const;
  std::vector<int64_t> to_ints(const std::string& what) const;
  // The same values in the graph's tensor form (raw little-endian bytes).
  Tensor to_tensor(const std::string& name) const;
};

}  // namespace importer
}  // namespace garden
