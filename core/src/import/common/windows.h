// The 2-D window of convolutions and pooling (kernel, stride, dilation,
// padding), as every importer resolves it before emitting graph attributes.
#pragma once

#include <cstdint>
#include <string>

#include "garden/error.h"
#include "garden/graph.h"
#include "garden/limits.h"

namespace garden {
namespace importer {

using garden::kMaxWindow;  // kernel, stride, dilation and pad bound

// Axis 0 is the height, axis 1 the width.
struct Window {
  int64_t kernel[2] = {1, 1};
  int64_t stride[2] = {1, 1};
  int64_t dilation[2] = {1, 1};
  int64_t pad[4] = {0, 0, 0, 0};  // top, left, bottom, right
};

// Sets the padding from explicit values (top, left, bottom, right); a value
// outside [0, kMaxWindow] throws `code` with "<what> <value> is out of range".
void set_explicit_padding(Window& w, const int64_t (&pads)[4], ErrorCode code, const std::string& what);

// The extent of the dilated kernel along `axis`.
int64_t effective_kernel(const Window& w, int axis);

// SAME padding along `axis` of an input of `in`: the output is ceil(in / stride)
// and the padding that needs is split in two, the odd pixel at the end
// (TensorFlow's SAME, ONNX's SAME_UPPER) or at the start (SAME_LOWER).
void same_padding(Window& w, int axis, int64_t in, bool odd_pixel_at_end = true);

// Output size along `axis` of the window over `in` (0 when the window is larger
// than the padded input), rounding the last partial step up when `ceil_mode`.
int64_t window_output(const Window& w, int axis, int64_t in, bool ceil_mode = false);

// The window as graph attributes; kUnsupportedModel naming `where` when a
// value does not fit.
Attributes window_attributes(const Window& w, const std::string& where);

}  // namespace importer
}  // namespace garden
