#include "import/common/windows.h"

#include <algorithm>

#include "import/common/constant.h"

namespace garden {
namespace importer {

void set_explicit_padding(Window& w, const int64_t (&pads)[4], ErrorCode code, const std::string& what) {
  for (int k = 0; k < 4; ++k) {
    require(pads[k] >= 0 && pads[k] <= kMaxWindow, code, what + " " + std::to_string(pads[k]) + " is out of range");
    w.pad[k] = pads[k];
  }
}

int64_t effective_kernel(const Window& w, int axis) { return (w.kernel[axis] - 1) * w.dilation[axis] + 1; }

void same_padding(Window& w, int axis, int64_t in, bool odd_pixel_at_end) {
  const int64_t out = (in + w.stride[axis] - 1) / w.stride[axis];
  const int64_t total = std::max<int64_t>(0, (out - 1) * w.stride[axis] + effective_kernel(w, axis) - in);
  const int64_t small = total / 2, large = total - total / 2;
  w.pad[axis] = odd_pixel_at_end ? small : large;
  w.pad[axis + 2] = odd_pixel_at_end ? large : small;
}

int64_t window_output(const Window& w, int axis, int64_t in, bool ceil_mode) {
  const int64_t span = in + w.pad[axis] + w.pad[axis + 2] - effective_kernel(w, axis);
  if (span < 0) return 0;
  const int64_t stride = w.stride[axis];
  return (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
}

Attributes window_attributes(const Window& w, const std::string& where) {
  Attributes attrs;
  for (int a = 0; a < 2; ++a) {
    attrs.kernel[a] = to_int32(w.kernel[a], 1, kMaxWindow, where, "kernel");
    attrs.stride[a] = to_int32(w.stride[a], 1, kMaxWindow, where, "stride");
    attrs.dilation[a] = to_int32(w.dilation[a], 1, kMaxWindow, where, "dilation");
  }
  for (int k = 0; k < 4; ++k) attrs.pad[k] = to_int32(w.pad[k], 0, kMaxWindow, where, "pad");
  return attrs;
}

}  // namespace importer
}  // namespace garden
