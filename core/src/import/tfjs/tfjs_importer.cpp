// TF.js graph model (model.json + weight shards) -> garden::Graph.
//
// Nodes are visited in dependency order (a GraphDef need not be sorted).
// Const nodes take their values from the weights manifest; a node whose inputs
// are all known at import time is evaluated here and never reaches the graph;
// every other node is translated to graph ops with static NHWC shapes.
//
// The model's outputs are its signature's outputs when model.json has one,
// else every node result nothing reads. An ArgMax that ends the model is not
// run: the output is its input (the per-class scores, e.g. DeepLab's
// "SemanticPredictions" becomes the logits) and taking the argmax is the
// runner's job, which also lets it report confidences.
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "import/common/unsupported_list.h"
#include "import/importers.h"
#include "import/tfjs/tfjs_import_context.h"

namespace garden {
namespace {

using tfjs::ImportContext;
using tfjs::TfModel;
using tfjs::TfNode;

constexpr int64_t kMaxInputSide = 1 << 16;

// Indices of model.nodes with every data producer before its consumers.
std::vector<size_t> dependency_order(const TfModel& model) {
  std::unordered_map<std::string, size_t> index;
  for (size_t k = 0; k < model.nodes.size(); ++k)
    require(index.emplace(model.nodes[k].name, k).second, ErrorCode::kInvalidModel,
            "TF.js model: two nodes are named '" + model.nodes[k].name + "'");
  std::vector<std::vector<size_t>> readers(model.nodes.size());
  std::vector<size_t> waiting(model.nodes.size(), 0);
  for (size_t k = 0; k < model.nodes.size(); ++k) {
    std::set<size_t> producers;
    for (const tfjs::NodeInput& in : model.nodes[k].inputs) {
      const auto it = index.find(in.node);
      require(it != index.end(), ErrorCode::kInvalidModel,
              tfjs::describe(model.nodes[k]) + ": input '" + in.node + "' is not a node of the model");
      producers.insert(it->second);
    }
    for (size_t p : producers) readers[p].push_back(k);
    waiting[k] = producers.size();
  }
  std::deque<size_t> ready;
  for (size_t k = 0; k < model.nodes.size(); ++k)
    if (waiting[k] == 0) ready.push_back(k);
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t k = ready.front();
    ready.pop_front();
    order.push_back(k);
    for (size_t r : readers[k])
      if (--waiting[r] == 0) ready.push_back(r);
  }
  require(order.size() == model.nodes.size(), ErrorCode::kInvalidModel, "TF.js model: the graph has a cycle");
  return order;
}

// An int32 or uint8 input (MoveNet's and the detection API's images) is
// taken as float32: its whole numbers are exact in float32, which the caller
// fills like any input, and the model's Cast to float32 is then a no-op.
Shape placeholder_shape(const TfNode& node, const ImportOptions& options) {
  const tfjs::AttrValue* dtype = tfjs::find_attr(node, "dtype");
  require(dtype == nullptr || dtype->s == "DT_FLOAT" || dtype->s == "DT_INT32" || dtype->s == "DT_UINT8",
          ErrorCode::kUnsupportedModel,
          "input '" + node.name + "' is " + (dtype ? dtype->s : "") + "; float32, int32 and uint8 inputs are supported");
  const tfjs::AttrValue* shape = tfjs::find_attr(node, "shape");
  require(shape != nullptr && shape->kind == tfjs::AttrValue::Kind::kShape && !shape->unknown_rank,
          ErrorCode::kInvalidArgument, "input '" + node.name + "' has no declared shape");
  Shape out = shape->shape;
  for (size_t k = 0; k < out.size(); ++k) {
    if (out[k] < 0 && k == 0) out[k] = 1;
    if (out[k] < 0 && out.size() == 4 && k == 1) out[k] = options.input_height;
    if (out[k] < 0 && out.size() == 4 && k == 2) out[k] = options.input_width;
    require(out[k] > 0, ErrorCode::kInvalidArgument,
            "input '" + node.name + "' has a dynamic dimension " + std::to_string(k) +
                "; give the input size (ImportOptions input_height / input_width)");
  }
  return out;
}

std::unordered_map<std::string, int> count_readers(const TfModel& model) {
  std::unordered_map<std::string, int> readers;
  for (const TfNode& node : model.nodes)
    for (const tfjs::NodeInput& in : node.inputs) ++readers[in.node];
  return readers;
}

// ArgMax over the last axis with nothing reading it: its input becomes the output.
void pass_through_final_argmax(ImportContext& context, const TfNode& node, bool is_read) {
  require(!is_read, ErrorCode::kUnsupportedModel,
          tfjs::describe(node) + ": ArgMax is supported only as the model's final op");
  context.require_inputs(node, 2);
  const Shape& x = context.input(node, 0).shape;
  const std::vector<int64_t> axis = context.constant_input(node, 1, "axis").to_ints(tfjs::describe(node));
  const int64_t last = static_cast<int64_t>(x.size()) - 1;
  require(axis.size() == 1 && tfjs::normalize_axis(axis[0], x.size(), tfjs::describe(node)) == last,
          ErrorCode::kUnsupportedModel, tfjs::describe(node) + ": ArgMax is supported only over the last axis");
  context.set_alias(tfjs::value_key(node.name, 0), context.input(node, 0));
}

// A Const node's weights move from the model into the import's values.
void translate_node(ImportContext& context, TfModel& model, const TfNode& node, bool is_read,
                    const ImportOptions& options) {
  if (node.op == "Placeholder") {
    context.define_input(tfjs::value_key(node.name, 0), placeholder_shape(node, options));
  } else if (node.op == "Const") {
    const auto it = model.weights.find(node.name);
    require(it != model.weights.end(), ErrorCode::kInvalidModel,
            "TF.js model: Const node '" + node.name + "' has no entry in weightsManifest");
    context.set_constant(tfjs::value_key(node.name, 0), std::move(it->second));
    model.weights.erase(it);
  } else if (node.op == "NoOp") {
    // control-flow anchor only
  } else if (node.op == "ArgMax" && !is_read) {
    pass_through_final_argmax(context, node, is_read);
  } else if (!tfjs::try_fold(context, node)) {
    const tfjs::Translator* translate = tfjs::find_translator(node.op);
    if (translate == nullptr)
      fail(ErrorCode::kUnsupportedOp, "unsupported TF.js op '" + node.op + "' (node '" + node.name + "')");
    (*translate)(context, node);
  }
}

// A signature output's value key: "node:1" as it is, "node" as "node:0".
std::string signature_key(const std::string& name) {
  const size_t colon = name.rfind(':');
  const bool indexed = colon != std::string::npos && colon + 1 < name.size() &&
                       name.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  return indexed ? name : tfjs::value_key(name, 0);
}

// The readers still to come for each node's values: the nodes reading them,
// and one more for what the import reads after the nodes (the signature's
// outputs, a cut loop's inputs), so those are never dropped.
std::unordered_map<std::string, int> pending_readers(const TfModel& model,
                                                     const std::unordered_map<std::string, int>& readers) {
  std::unordered_map<std::string, int> pending = readers;
  for (const std::string& name : model.signature_outputs) {
    const std::string key = signature_key(name);
    ++pending[key.substr(0, key.rfind(':'))];
  }
  if (model.loop_cut)
    for (const tfjs::NodeInput& in : model.loop_cut->loop_inputs) ++pending[in.node];
  return pending;
}

std::vector<std::string> output_keys(const TfModel& model, const std::unordered_map<std::string, int>& readers) {
  std::vector<std::string> keys;
  for (const std::string& name : model.signature_outputs) keys.push_back(signature_key(name));
  if (!keys.empty()) return keys;
  for (const TfNode& node : model.nodes) {
    const bool source = node.op == "Const" || node.op == "Placeholder" || node.op == "NoOp";
    if (!source && readers.count(node.name) == 0) keys.push_back(tfjs::value_key(node.name, 0));
  }
  return keys;
}

ValueType value_type_of(const std::string& dtype) {
  if (dtype == "DT_INT32" || dtype == "DT_INT16" || dtype == "DT_INT8" || dtype == "DT_UINT16") return ValueType::kInt32;
  if (dtype == "DT_INT64") return ValueType::kInt64;
  if (dtype == "DT_UINT8") return ValueType::kUint8;
  if (dtype == "DT_BOOL") return ValueType::kBool;
  return ValueType::kFloat32;
}

// The type TensorFlow gives output `index` of `node`: comparisons make bool,
// TopK's indices int32, Cast its DstT, the rest their "T". (An ArgMax that
// ends the graph returns its input, the scores: see pass_through_final_argmax.)
std::string tf_output_dtype(const TfNode& node, int index) {
  static const char* const kBool[] = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual",
                                      "LogicalAnd", "LogicalOr", "LogicalNot"};
  for (const char* op : kBool)
    if (node.op == op) return "DT_BOOL";
  const auto attr = [&](const char* name, const char* otherwise) {
    const tfjs::AttrValue* a = tfjs::find_attr(node, name);
    return a != nullptr && !a->s.empty() ? a->s : std::string(otherwise);
  };
  if (node.op == "TopKV2" && index == 1) return "DT_INT32";
  if (node.op == "Cast") return attr("DstT", "DT_FLOAT");
  return attr("T", "DT_FLOAT");
}

