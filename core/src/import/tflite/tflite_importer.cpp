// TFLite model (subgraph 0) -> garden::Graph.
//
// Operators are visited in file order; an operator reading a tensor that no
// earlier operator wrote (and that is neither a graph input nor a constant) is
// refused, so the graph comes out in topological order. Quantized tensors are
// read as the real values they stand for: int8/uint8 weights are dequantized
// to f32 at load and quantized activations run in f32.
// A classifier's labels packed in the file after the model
// (tflite_associated_files.h) become ModelInfo::labels.
#include <algorithm>
#include <limits>
#include <set>

#include "import/common/unsupported_list.h"
#include "import/importers.h"
#include "import/tflite/tflite_associated_files.h"
#include "import/tflite/tflite_translators.h"

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

constexpr float kInf = std::numeric_limits<float>::infinity();

// A builtin operator the importer reads: its BuiltinOperator code, its name in
// the TFLite schema, the BuiltinOptions tag of the options it reads (0: none)
// and its translation.
struct BuiltinOp {
  int32_t code;
  const char* name;
  uint8_t options_type;
  void (*translate)(ImportContext&);
};

// The translation of an element-wise op that is one graph op.
template <OpType op>
void unary(ImportContext& c) { tflite::translate_unary(c, op); }
template <OpType op>
void binary(ImportContext& c) { tflite::translate_binary(c, op); }
template <OpType op>
void reduction(ImportContext& c) { tflite::translate_reduction(c, op); }

// By code. Each translation that needs more than the context is a lambda.
// MAXIMUM, MINIMUM, POW and SQUARED_DIFFERENCE have empty options tables, which
// binary<> reads as no fused activation.
const BuiltinOp kBuiltinOps[] = {
    {0, "ADD", 11, binary<OpType::kAdd>},
    {1, "AVERAGE_POOL_2D", 5, [](ImportContext& c) { tflite::translate_pool_2d(c, OpType::kAveragePool2D); }},
    {2, "CONCATENATION", 10, tflite::translate_concatenation},
    {3, "CONV_2D", 1, tflite::translate_conv_2d},
    {4, "DEPTHWISE_CONV_2D", 2, tflite::translate_depthwise_conv_2d},
    {6, "DEQUANTIZE", 0, tflite::translate_quantization},
    {8, "FLOOR", 0, unary<OpType::kFloor>},
    {9, "FULLY_CONNECTED", 8, tflite::translate_fully_connected},
    {14, "LOGISTIC", 0, unary<OpType::kSigmoid>},
    {17, "MAX_POOL_2D", 5, [](ImportContext& c) { tflite::translate_pool_2d(c, OpType::kMaxPool2D); }},
    {18, "MUL", 21, binary<OpType::kMul>},
    {19, "RELU", 0, [](ImportContext& c) { tflite::translate_clamp(c, 0.f, kInf); }},
    {20, "RELU_N1_TO_1", 0, [](ImportContext& c) { tflite::translate_clamp(c, -1.f, 1.f); }},
    {21, "RELU6", 0, [](ImportContext& c) { tflite::translate_clamp(c, 0.f, 6.f); }},
    {22, "RESHAPE", 0, tflite::translate_reshape},
    {23, "RESIZE_BILINEAR", 15, [](ImportContext& c) { tflite::translate_resize(c, ResizeMode::kBilinear); }},
    {25, "SOFTMAX", 9, tflite::translate_softmax},
    {28, "TANH", 0, unary<OpType::kTanh>},
    {34, "PAD", 0, tflite::translate_pad},
    {40, "MEAN", 27, reduction<OpType::kMean>},
    {41, "SUB", 28, binary<OpType::kSub>},
    {42, "DIV", 29, binary<OpType::kDiv>},
    {43, "SQUEEZE", 30, tflite::translate_reshape},
    {47, "EXP", 0, unary<OpType::kExp>},
    {54, "PRELU", 0, binary<OpType::kPRelu>},
    {55, "MAXIMUM", 39, binary<OpType::kMaximum>},
    {57, "MINIMUM", 39, binary<OpType::kMinimum>},
    {59, "NEG", 0, unary<OpType::kNeg>},
    {66, "SIN", 0, unary<OpType::kSin>},
    {67, "TRANSPOSE_CONV", 49, tflite::translate_transpose_conv},
    {73, "LOG", 0, unary<OpType::kLog>},
    {75, "SQRT", 0, unary<OpType::kSqrt>},
    {78, "POW", 56, binary<OpType::kPow>},
    {81, "REDUCE_PROD", 27, reduction<OpType::kReduceProd>},
    {82, "REDUCE_MAX", 27, reduction<OpType::kReduceMax>},
    {89, "REDUCE_MIN", 27, reduction<OpType::kReduceMin>},
    {97, "RESIZE_NEAREST_NEIGHBOR", 74, [](ImportContext& c) { tflite::translate_resize(c, ResizeMode::kNearest); }},
    {98, "LEAKY_RELU", 75, tflite::translate_leaky_relu},
    {99, "SQUARED_DIFFERENCE", 76, binary<OpType::kSquaredDifference>},
    {101, "ABS", 0, unary<OpType::kAbs>},
    {104, "CEIL", 0, unary<OpType::kCeil>},
    {108, "COS", 0, unary<OpType::kCos>},
    {111, "ELU", 0, tflite::translate_elu},
    {114, "QUANTIZE", 0, tflite::translate_quantization},
    {116, "ROUND", 0, unary<OpType::kRound>},
    {117, "HARD_SWISH", 0, unary<OpType::kHardSwish>},
    {156, "ATAN2", 122, binary<OpType::kAtan2>},  // ATan2Options: empty, read as no fused activation
    {158, "SIGN", 0, unary<OpType::kSign>},
};

