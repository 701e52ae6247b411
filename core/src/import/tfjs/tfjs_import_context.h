// State shared by the TF.js op translators: the graph being built and what is
// known about every TensorFlow value ("node:k"): its static shape, its value
// when known at import time, and the graph tensor that carries it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "import/common/axes.h"
#include "import/common/graph_builder.h"
#include "import/tfjs/tfjs_model.h"

namespace garden {
namespace tfjs {

using importer::Value;

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

class ImportContext : public importer::GraphBuilder {
 public:
  explicit ImportContext(Graph& graph) : GraphBuilder(graph, Layout::kNHWC, "#") {}

  const Value& value(const std::string& key) const;
  const Value& input(const TfNode& node, size_t index) const;
  size_t input_count(const TfNode& node) const { return node.inputs.size(); }
  // Requires exactly `count` data inputs (kInvalidModel otherwise).
  void require_inputs(const TfNode& node, size_t count) const;
  bool is_constant(const TfNode& node, size_t index) const { return input(node, index).constant.has_value(); }
  // An input known at import time (weights, axes, sizes); kUnsupportedModel otherwise.
  const Constant& constant_input(const TfNode& node, size_t index, const std::string& what) const;
  void define_input(const std::string& key, Shape shape) {
    define_graph_input(key, key.substr(0, key.rfind(':')), std::move(shape));
  }

  // The graph tensor of input `index`, creating one for a constant on first use.
  TensorId input_tensor(const TfNode& node, size_t index);
  // Creates the tensor of output `index` of `node` (rank 4 is tagged NHWC).
  TensorId define_output(const TfNode& node, Shape shape, int index = 0);
  void emit(OpType op, const TfNode& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
            Attributes attrs = {});
};

using Translator = std::function<void(ImportContext&, const TfNode&)>;
// The translator of a TF op, or nullptr if unsupported.
const Translator* find_translator(const std::string& op);

// If every input of `node` is known at import time and the op is one we can
// evaluate (shape arithmetic), stores its outputs as constants and returns true.
bool try_fold(ImportContext& context, const TfNode& node);
// Whether try_fold evaluates `op` (on constant inputs).
bool folds(const std::string& op);

using importer::broadcast_shapes;
using importer::normalize_axis;
using importer::to_int32;

}  // namespace tfjs
}  // namespace garden
