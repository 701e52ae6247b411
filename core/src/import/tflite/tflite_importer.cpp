// TFLite model (subgraph 0) -> garden::Graph.
//
// Operators are visited in file order; an operator reading a tensor that no
// earlier operator wrote (and that is neither a graph input nor a constant) is
// refused, so the graph comes out in topological order. Quantized tensors are
// read as the real values they stand for: int8/uint8 weights are dequantized
// to f32 at load and quantized activations run in f32.
#include <limits>

#include "import/importers.h"
#include "import/tflite_translators.h"

namespace garden {
namespace {

using tflite::ImportContext;

const char* const kConvolution2DTransposeBias = "Convolution2DTransposeBias";

void translate_custom(ImportContext& c, const std::string& custom_code, size_t index) {
  if (custom_code == kConvolution2DTransposeBias) {
    tflite::translate_convolution_2d_transpose_bias(c);
    return;
  }
  fail(ErrorCode::kUnsupportedOp,
       "unsupported TFLite custom op '" + custom_code + "' (operator " + std::to_string(index) + ")");
}

void translate_builtin(ImportContext& c, int32_t code, size_t index) {
  using namespace tflite;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  switch (code) {
    case kOpConv2D: return translate_conv_2d(c);
    case kOpDepthwiseConv2D: return translate_depthwise_conv_2d(c);
    case kOpTransposeConv: return translate_transpose_conv(c);
    case kOpFullyConnected: return translate_fully_connected(c);
    case kOpAveragePool2D: return translate_pool_2d(c, OpType::kAveragePool2D);
    case kOpMaxPool2D: return translate_pool_2d(c, OpType::kMaxPool2D);
    case kOpAdd: return translate_binary(c, OpType::kAdd, kAddOptions);
    case kOpSub: return translate_binary(c, OpType::kSub, kSubOptions);
    case kOpMul: return translate_binary(c, OpType::kMul, kMulOptions);
    case kOpDiv: return translate_binary(c, OpType::kDiv, kDivOptions);
    case kOpLogistic: return translate_unary(c, OpType::kSigmoid);
    case kOpTanh: return translate_unary(c, OpType::kTanh);
    case kOpHardSwish: return translate_unary(c, OpType::kHardSwish);
    case kOpRelu: return translate_clamp(c, 0.f, kInf);
    case kOpRelu6: return translate_clamp(c, 0.f, 6.f);
    case kOpReluN1To1: return translate_clamp(c, -1.f, 1.f);
    case kOpSoftmax: return translate_softmax(c);
    case kOpConcatenation: return translate_concatenation(c);
    case kOpReshape:
    case kOpSqueeze: return translate_reshape(c);
    case kOpMean: return translate_mean(c);
    case kOpPad: return translate_pad(c);
    case kOpResizeBilinear: return translate_resize(c, ResizeMode::kBilinear);
    case kOpResizeNearestNeighbor: return translate_resize(c, ResizeMode::kNearest);
    case kOpDequantize:
    case kOpQuantize: return translate_quantization(c);
    default:
      fail(ErrorCode::kUnsupportedOp,
           "unsupported TFLite op '" + builtin_op_name(code) + "' (operator " + std::to_string(index) + ")");
  }
}

// TFLite stores fixed shapes for every tensor; a requested input size must be
// the one the model was converted with.
void check_input_size(const Graph& graph, const ImportOptions& options) {
  for (TensorId id : graph.inputs) {
    const Shape& shape = graph.tensor(id).shape;
    if (shape.size() != 4) continue;
    require((options.input_height == 0 || options.input_height == shape[1]) &&
                (options.input_width == 0 || options.input_width == shape[2]),
            ErrorCode::kUnsupportedModel,
            "TFLite models have a fixed input size (" + std::to_string(shape[1]) + "x" + std::to_string(shape[2]) +
                " here)");
  }
}

}  // namespace

Graph import_tflite(const uint8_t* data, size_t size, const ImportOptions& options) {
  const tflite::ModelView model(data, size);
  Graph graph;
  ImportContext context(model, graph);
  context.define_graph_inputs();
  check_input_size(graph, options);
  for (size_t i = 0; i < model.operator_count(); ++i) {
    const tflite::fb::Operator& op = model.op(i);
    const int32_t code = model.builtin_code(op);
    const std::string custom_code = code == tflite::kOpCustom ? model.custom_code(op) : std::string();
    context.begin_operator(i, code == tflite::kOpCustom ? custom_code : tflite::builtin_op_name(code));
    if (code == tflite::kOpCustom)
      translate_custom(context, custom_code, i);
    else
      translate_builtin(context, code, i);
  }
  context.define_graph_outputs();
  graph.validate();
  return graph;
}

}  // namespace garden
