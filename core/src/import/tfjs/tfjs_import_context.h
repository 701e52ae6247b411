// State shared by the TF.js op translators: the graph being built and what is
// known about every TensorFlow value ("node:k"): its static shape, its value
// when known at import time, and the graph tensor that carries it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "import/tfjs_model.h"

namespace garden {
namespace tfjs {

struct Value {
  Shape shape;
  std::optional<Constant> constant;  // known at import time
  TensorId tensor = -1;              // graph tensor, once one exists
};

// "_FusedConv2D node 'conv1'" for error messages.
std::string describe(const TfNode& node);

// Typed reads of a node's attributes with defaults; kInvalidModel on a wrong kind.
int64_t attr_int(const TfNode& node, const std::string& name, int64_t fallback);
float attr_float(const TfNode& node, const std::string& name, float fallback);
bool attr_bool(const TfNode& node, const std::string& name, bool fallback);
std::string attr_string(const TfNode& node, const std::string& name, const std::string& fallback);
std::vector<int64_t> attr_ints(const TfNode& node, const std::string& name, std::vector<int64_t> fallback);
std::vector<std::string> attr_strings(const TfNode& node, const std::string& name);
const AttrValue* find_attr(const TfNode& node, const std::string& name);

std::string value_key(const std::string& node, int index);

class ImportContext {
 public:
  explicit ImportContext(Graph& graph) : graph_(graph) {}
  Graph& graph() { return graph_; }

  bool has_value(const std::string& key) const { return values_.count(key) != 0; }
  const Value& value(const std::string& key) const;
  const Value& input(const TfNode& node, size_t index) const;
  size_t input_count(const TfNode& node) const { return node.inputs.size(); }
  // Requires exactly `count` data inputs (kInvalidModel otherwise).
  void require_inputs(const TfNode& node, size_t count) const;
  bool is_constant(const TfNode& node, size_t index) const { return input(node, index).constant.has_value(); }
  // An input known at import time (weights, axes, sizes); kUnsupportedModel otherwise.
  const Constant& constant_input(const TfNode& node, size_t index, const std::string& what) const;

  void set_constant(const std::string& key, Constant constant);
  // Charges a folded result of `count` elements to the import's folding
  // budget (graph/folding_budget.h, shared with the ONNX importer).
  void charge_folded_elements(int64_t count, const TfNode& node) { folding_budget_.charge(count, describe(node)); }
  void set_alias(const std::string& key, const Value& value) { values_[key] = value; }
  void define_input(const std::string& key, Shape shape);

  // The graph tensor of input `index`, creating one for a constant on first use.
  TensorId input_tensor(const TfNode& node, size_t index);
  TensorId constant_tensor(const std::string& name, const Constant& constant);
  // Creates the tensor of output `index` of `node` (rank 4 is tagged NHWC).
  TensorId define_output(const TfNode& node, Shape shape, int index = 0);
  // An intermediate tensor of the importer's own (e.g. a convolution before its activation).
  TensorId define_intermediate(const std::string& name, Shape shape);
  void emit(OpType op, const TfNode& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
            Attributes attrs = {});

 private:
  TensorId add_activation(const std::string& name, Shape shape);
  std::string unique_name(const std::string& name);

  Graph& graph_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, int> name_uses_;
  FoldingBudget folding_budget_;
};

using Translator = std::function<void(ImportContext&, const TfNode&)>;
// The translator of a TF op, or nullptr if unsupported.
const Translator* find_translator(const std::string& op);

// If every input of `node` is known at import time and the op is one we can
// evaluate (shape arithmetic), stores its outputs as constants and returns true.
bool try_fold(ImportContext& context, const TfNode& node);

// Helpers shared by translators and folding.
int64_t normalize_axis(int64_t axis, size_t rank, const TfNode& node);
Shape broadcast_shapes(const Shape& a, const Shape& b, const TfNode& node);
int32_t to_int32(int64_t value, int64_t min, int64_t max, const TfNode& node, const std::string& what);

}  // namespace tfjs
}  // namespace garden
