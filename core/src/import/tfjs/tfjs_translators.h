// Translators from TensorFlow ops (as TF.js graph models write them) to graph
// ops. Each reads its inputs from the ImportContext, checks them
// (kInvalidModel naming the node when the model is inconsistent,
// kUnsupportedModel for valid TensorFlow we do not run), computes the static
// NHWC output shape and emits graph nodes.
#pragma once

#include "import/common/folding.h"
#include "import/tfjs/tfjs_import_context.h"

namespace garden {
namespace tfjs {

// tfjs_ops_conv.cpp
void translate_conv2d(ImportContext& context, const TfNode& node);            // Conv2D, _FusedConv2D
void translate_depthwise(ImportContext& context, const TfNode& node);         // (Fused)DepthwiseConv2dNative
void translate_conv2d_transpose(ImportContext& context, const TfNode& node);  // Conv2DBackpropInput
void translate_matmul(ImportContext& context, const TfNode& node);            // MatMul, _FusedMatMul
void translate_batch_matmul(ImportContext& context, const TfNode& node);      // BatchMatMul, BatchMatMulV2
void translate_pool(ImportContext& context, const TfNode& node);              // AvgPool, MaxPool

// tfjs_ops.cpp
void translate_binary(ImportContext& context, const TfNode& node);  // Add, AddV2, Sub, Mul, RealDiv, BiasAdd
void translate_add_n(ImportContext& context, const TfNode& node);
void translate_unary(ImportContext& context, const TfNode& node);   // Relu, Relu6, Sigmoid, Tanh
void translate_softmax(ImportContext& context, const TfNode& node);
void translate_identity(ImportContext& context, const TfNode& node);  // Identity, Cast float->float
void translate_reshape(ImportContext& context, const TfNode& node);   // Reshape, Squeeze, ExpandDims
void translate_concat(ImportContext& context, const TfNode& node);
void translate_pad(ImportContext& context, const TfNode& node);       // Pad, PadV2
void translate_reduction(ImportContext& context, const TfNode& node);  // Mean, Sum, Max, Min, Prod
void translate_power(ImportContext& context, const TfNode& node);      // Square, Rsqrt
void translate_transpose(ImportContext& context, const TfNode& node);
void translate_tile(ImportContext& context, const TfNode& node);
void translate_split(ImportContext& context, const TfNode& node);      // Split, SplitV, Unpack

// tfjs_ops_indexing.cpp: index arithmetic on activations, exact on float32 whole numbers
void translate_argmax(ImportContext& context, const TfNode& node);     // ArgMax inside the graph
void translate_floor_div(ImportContext& context, const TfNode& node);  // FloorDiv, FloorMod
void translate_pack(ImportContext& context, const TfNode& node);
void translate_gather_nd(ImportContext& context, const TfNode& node);
void translate_gather(ImportContext& context, const TfNode& node);      // GatherV2
void translate_comparison(ImportContext& context, const TfNode& node);  // Equal, Greater..., LogicalAnd, Select
void translate_integer_cast(ImportContext& context, const TfNode& node); // Cast to int32 or bool
void translate_top_k(ImportContext& context, const TfNode& node);       // TopKV2, k <= 16
void translate_resize(ImportContext& context, const TfNode& node);    // ResizeBilinear, ResizeNearestNeighbor
void translate_strided_slice(ImportContext& context, const TfNode& node);
void translate_depth_to_space(ImportContext& context, const TfNode& node);

// Output shapes shared with folding (tfjs_folding.cpp).
Shape reshape_target(const TfNode& node, const Shape& input, const std::vector<int64_t>& target);
Shape squeeze_target(const TfNode& node, const Shape& input);
Shape expand_dims_target(const TfNode& node, const Shape& input, int64_t axis);
Shape concat_target(const TfNode& node, const std::vector<Shape>& inputs, int64_t axis);

using importer::SliceAxis;
// A StridedSlice read: the range of each input dimension, and the output's
// shape (shrunk axes dropped, new_axis_mask's size-1 axes inserted).
struct StridedSlice {
  std::vector<SliceAxis> ranges;
  Shape out;
};
StridedSlice strided_slice(const ImportContext& context, const TfNode& node, const Shape& input);

}  // namespace tfjs
}  // namespace garden
