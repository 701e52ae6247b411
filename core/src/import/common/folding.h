// Data movement on constants, shared by the importers' import-time folding:
// each builds the offsets of the elements it takes, then gathers them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "import/common/constant.h"

namespace garden {
namespace importer {

// One axis of a slice: elements start, start + step, ... (count of them).
struct SliceAxis {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
  bool shrink = false;  // dropped from the output shape (TensorFlow's shrink_axis_mask)
};

// `x` with another shape of the same element count.
Constant with_shape(Constant x, Shape shape);

// Copies the elements of `x` picked by `offsets` into a new constant of `shape`.
Constant gather_elements(const Constant& x, Shape shape, const std::vector<size_t>& offsets);

// Offsets into `in` for every element of `out` under numpy broadcasting.
std::vector<size_t> broadcast_offsets(const Shape& out, const Shape& in);

// Offsets into `in` of a strided box: axes[k].count elements from axes[k].start
// by axes[k].step along each axis k.
std::vector<size_t> box_offsets(const Shape& in, const std::vector<SliceAxis>& axes);

// `x` with its axes permuted (axis k of the result is axis perm[k] of x).
Constant permute_constant(const Constant& x, const std::vector<int64_t>& perm);

// `parts` joined along `axis` into a constant of shape `out`: each part adds the
// elements of its own dims from `axis` on, once per index of out's dims before
// it (concatenation, and stacking when the parts lack the axis). Ints stay
// ints unless a part is float.
Constant join_constants(const std::vector<const Constant*>& parts, size_t axis, Shape out);

}  // namespace importer
}  // namespace garden
