// TFLite operator translators (tflite_ops*.cpp). Each reads the current
// operator of the context and appends graph nodes.
#pragma once

#include "import/tflite/tflite_import_context.h"

namespace garden {
namespace tflite {

// Convolutions, pooling, fully connected (tflite_ops_conv.cpp).
void translate_conv_2d(ImportContext& c);
void translate_depthwise_conv_2d(ImportContext& c);
void translate_transpose_conv(ImportContext& c);
// MediaPipe's custom op: a transposed convolution with bias.
void translate_convolution_2d_transpose_bias(ImportContext& c);
void translate_fully_connected(ImportContext& c);
void translate_pool_2d(ImportContext& c, OpType type);

// Element-wise, shape and resize ops (tflite_ops.cpp).
void translate_binary(ImportContext& c, OpType type);
void translate_unary(ImportContext& c, OpType type);
void translate_clamp(ImportContext& c, float min, float max);
void translate_leaky_relu(ImportContext& c);
void translate_elu(ImportContext& c);  // alpha 1, as TFLite defines it
void translate_softmax(ImportContext& c);
void translate_concatenation(ImportContext& c);
void translate_reshape(ImportContext& c);  // RESHAPE and SQUEEZE
void translate_reduction(ImportContext& c, OpType op);  // MEAN, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD
void translate_pad(ImportContext& c);
void translate_resize(ImportContext& c, ResizeMode mode);
// DEQUANTIZE and QUANTIZE: the graph runs in f32, so both pass values through.
void translate_quantization(ImportContext& c);

// Emits `type` writing `output`, followed by a Clamp when `range` is not the
// identity (for ops that cannot fuse an activation themselves).
void emit_then_clamp(ImportContext& c, OpType type, std::vector<TensorId> inputs, TensorId output,
                     Attributes attrs, ActivationRange range);

}  // namespace tflite
}  // namespace garden