// Per output key: the signature's dtype where it gives one, else the node's;
// empty when every output is float32.
std::vector<ValueType> declared_output_types(const TfModel& model, const std::vector<std::string>& keys) {
  std::unordered_map<std::string, const TfNode*> by_name;
  for (const TfNode& node : model.nodes) by_name.emplace(node.name, &node);
  const bool from_signature = !model.loop_cut && !model.signature_outputs.empty();
  std::vector<ValueType> types;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string dtype = from_signature && i < model.signature_output_types.size() ? model.signature_output_types[i] : "";
    const size_t colon = keys[i].rfind(':');
    const auto node = by_name.find(keys[i].substr(0, colon));
    if (node != by_name.end() && (node->second->op == "ArgMax" || node->second->op == "ArgMin"))
      dtype = "DT_FLOAT";  // the scores it was reading are returned
    if (dtype.empty() && node != by_name.end())
      dtype = tf_output_dtype(*node->second, std::atoi(keys[i].c_str() + colon + 1));
    types.push_back(value_type_of(dtype));
  }
  if (std::all_of(types.begin(), types.end(), [](ValueType t) { return t == ValueType::kFloat32; })) types.clear();
  return types;
}

// With a while loop cut out: the signature's outputs that outlive the cut,
// then the tensors the loop read that are computed from the input (not the
// constants that only size or index the loop).
std::vector<std::string> cut_output_keys(ImportContext& context, const TfModel& model) {
  std::unordered_set<std::string> kept;
  for (const TfNode& node : model.nodes) kept.insert(node.name);
  std::vector<std::string> keys;
  for (const std::string& key : output_keys(model, {})) {
    if (!model.signature_outputs.empty() && kept.count(key.substr(0, key.rfind(':'))) != 0) keys.push_back(key);
  }
  for (const tfjs::NodeInput& in : model.loop_cut->loop_inputs) {
    const std::string key = tfjs::value_key(in.node, in.index);
    const tfjs::Value& v = context.value(key);
    const bool is_input = std::count(context.graph().inputs.begin(), context.graph().inputs.end(), v.tensor) != 0;
    if (!v.constant && v.tensor >= 0 && !is_input && std::find(keys.begin(), keys.end(), key) == keys.end())
      keys.push_back(key);
  }
  require(!keys.empty(), ErrorCode::kUnsupportedModel,
          "TF.js model: a while loop (node '" + model.loop_cut->at + "') reads only the model's inputs and "
          "constants: it is not post-processing, and nothing would be left once it is cut out");
  return keys;
}

