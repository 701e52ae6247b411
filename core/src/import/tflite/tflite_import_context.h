// State shared by the TFLite op translators: the graph being built, the graph
// tensor of every TFLite tensor index, and the operator being translated.
//
// TFLite stores a static shape for every tensor. Translators compute each
// output's shape from their inputs and attributes; output() refuses a file
// whose declared shape disagrees, so later passes and kernels can trust shapes.
#pragma once

#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "import/tflite/tflite_model.h"

namespace garden {
namespace tflite {

// TFLite's ActivationFunctionType, as a fused clamp (throws for TANH/SIGN_BIT).
struct ActivationRange {
  float min, max;
};

class ImportContext {
 public:
  ImportContext(const ModelView& model, Graph& graph);

  const ModelView& model() const { return model_; }
  Graph& graph() { return graph_; }

  // Graph inputs and outputs: subgraph 0's input and output tensor lists.
  void define_graph_inputs();
  void define_graph_outputs();

  // ---- the operator being translated ----
  // `options_type` is the BuiltinOptions tag of the options the operator reads (0: none).
  void begin_operator(size_t index, const std::string& op_name, uint8_t options_type);
  const fb::Operator& op() const { return *op_; }
  // "CONV_2D (operator 3)" for error messages.
  std::string describe() const;
  [[noreturn]] void fail_op(ErrorCode code, const std::string& message) const;
  // Checks the input count is in [min_inputs, max_inputs] and the output count.
  void require_arity(size_t min_inputs, size_t max_inputs, size_t outputs) const;
  size_t input_count() const;
  // Optional inputs may be absent (index -1) or beyond the end of the list.
  bool has_input(size_t k) const;
  // The operator's options as `Options` (nullptr when it has none); they must
  // carry the options tag the operator was begun with.
  template <typename Options>
  const Options* options() const {
    return model_.options<Options>(*op_, options_type_);
  }
  // The same, throwing kInvalidModel when the operator has none.
  template <typename Options>
  const Options& required_options() const {
    const Options* options = this->options<Options>();
    if (options == nullptr) fail_op(ErrorCode::kInvalidModel, "has no options");
    return *options;
  }
  // The custom_options bytes (empty when absent).
  Bytes custom_options() const;

  // The graph tensor for input k (constants are created on first use).
  TensorId input(size_t k);
  Shape input_shape(size_t k);
  bool input_is_constant(size_t k);
  // Values of constant input k; throws kUnsupportedModel if it is not constant.
  std::vector<float> constant_f32(size_t k);
  std::vector<int64_t> constant_ints(size_t k);
  // The shape the file declares for output k (for ops whose output shape is
  // the file's choice, such as RESHAPE).
  Shape declared_output_shape(size_t k) const;
  // Defines output k with `shape`; the file's declared shape must be equal.
  TensorId output(size_t k, const Shape& shape);
  // Makes output k another name for an existing tensor (no node emitted).
  void alias_output(size_t k, TensorId existing);

  TensorId add_constant(const std::string& name, const Shape& shape, const std::vector<float>& values);
  TensorId add_activation(const std::string& name, const Shape& shape);
  Node& emit(OpType type, std::vector<TensorId> inputs, std::vector<TensorId> outputs, Attributes attrs = {});

  ActivationRange activation(int8_t fused_activation_function) const;

 private:
  int32_t input_index(size_t k) const;
  int32_t output_index(size_t k) const;
  TensorId materialize(int32_t index);
  Shape declared_shape(int32_t index) const;
  std::string tensor_name(int32_t index) const;

  const ModelView& model_;
  Graph& graph_;
  std::vector<TensorId> ids_;  // TFLite tensor index -> graph tensor, -1 until defined
  const fb::Operator* op_ = nullptr;
  size_t op_index_ = 0;
  std::string op_name_;
  uint8_t options_type_ = 0;
};

// Layout of an activation of this rank (TFLite's 4-D activations are NHWC).
inline Layout activation_layout(const Shape& shape) { return shape.size() == 4 ? Layout::kNHWC : Layout::kAny; }

}  // namespace tflite
}  // namespace garden
