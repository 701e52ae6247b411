#include "import/common/constant.h"

#include <cmath>
#include <cstring>

#include "garden/error.h"

namespace garden {
namespace importer {

int64_t checked_element_count(const Shape& shape, const std::string& what) {
  int64_t count = 1;
  for (int64_t d : shape) {
    require(d >= 0, ErrorCode::kInvalidModel, what + " has a negative dimension");
    if (d == 0) return 0;
    require(count <= kMaxTensorElements / d, ErrorCode::kLimitExceeded,
            what + " has more than " + std::to_string(kMaxTensorElements) + " elements");
    count *= d;
  }
  return count;
}

int32_t to_int32(int64_t value, int64_t min, int64_t max, const std::string& where, const std::string& what) {
  require(value >= min && value <= max, ErrorCode::kUnsupportedModel,
          where + ": " + what + " " + std::to_string(value) + " is out of the supported range");
  return static_cast<int32_t>(value);
}

Constant Constant::floats(Shape shape, std::vector<float> values) {
  return Constant{DType::kF32, std::move(shape), std::move(values), {}};
}

Constant Constant::ints(Shape shape, std::vector<int64_t> values) {
  return Constant{DType::kI64, std::move(shape), {}, std::move(values)};
}

int64_t Constant::as_int(size_t k, const std::string& what) const {
  if (!is_float()) return i[k];
  float v = f[k];
  // 9.2e18 is just below 2^63; anything outside cannot be converted without UB.
  require(std::isfinite(v) && std::fabs(v) < 9.2e18f, ErrorCode::kInvalidModel,
          what + " holds a float that is not a valid integer");
  return static_cast<int64_t>(v);
}

std::vector<int64_t> Constant::to_ints(const std::string& what) const {
  std::vector<int64_t> out(size());
  for (size_t k = 0; k < out.size(); ++k) out[k] = as_int(k, what);
  return out;
}

Tensor Constant::to_tensor(const std::string& name) const {
  Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = shape;
  size_t bytes = size() * dtype_size(dtype);
  t.data.resize(bytes);
  if (bytes > 0) std::memcpy(t.data.data(), is_float() ? static_cast<const void*>(f.data()) : i.data(), bytes);
  return t;
}

}  // namespace importer
}  // namespace garden
