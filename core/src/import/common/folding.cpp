#include "import/common/folding.h"

#include <algorithm>

#include "graph/graph_utils.h"
#include "graph/permute.h"

namespace garden {
namespace importer {

Constant with_shape(Constant x, Shape shape) {
  x.shape = std::move(shape);
  return x;
}

Constant gather_elements(const Constant& x, Shape shape, const std::vector<size_t>& offsets) {
  if (x.is_float()) {
    std::vector<float> out(offsets.size());
    for (size_t n = 0; n < out.size(); ++n) out[n] = x.f[offsets[n]];
    return Constant::floats(std::move(shape), std::move(out));
  }
  std::vector<int64_t> out(offsets.size());
  for (size_t n = 0; n < out.size(); ++n) out[n] = x.i[offsets[n]];
  return Constant::ints(std::move(shape), std::move(out));
}

std::vector<size_t> broadcast_offsets(const Shape& out, const Shape& in) {
  size_t rank = out.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t k = in.size(); k-- > 0;) {
    size_t o = k + (rank - in.size());
    strides[o] = in[k] == 1 ? 0 : stride;
    stride *= in[k];
  }
  size_t count = static_cast<size_t>(element_count(out));
  std::vector<size_t> offsets(count);
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (size_t n = 0; n < count; ++n) {
    offsets[n] = static_cast<size_t>(offset);
    for (size_t k = rank; k-- > 0;) {
      offset += strides[k];
      if (++index[k] < out[k]) break;
      offset -= strides[k] * out[k];
      index[k] = 0;
    }
  }
  return offsets;
}

std::vector<size_t> box_offsets(const Shape& in, const std::vector<SliceAxis>& axes) {
  size_t rank = in.size();
  std::vector<int64_t> strides(rank, 1);
  for (size_t k = rank; k-- > 1;) strides[k - 1] = strides[k] * in[k];
  Shape out_shape;
  for (const SliceAxis& a : axes) out_shape.push_back(a.count);
  size_t count = static_cast<size_t>(element_count(out_shape));
  std::vector<size_t> offsets(count);
  std::vector<int64_t> index(rank, 0);
  for (size_t n = 0; n < count; ++n) {
    int64_t offset = 0;
    for (size_t k = 0; k < rank; ++k) offset += (axes[k].start + index[k] * axes[k].step) * strides[k];
    offsets[n] = static_cast<size_t>(offset);
    for (size_t k = rank; k-- > 0;) {
      if (++index[k] < out_shape[k]) break;
      index[k] = 0;
    }
  }
  return offsets;
}

Constant permute_constant(const Constant& x, const std::vector<int64_t>& perm) {
  return gather_elements(x, permute(x.shape, perm), permuted_offsets(x.shape, perm));
}

Constant join_constants(const std::vector<const Constant*>& parts, size_t axis, Shape out) {
  const bool all_int = std::none_of(parts.begin(), parts.end(), [](const Constant* c) { return c->is_float(); });
  const int64_t outer = element_count(Shape(out.begin(), out.begin() + static_cast<int64_t>(axis)));
  Constant joined = all_int ? Constant::ints(std::move(out), {}) : Constant::floats(std::move(out), {});
  for (int64_t o = 0; o < outer; ++o) {
    for (const Constant* part : parts) {
      const int64_t run = element_count(Shape(part->shape.begin() + static_cast<int64_t>(axis), part->shape.end()));
      for (int64_t k = 0; k < run; ++k) {
        const size_t src = static_cast<size_t>(o * run + k);
        if (all_int) joined.i.push_back(part->i[src]);
        else joined.f.push_back(static_cast<float>(part->as_double(src)));
      }
    }
  }
  return joined;
}

}  // namespace importer
}  // namespace garden
