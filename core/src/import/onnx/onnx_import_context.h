// State shared by the ONNX op translators: the graph being built and what is
// known about every ONNX value name (its static shape, its constant value if
// it is known at import time, and the graph tensor that carries it).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"
#include "import/common/axes.h"
#include "import/common/graph_builder.h"
#include "import/onnx/onnx_constant.h"
#include "import/onnx/onnx_model.h"

namespace garden {
namespace onnx {

using importer::Constant;
using importer::Value;

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

class ImportContext : public importer::GraphBuilder {
 public:
  ImportContext(Graph& graph, int64_t opset) : GraphBuilder(graph, Layout::kNCHW, "_"), opset_(opset) {}

  int64_t opset() const { return opset_; }

  // ---- values by ONNX name ----
  const Value& value(const Node& node, const std::string& name) const;
  // Input `index` of `node`; throws kInvalidModel if it is missing or unknown.
  const Value& input(const Node& node, size_t index) const;
  bool has_input(const Node& node, size_t index) const {
    return index < node.inputs.size() && !node.inputs[index].empty();
  }
  // A constant input (shape tensor, axes, scales...); kUnsupportedModel if computed at run time.
  const Constant& constant_input(const Node& node, size_t index) const;
  const std::string& output_name(const Node& node, size_t index = 0) const;
  void define_input(const std::string& name, Shape shape) { define_graph_input(name, name, std::move(shape)); }

  // ---- graph building ----
  // The graph tensor of input `index`, creating one for a constant on first use.
  TensorId input_tensor(const Node& node, size_t index);
  // Creates the tensor of output `index` of `node` with `shape` (rank-4 tagged NCHW).
  TensorId define_output(const Node& node, Shape shape, size_t index = 0);
  void emit(OpType op, const Node& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
            Attributes attrs = {});
  TensorId tensor_of(const std::string& name, const Node& node);

 private:
  int64_t opset_;
};

// ---- translators and folding (onnx_ops.cpp, onnx_folding.cpp) ----

using Translator = std::function<void(ImportContext&, const Node&)>;
// The translator of an ONNX op type, or nullptr if unsupported.
const Translator* find_translator(const std::string& op_type);

// If every input of `node` is known at import time (or the op only needs
// static shapes, like Shape) and the op is one we can evaluate, computes its
// outputs as constants and returns true.
bool try_fold(ImportContext& context, const Node& node);
// Whether try_fold evaluates `op_type` (on constant inputs).
bool folds(const std::string& op_type);

using importer::broadcast_shapes;
using importer::normalize_axis;

}  // namespace onnx
}  // namespace garden
