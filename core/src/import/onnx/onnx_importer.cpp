// ONNX ModelProto -> garden::Graph.
//
// Nodes are visited in file order (ONNX requires topological order). A node
// whose result can be known at import time (Shape of a static tensor, and any
// arithmetic on constants) is evaluated here and never reaches the graph;
// every other node is translated to graph ops with static output shapes.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "import/common/unsupported_list.h"
#include "import/importers.h"
#include "import/onnx/onnx_import_context.h"
#include "import/onnx/onnx_translators.h"

namespace garden {
namespace {

using onnx::ImportContext;

bool is_default_domain(const std::string& domain) {
  return domain.empty() || domain == "ai.onnx";
}

// Resolves the static shape of a graph input: a dynamic batch becomes 1, a
// dynamic height/width of a 4-D input takes the caller's size.
Shape resolve_input_shape(const onnx::ValueInfo& info, const ImportOptions& options) {
  require(info.has_shape, ErrorCode::kInvalidArgument,
          "input '" + info.name + "' has no declared shape; give the input size (ImportOptions)");
  Shape shape;
  const size_t rank = info.dims.size();
  for (size_t k = 0; k < rank; ++k) {
    int64_t d = info.dims[k].value;
    if (d < 0 && k == 0) d = 1;
    if (d < 0 && rank == 4 && k == 2) d = options.input_height;
    if (d < 0 && rank == 4 && k == 3) d = options.input_width;
    require(d > 0, ErrorCode::kInvalidArgument,
            "input '" + info.name + "' has a dynamic dimension " + std::to_string(k) +
                (info.dims[k].param.empty() ? "" : " ('" + info.dims[k].param + "')") +
                "; give the input size (ImportOptions input_height / input_width)");
    shape.push_back(d);
  }
  return shape;
}

void define_graph_inputs(ImportContext& context, const onnx::GraphProto& graph,
                         const ImportOptions& options) {
  require(options.input_height >= 0 && options.input_width >= 0 && options.input_height <= (1 << 16) &&
              options.input_width <= (1 << 16),
          ErrorCode::kInvalidArgument, "input size must be between 0 and 65536");
  for (const onnx::ValueInfo& info : graph.inputs) {
    if (context.has_value(info.name)) continue;  // an initializer listed as input is a constant
    require(info.elem_type == onnx::kFloat, ErrorCode::kUnsupportedModel,
            "input '" + info.name + "' has element type " + onnx::data_type_name(info.elem_type) +
                "; only float32 inputs are supported");
    context.define_input(info.name, resolve_input_shape(info, options));
  }
}

void define_initializers(ImportContext& context, const onnx::GraphProto& graph) {
  for (const onnx::TensorProto& proto : graph.initializers) {
    require(!proto.name.empty(), ErrorCode::kInvalidModel, "an initializer has no name");
    context.set_constant(proto.name, onnx::constant_from_proto(proto, "initializer '" + proto.name + "'"));
  }
}

// torch exports SiLU as Mul(x, Sigmoid(x)). Finds those pairs where the
// Sigmoid feeds nothing else, so both can become one Swish.
struct SwishPattern {
  std::unordered_set<const onnx::Node*> skipped_sigmoids;
  std::unordered_map<const onnx::Node*, std::string> swish_muls;  // Mul -> x
};

SwishPattern find_swish_patterns(const onnx::GraphProto& graph) {
  std::unordered_map<std::string, int> consumers;
  std::unordered_map<std::string, const onnx::Node*> sigmoid_of_output;
  for (const onnx::Node& node : graph.nodes) {
    for (const std::string& name : node.inputs) ++consumers[name];
    if (node.op_type == "Sigmoid" && node.inputs.size() == 1 && node.outputs.size() == 1 &&
        is_default_domain(node.domain))
      sigmoid_of_output[node.outputs[0]] = &node;
  }
  for (const onnx::ValueInfo& output : graph.outputs) ++consumers[output.name];
  SwishPattern pattern;
  for (const onnx::Node& node : graph.nodes) {
    if (node.op_type != "Mul" || node.inputs.size() != 2 || !is_default_domain(node.domain)) continue;
    for (int side = 0; side < 2; ++side) {
      auto it = sigmoid_of_output.find(node.inputs[side]);
      if (it == sigmoid_of_output.end() || consumers[node.inputs[side]] != 1) continue;
      const onnx::Node* sigmoid = it->second;
      if (sigmoid->inputs[0] != node.inputs[1 - side] || pattern.skipped_sigmoids.count(sigmoid)) continue;
      pattern.skipped_sigmoids.insert(sigmoid);
      pattern.swish_muls[&node] = sigmoid->inputs[0];
      break;
    }
  }
  return pattern;
}

void emit_swish(ImportContext& context, const onnx::Node& mul, const std::string& x_name) {
  const onnx::Value& x = context.value(mul, x_name);
  require(!x.constant.has_value(), ErrorCode::kInvalidModel, onnx::describe(mul) + ": unexpected constant");
  TensorId x_id = context.tensor_of(x_name, mul);
  Shape shape = x.shape;
  TensorId out = context.define_output(mul, shape);
  context.emit(OpType::kSwish, mul, {x_id}, {out});
}

void require_fresh_outputs(const ImportContext& context, const onnx::Node& node) {
  require(!node.outputs.empty(), ErrorCode::kInvalidModel, onnx::describe(node) + " has no outputs");
  for (const std::string& name : node.outputs)
    require(name.empty() || !context.has_value(name), ErrorCode::kInvalidModel,
            onnx::describe(node) + " defines '" + name + "', which is already defined");
}

void translate_node(ImportContext& context, const onnx::Node& node, const SwishPattern& swish) {
  require(is_default_domain(node.domain), ErrorCode::kUnsupportedOp,
          "unsupported ONNX op '" + node.domain + "." + node.op_type + "' (node '" + node.name + "')");
  require_fresh_outputs(context, node);
  auto mul = swish.swish_muls.find(&node);
  if (mul != swish.swish_muls.end() && !context.value(node, mul->second).constant) {
    emit_swish(context, node, mul->second);
    return;
  }
  if (onnx::try_fold(context, node)) return;
  const onnx::Translator* translator = onnx::find_translator(node.op_type);
  require(translator != nullptr, ErrorCode::kUnsupportedOp,
          "unsupported ONNX op '" + node.op_type + "' (node '" + node.name + "')");
  onnx::check_legacy_node(context, node);
  (*translator)(context, node);
}

// How many nodes read each value; the graph's outputs count as one more
// reader that never comes, so their values stay.
std::unordered_map<std::string, int> readers_of(const onnx::GraphProto& graph) {
  std::unordered_map<std::string, int> readers;
  for (const onnx::Node& node : graph.nodes)
    for (const std::string& name : node.inputs) ++readers[name];
  for (const onnx::ValueInfo& output : graph.outputs) ++readers[output.name];
  return readers;
}

// Every node that can be translated is; the ones that cannot (and those
// reading what they would have made) are collected, so the error names them all.
// A constant (an initializer's decoded weights, a folded value) is dropped
// once its last reader is done: by then its graph tensor, if any, holds it.
void translate_nodes(ImportContext& context, const onnx::GraphProto& graph) {
  SwishPattern swish = find_swish_patterns(graph);
  std::unordered_map<std::string, int> readers = readers_of(graph);
  importer::UnsupportedList unsupported;
  std::unordered_set<std::string> missing;  // values a refused node would have made
  for (const onnx::Node& node : graph.nodes) {
    const bool blocked = std::any_of(node.inputs.begin(), node.inputs.end(),
                                     [&](const std::string& input) { return missing.count(input) != 0; });
    if (blocked && onnx::find_translator(node.op_type) == nullptr && !onnx::folds(node.op_type))
      unsupported.record_unknown_op("unsupported ONNX op '" + node.op_type + "' (node '" + node.name + "')");
    if (blocked || !unsupported.attempt([&] {
          // A skipped Sigmoid's Mul emits the Swish; if its x turned out constant, fold normally.
          if (swish.skipped_sigmoids.count(&node) && context.has_value(node.inputs[0]) &&
              !context.value(node, node.inputs[0]).constant) {
            require_fresh_outputs(context, node);
            return;
          }
          translate_node(context, node, swish);
        })) {
      missing.insert(node.outputs.begin(), node.outputs.end());
    }
    for (const std::string& name : node.inputs)
      if (--readers[name] == 0) context.forget_constant(name);
  }
  unsupported.throw_if_any();
}

// The type an output declares (computed in float32 either way).
ValueType declared_type(int32_t elem_type) {
  switch (elem_type) {
    case onnx::kInt8: case onnx::kInt16: case onnx::kInt32: case onnx::kUint16: return ValueType::kInt32;
    case onnx::kInt64: case onnx::kUint32: case onnx::kUint64: return ValueType::kInt64;
    case onnx::kUint8: return ValueType::kUint8;
    case onnx::kBool: return ValueType::kBool;
    default: return ValueType::kFloat32;
  }
}

void define_graph_outputs(ImportContext& context, Graph& graph, const onnx::GraphProto& proto) {
  require(!proto.outputs.empty(), ErrorCode::kInvalidModel, "the ONNX graph declares no outputs");
  onnx::Node graph_node;
  graph_node.op_type = "graph";
  graph_node.name = proto.name;
  for (const onnx::ValueInfo& output : proto.outputs) {
    TensorId tensor = context.tensor_of(output.name, graph_node);
    // An output that is a graph input or another output (Identity, Dropout,
    // an output listed twice) gets a tensor of its own, a copy.
    const bool taken = std::find(graph.inputs.begin(), graph.inputs.end(), tensor) != graph.inputs.end() ||
                       std::find(graph.outputs.begin(), graph.outputs.end(), tensor) != graph.outputs.end();
    if (taken) {
      const Shape shape = graph.tensor(tensor).shape;
      const TensorId copy = context.define_intermediate(output.name, shape);
      context.emit(OpType::kClamp, graph_node, {tensor}, {copy});
      tensor = copy;
    }
    graph.outputs.push_back(tensor);
    graph.output_types.push_back(declared_type(output.elem_type));
  }
  if (std::all_of(graph.output_types.begin(), graph.output_types.end(),
                  [](ValueType t) { return t == ValueType::kFloat32; }))
    graph.output_types.clear();
}

}  // namespace

Graph import_onnx(const uint8_t* data, size_t size, const ImportOptions& options) {
  onnx::ModelProto model = onnx::parse_model(data, size);
  int64_t opset = model.default_opset();
  require(opset > 0, ErrorCode::kInvalidModel, "the ONNX model imports no default-domain opset");
  Graph graph;
  ImportContext context(graph, opset);
  define_initializers(context, model.graph);
  define_graph_inputs(context, model.graph, options);
  translate_nodes(context, model.graph);
  define_graph_outputs(context, graph, model.graph);
  graph.info.source = "onnx";
  graph.validate();
  return graph;
}

}  // namespace garden
