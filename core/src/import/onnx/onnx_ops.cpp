// The table of ONNX op types the importer translates.
#include <algorithm>
#include <unordered_map>

#include "import/importers.h"
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace onnx {

namespace {

Translator wrap(void (*f)(ImportContext&, const Node&)) { return Translator(f); }

Translator reduction(Reduction kind) {
  return [kind](ImportContext& context, const Node& node) { translate_reduction(context, node, kind); };
}

const std::unordered_map<std::string, Translator>& translators() {
  static const std::unordered_map<std::string, Translator> table = {
      {"Conv", wrap(translate_conv)},
      {"ConvTranspose", wrap(translate_conv_transpose)},
      {"AveragePool", wrap(translate_pool)},
      {"MaxPool", wrap(translate_pool)},
      {"GlobalAveragePool", wrap(translate_global_average_pool)},
      {"Gemm", wrap(translate_gemm)},
      {"MatMul", wrap(translate_matmul)},
      {"Add", wrap(translate_binary)},
      {"Sub", wrap(translate_binary)},
      {"Mul", wrap(translate_binary)},
      {"Div", wrap(translate_binary)},
      {"Pow", wrap(translate_binary)},
      {"PRelu", wrap(translate_binary)},
      {"Max", wrap(translate_binary)},
      {"Min", wrap(translate_binary)},
      {"Sum", wrap(translate_binary)},
      {"Mean", wrap(translate_binary)},
      {"Sign", wrap(translate_unary)},
      {"Reciprocal", wrap(translate_unary)},
      {"Sin", wrap(translate_unary)},
      {"Cos", wrap(translate_unary)},
      {"Relu", wrap(translate_unary)},
      {"Sigmoid", wrap(translate_unary)},
      {"Tanh", wrap(translate_unary)},
      {"HardSigmoid", wrap(translate_unary)},
      {"LeakyRelu", wrap(translate_unary)},
      {"Elu", wrap(translate_unary)},
      {"Abs", wrap(translate_unary)},
      {"Neg", wrap(translate_unary)},
      {"Exp", wrap(translate_unary)},
      {"Log", wrap(translate_unary)},
      {"Sqrt", wrap(translate_unary)},
      {"Floor", wrap(translate_unary)},
      {"Ceil", wrap(translate_unary)},
      {"Round", wrap(translate_unary)},
      {"HardSwish", wrap(translate_unary)},
      {"Clip", wrap(translate_clip)},
      {"BatchNormalization", wrap(translate_batch_norm)},
      {"Softmax", wrap(translate_softmax)},
      {"Reshape", wrap(translate_reshape)},
      {"Flatten", wrap(translate_reshape)},
      {"Squeeze", wrap(translate_reshape)},
      {"Unsqueeze", wrap(translate_reshape)},
      {"Identity", wrap(translate_identity)},
      {"Dropout", wrap(translate_identity)},
      {"Cast", wrap(translate_identity)},
      {"Concat", wrap(translate_concat)},
      {"Transpose", wrap(translate_transpose)},
      {"Slice", wrap(translate_slice)},
      {"Pad", wrap(translate_pad)},
      {"ReduceMean", reduction(Reduction::kMean)},
      {"ReduceSum", reduction(Reduction::kSum)},
      {"ReduceSumSquare", reduction(Reduction::kSumSquare)},
      {"ReduceL1", reduction(Reduction::kL1)},
      {"ReduceL2", reduction(Reduction::kL2)},
      {"ReduceLogSum", reduction(Reduction::kLogSum)},
      {"ReduceLogSumExp", reduction(Reduction::kLogSumExp)},
      {"ReduceMax", reduction(Reduction::kMax)},
      {"ReduceMin", reduction(Reduction::kMin)},
      {"ReduceProd", reduction(Reduction::kProd)},
      {"DepthToSpace", wrap(translate_depth_to_space)},
      {"SpaceToDepth", wrap(translate_space_to_depth)},
      {"LogSoftmax", wrap(translate_log_softmax)},
      {"Softplus", wrap(translate_activation_chain)},
      {"Softsign", wrap(translate_activation_chain)},
      {"Selu", wrap(translate_activation_chain)},
      {"Celu", wrap(translate_activation_chain)},
      {"ThresholdedRelu", wrap(translate_activation_chain)},
      {"Shrink", wrap(translate_activation_chain)},
      {"Tan", wrap(translate_activation_chain)},
      {"Atan", wrap(translate_activation_chain)},
      {"Asinh", wrap(translate_activation_chain)},
      {"Acosh", wrap(translate_activation_chain)},
      {"Atanh", wrap(translate_activation_chain)},
      {"Erf", wrap(translate_activation_chain)},
      {"Asin", wrap(translate_activation_chain)},
      {"Acos", wrap(translate_activation_chain)},
      {"Sinh", wrap(translate_activation_chain)},
      {"Cosh", wrap(translate_activation_chain)},
      {"GlobalMaxPool", wrap(translate_global_max_pool)},
      {"LRN", wrap(translate_lrn)},
      {"InstanceNormalization", wrap(translate_instance_norm)},
      {"MeanVarianceNormalization", wrap(translate_mean_variance_norm)},
      {"Resize", wrap(translate_resize)},
      {"Upsample", wrap(translate_resize)},
  };
  return table;
}

}  // namespace

const Translator* find_translator(const std::string& op_type) {
  auto it = translators().find(op_type);
  return it == translators().end() ? nullptr : &it->second;
}

}  // namespace onnx

std::vector<std::string> onnx_op_types() {
  std::vector<std::string> names;
  for (const auto& entry : onnx::translators()) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace garden