constexpr int32_t kCustomCode = 32;  // CUSTOM: the operator names itself in custom_code

const BuiltinOp* find_builtin(int32_t code) {
  for (const BuiltinOp& op : kBuiltinOps)
    if (op.code == code) return &op;
  return nullptr;
}

void translate_operator(ImportContext& c, const tflite::ModelView& model, size_t index) {
  const tflite::fb::Operator& op = model.op(index);
  const int32_t code = model.builtin_code(op);
  if (code == kCustomCode) {
    const std::string custom_code = model.custom_code(op);
    c.begin_operator(index, custom_code, 0);
    translate_custom(c, custom_code, index);
    return;
  }
  const BuiltinOp* builtin = find_builtin(code);
  if (builtin == nullptr)
    fail(ErrorCode::kUnsupportedOp, "unsupported TFLite op 'builtin op " + std::to_string(code) + "' (operator " +
                                        std::to_string(index) + ")");
  c.begin_operator(index, builtin->name, builtin->options_type);
  builtin->translate(c);
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

std::vector<std::string> tflite_op_names() {
  std::vector<std::string> names{kConvolution2DTransposeBias};
  for (const BuiltinOp& op : kBuiltinOps) names.push_back(op.name);
  std::sort(names.begin(), names.end());
  return names;
}

Graph import_tflite(const uint8_t* data, size_t size, const ImportOptions& options) {
  const tflite::ModelView model(data, size);
  Graph graph;
  ImportContext context(model, graph);
  context.define_graph_inputs();
  check_input_size(graph, options);
  // Every operator that can be translated is; the ones that cannot (and those
  // reading what they would have made) are collected, so the error names them all.
  importer::UnsupportedList unsupported;
  std::set<int32_t> missing;  // tensors a refused operator would have made
  for (size_t i = 0; i < model.operator_count(); ++i) {
    const tflite::fb::Operator& op = model.op(i);
    bool blocked = false;
    if (op.inputs() != nullptr)
      for (int32_t t : *op.inputs()) blocked = blocked || missing.count(t) != 0;
    const int32_t code = model.builtin_code(op);
    if (blocked && code != kCustomCode && find_builtin(code) == nullptr)
      unsupported.record_unknown_op("unsupported TFLite op 'builtin op " + std::to_string(code) + "' (operator " +
                                    std::to_string(i) + ")");
    if (blocked || !unsupported.attempt([&] { translate_operator(context, model, i); })) {
      if (op.outputs() != nullptr) missing.insert(op.outputs()->begin(), op.outputs()->end());
    }
  }
  unsupported.throw_if_any();
  context.define_graph_outputs();
  graph.validate();
  graph.info.labels = tflite::packed_labels(tflite::read_associated_files(data, size));
  return graph;
}

}  // namespace garden
