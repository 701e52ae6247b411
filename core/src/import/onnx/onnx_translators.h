// Translators from ONNX ops to graph ops, grouped by kind. Each reads the
// node's inputs from the ImportContext, checks them (kInvalidModel naming the
// node when the model is inconsistent, kUnsupportedModel for valid ONNX we do
// not run), computes the static output shape and emits graph nodes.
#pragma once

#include "import/onnx/onnx_import_context.h"

namespace garden {
namespace onnx {

// onnx_ops_conv.cpp
void translate_conv(ImportContext& context, const Node& node);
void translate_conv_transpose(ImportContext& context, const Node& node);
void translate_pool(ImportContext& context, const Node& node);  // AveragePool, MaxPool
void translate_global_average_pool(ImportContext& context, const Node& node);
void translate_gemm(ImportContext& context, const Node& node);
void translate_matmul(ImportContext& context, const Node& node);

// onnx_ops_elementwise.cpp
void translate_binary(ImportContext& context, const Node& node);  // Add, Sub, Mul, Div
void translate_unary(ImportContext& context, const Node& node);   // Relu, Sigmoid, Tanh, HardSwish...
void translate_clip(ImportContext& context, const Node& node);
void translate_batch_norm(ImportContext& context, const Node& node);
void translate_softmax(ImportContext& context, const Node& node);
// Softmax's and LogSoftmax's axis, normalized; before opset 13 only an axis
// whose later dimensions are all 1 (kUnsupportedModel otherwise).
int64_t softmax_axis(ImportContext& context, const Node& node);

// onnx_ops_composite.cpp: ops the graph has no single op for, each spelled
// with a few element-wise ops and reductions.
void translate_log_softmax(ImportContext& context, const Node& node);
void translate_activation_chain(ImportContext& context, const Node& node);  // Softplus, Selu, Tan...
void translate_global_max_pool(ImportContext& context, const Node& node);
void translate_lrn(ImportContext& context, const Node& node);
void translate_instance_norm(ImportContext& context, const Node& node);
void translate_mean_variance_norm(ImportContext& context, const Node& node);

// onnx_ops_shape.cpp
void translate_reshape(ImportContext& context, const Node& node);  // Reshape, Flatten, Squeeze, Unsqueeze
void translate_identity(ImportContext& context, const Node& node); // Identity, Dropout, Cast to float
void translate_concat(ImportContext& context, const Node& node);
void translate_transpose(ImportContext& context, const Node& node);
void translate_slice(ImportContext& context, const Node& node);
void translate_pad(ImportContext& context, const Node& node);
// ONNX's reductions: ReduceMax, ReduceMin and ReduceProd are graph ops; the
// rest are a mean in disguise: ReduceMean, and ReduceSum, ReduceSumSquare,
// ReduceL1, ReduceL2, ReduceLogSum and ReduceLogSumExp as the mean times the
// count of values, with an element-wise map before it (x * x, |x|, e^x) or
// after it (sqrt, log).
enum class Reduction { kMean, kSum, kSumSquare, kL1, kL2, kLogSum, kLogSumExp, kMax, kMin, kProd };
void translate_reduction(ImportContext& context, const Node& node, Reduction reduction);
void translate_depth_to_space(ImportContext& context, const Node& node);  // DCR and CRD
void translate_space_to_depth(ImportContext& context, const Node& node);

// onnx_legacy_opsets.cpp: refuses, before translation, the ops whose meaning
// in opsets 1 to 6 differs from opset 7's (a no-op from opset 7).
void check_legacy_node(ImportContext& context, const Node& node);

// onnx_ops_resize.cpp
void translate_resize(ImportContext& context, const Node& node);  // Resize, Upsample

}  // namespace onnx
}  // namespace garden
