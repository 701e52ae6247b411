// Shape rules of ONNX's data-movement ops, shared by constant folding (which
// moves the values) and translation (which emits Reshape/Slice with the shape).
#pragma once

#include <vector>

#include "import/common/folding.h"
#include "import/onnx/onnx_import_context.h"

namespace garden {
namespace onnx {

// Reshape with ONNX's 0 (copy the input dim, unless allowzero) and -1 (infer).
Shape reshape_shape(const Node& node, const Shape& input, const std::vector<int64_t>& target, bool allow_zero);
Shape flatten_shape(const Node& node, const Shape& input, int64_t axis);
// Axes from the "axes" attribute (older opsets) or input #1 (opset >= 13).
std::vector<int64_t> squeeze_axes(const ImportContext& context, const Node& node);
Shape squeeze_shape(const Node& node, const Shape& input, const std::vector<int64_t>& axes);
Shape unsqueeze_shape(const Node& node, const Shape& input, const std::vector<int64_t>& axes);

using importer::SliceAxis;
// Slice ranges for every axis of `input` (axes not sliced take everything).
std::vector<SliceAxis> slice_ranges(const ImportContext& context, const Node& node, const Shape& input);

Shape concat_shape(const Node& node, const std::vector<Shape>& inputs, int64_t axis);
std::vector<int64_t> transpose_permutation(const Node& node, size_t rank);

}  // namespace onnx
}  // namespace garden