std::string cut_note(const tfjs::LoopCut& cut, const Graph& graph) {
  std::string names;
  for (TensorId id : graph.outputs) names += (names.empty() ? "" : ", ") + graph.tensor(id).name;
  return "a while loop (node '" + cut.at + "', " + std::to_string(cut.dropped) +
         " nodes) is cut out of the graph: TF.js runs it step by step, the runtime runs static graphs; "
         "the outputs are the tensors the loop reads (" + names + "), not the model's own outputs";
}

// The name users know an output by: its node's ("Identity"), with ":<k>"
// for a node's later outputs.
std::string output_name(const std::string& key) {
  return key.size() > 2 && key.compare(key.size() - 2, 2, ":0") == 0 ? key.substr(0, key.size() - 2) : key;
}

bool has_tensor_named(const Graph& graph, const std::string& name) {
  return std::any_of(graph.tensors.begin(), graph.tensors.end(), [&](const Tensor& t) { return t.name == name; });
}

// Each output tensor carries the output's own name: a tensor that reached it
// through Identity nodes is renamed, and one that is a graph input or another
// output (or whose name another tensor has) is copied into a tensor of its own.
void define_outputs(ImportContext& context, const std::vector<std::string>& keys) {
  require(!keys.empty(), ErrorCode::kInvalidModel, "TF.js model: no outputs");
  Graph& graph = context.graph();
  for (const std::string& key : keys) {
    const tfjs::Value& v = context.value(key);
    require(!v.constant && v.tensor >= 0, ErrorCode::kUnsupportedModel,
            "TF.js model: output '" + key + "' is a constant");
    const std::string name = output_name(key);
    TensorId tensor = v.tensor;
    const bool taken = std::count(graph.inputs.begin(), graph.inputs.end(), tensor) != 0 ||
                       std::count(graph.outputs.begin(), graph.outputs.end(), tensor) != 0;
    if (graph.tensor(tensor).name != name) {
      if (taken || has_tensor_named(graph, name)) {
        TfNode copy_node;
        copy_node.name = name;
        copy_node.op = "Identity";
        const Shape shape = graph.tensor(tensor).shape;
        const TensorId copy = context.define_intermediate(name, shape);
        context.emit(OpType::kClamp, copy_node, {tensor}, {copy});
        tensor = copy;
      } else {
        graph.tensor(tensor).name = name;
      }
    } else {
      require(!taken, ErrorCode::kInvalidModel, "TF.js model: output '" + key + "' is listed twice");
    }
    graph.outputs.push_back(tensor);
  }
}

}  // namespace

