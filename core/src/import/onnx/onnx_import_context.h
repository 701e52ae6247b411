// State shared by the ONNX op translators: the graph being built and what is
// known about every ONNX value name (its static shape, its constant value if
// it is known at import time, and the graph tensor that carries it).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "import/onnx_constant.h"
#include "import/onnx_model.h"

namespace garden {
namespace onnx {

struct Value {
  Shape shape;
  std::optional<Constant> constant;  // known at import time
  TensorId tensor = -1;              // graph tensor, once one exists
};

// Read access to one node's attributes with typed defaults.
class NodeAttributes {
 public:
  explicit NodeAttributes(const Node& node) : node_(node) {}
  bool has(const std::string& name) const { return find(name) != nullptr; }
  int64_t get_int(const std::string& name, int64_t fallback) const;
  float get_float(const std::string& name, float fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> get_ints(const std::string& name, std::vector<int64_t> fallback = {}) const;
  std::vector<float> get_floats(const std::string& name) const;
  const TensorProto* get_tensor(const std::string& name) const;

 private:
  const Attribute* find(const std::string& name) const;
  const Node& node_;
};

// "Conv node 'conv1'" for error messages.
std::string describe(const Node& node);

class ImportContext {
 public:
  ImportContext(Graph& graph, int64_t opset) : graph_(graph), opset_(opset) {}

  int64_t opset() const { return opset_; }
  Graph& graph() { return graph_; }

  // ---- values by ONNX name ----
  bool has_value(const std::string& name) const { return values_.count(name) != 0; }
  const Value& value(const Node& node, const std::string& name) const;
  // Input `index` of `node`; throws kInvalidModel if it is missing or unknown.
  const Value& input(const Node& node, size_t index) const;
  bool has_input(const Node& node, size_t index) const {
    return index < node.inputs.size() && !node.inputs[index].empty();
  }
  // A constant input (shape tensor, axes, scales...); kUnsupportedModel if computed at run time.
  const Constant& constant_input(const Node& node, size_t index) const;
  const std::string& output_name(const Node& node, size_t index = 0) const;

  void set_constant(const std::string& name, Constant constant);
  // Charges a folded result of `count` elements to the import's folding
  // budget (kMaxFoldedElementsTotal); kLimitExceeded once it is spent.
  void charge_folded_elements(int64_t count, const Node& node);
  void set_alias(const std::string& name, const Value& value) { values_[name] = value; }
  void define_input(const std::string& name, Shape shape);

  // ---- graph building ----
  // The graph tensor of input `index`, creating one for a constant on first use.
  TensorId input_tensor(const Node& node, size_t index);
  TensorId constant_tensor(const std::string& name, const Constant& constant);
  // Creates the tensor of output `index` of `node` with `shape` (rank-4 tagged NCHW).
  TensorId define_output(const Node& node, Shape shape, size_t index = 0);
  // An intermediate tensor of the importer's own (e.g. between Mean and Reshape).
  TensorId define_intermediate(const std::string& name, Shape shape);
  void emit(OpType op, const Node& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
            Attributes attrs = {});
  TensorId tensor_of(const std::string& name, const Node& node);

 private:
  TensorId add_activation(const std::string& name, Shape shape);
  // Tensor names stay unique even when one initializer feeds several nodes.
  std::string unique_name(const std::string& name);

  Graph& graph_;
  int64_t opset_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, int> name_uses_;
  FoldingBudget folding_budget_;
};

// ---- translators and folding (onnx_ops.cpp, onnx_folding.cpp) ----

using Translator = std::function<void(ImportContext&, const Node&)>;
// The translator of an ONNX op type, or nullptr if unsupported.
const Translator* find_translator(const std::string& op_type);

// If every input of `node` is known at import time (or the op only needs
// static shapes, like Shape) and the op is one we can evaluate, computes its
// outputs as constants and returns true.
bool try_fold(ImportContext& context, const Node& node);

// Helpers used by both.
int64_t normalize_axis(int64_t axis, size_t rank, const Node& node);
Shape broadcast_shapes(const Shape& a, const Shape& b, const Node& node);

}  // namespace onnx
}  // namespace garden