Graph import_tfjs(const std::string& model_json, const std::vector<std::vector<uint8_t>>& weight_files,
                  const ImportOptions& options) {
  require(options.input_height >= 0 && options.input_width >= 0 && options.input_height <= kMaxInputSide &&
              options.input_width <= kMaxInputSide,
          ErrorCode::kInvalidArgument, "input size must be between 0 and 65536");
  TfModel model = tfjs::parse_model(model_json, weight_files);
  const std::unordered_map<std::string, int> readers = count_readers(model);
  std::unordered_map<std::string, int> pending = pending_readers(model, readers);
  Graph graph;
  graph.info.source = "TF.js graph model";
  ImportContext context(graph);
  // Every node that can be translated is; the ones that cannot (and those
  // reading what they would have made) are collected, so the error names them all.
  // A constant is dropped once its last reader is done (its graph tensor, if
  // any, holds it), so the import never holds all weights twice.
  importer::UnsupportedList unsupported;
  std::unordered_set<std::string> missing;  // nodes refused or skipped
  for (size_t k : dependency_order(model)) {
    const TfNode& node = model.nodes[k];
    const bool blocked = std::any_of(node.inputs.begin(), node.inputs.end(),
                                     [&](const tfjs::NodeInput& input) { return missing.count(input.node) != 0; });
    const bool special = node.op == "Const" || node.op == "Placeholder" || node.op == "NoOp";
    if (blocked && !special && tfjs::find_translator(node.op) == nullptr && !tfjs::folds(node.op))
      unsupported.record_unknown_op("unsupported TF.js op '" + node.op + "' (node '" + node.name + "')");
    if (blocked ||
        !unsupported.attempt([&] { translate_node(context, model, node, readers.count(node.name) != 0, options); }))
      missing.insert(node.name);
    for (const tfjs::NodeInput& in : node.inputs)
      if (--pending[in.node] == 0) context.forget_constant(tfjs::value_key(in.node, in.index));
  }
  unsupported.throw_if_any();
  const std::vector<std::string> keys = model.loop_cut ? cut_output_keys(context, model) : output_keys(model, readers);
  define_outputs(context, keys);
  graph.output_types = declared_output_types(model, keys);
  if (model.loop_cut) graph.info.notes = cut_note(*model.loop_cut, graph);
  require(!graph.inputs.empty(), ErrorCode::kUnsupportedModel, "TF.js model: no Placeholder input");
  graph.validate();
  return graph;
}

std::vector<std::string> tfjs_weight_paths(const std::string& model_json) { return tfjs::weight_paths(model_json); }

}  // namespace garden
