#include "import/tfjs/tfjs_import_context.h"

namespace garden {
namespace tfjs {
namespace {

const AttrValue* attr_of_kind(const TfNode& node, const std::string& name, AttrValue::Kind kind, const char* kind_name) {
  const AttrValue* attr = find_attr(node, name);
  if (attr == nullptr) return nullptr;
  require(attr->kind == kind, ErrorCode::kInvalidModel,
          describe(node) + ": attribute '" + name + "' is not " + kind_name);
  return attr;
}

}  // namespace

std::string describe(const TfNode& node) { return node.op + " node '" + node.name + "'"; }

const AttrValue* find_attr(const TfNode& node, const std::string& name) {
  const auto it = node.attrs.find(name);
  return it == node.attrs.end() ? nullptr : &it->second;
}

int64_t attr_int(const TfNode& node, const std::string& name, int64_t fallback) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kInt, "an integer");
  return attr ? attr->i : fallback;
}

float attr_float(const TfNode& node, const std::string& name, float fallback) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kFloat, "a number");
  return attr ? static_cast<float>(attr->f) : fallback;
}

bool attr_bool(const TfNode& node, const std::string& name, bool fallback) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kBool, "a boolean");
  return attr ? attr->b : fallback;
}

std::string attr_string(const TfNode& node, const std::string& name, const std::string& fallback) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kString, "a string");
  return attr ? attr->s : fallback;
}

std::vector<int64_t> attr_ints(const TfNode& node, const std::string& name, std::vector<int64_t> fallback) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kList, "a list");
  return attr ? attr->list_i : fallback;
}

std::vector<std::string> attr_strings(const TfNode& node, const std::string& name) {
  const AttrValue* attr = attr_of_kind(node, name, AttrValue::Kind::kList, "a list");
  return attr ? attr->list_s : std::vector<std::string>{};
}

std::string value_key(const std::string& node, int index) { return node + ":" + std::to_string(index); }

const Value& ImportContext::value(const std::string& key) const {
  const Value* v = find_value(key);
  require(v != nullptr, ErrorCode::kInvalidModel, "TF.js model: unknown value '" + key + "'");
  return *v;
}

const Value& ImportContext::input(const TfNode& node, size_t index) const {
  require(index < node.inputs.size(), ErrorCode::kInvalidModel,
          describe(node) + ": missing input #" + std::to_string(index));
  const NodeInput& in = node.inputs[index];
  const Value* v = find_value(value_key(in.node, in.index));
  require(v != nullptr, ErrorCode::kInvalidModel,
          describe(node) + ": input '" + in.node + ":" + std::to_string(in.index) + "' is not produced by any node");
  return *v;
}

void ImportContext::require_inputs(const TfNode& node, size_t count) const {
  require(node.inputs.size() == count, ErrorCode::kInvalidModel,
          describe(node) + " has " + std::to_string(node.inputs.size()) + " inputs, expected " + std::to_string(count));
}

const Constant& ImportContext::constant_input(const TfNode& node, size_t index, const std::string& what) const {
  const Value& v = input(node, index);
  require(v.constant.has_value(), ErrorCode::kUnsupportedModel,
          describe(node) + ": " + what + " must be known at import time, but '" + node.inputs[index].node +
              "' is computed at run time");
  return *v.constant;
}

TensorId ImportContext::input_tensor(const TfNode& node, size_t index) {
  input(node, index);  // checks it exists
  const NodeInput& in = node.inputs[index];
  return value_tensor(value_key(in.node, in.index), in.node, describe(node));
}

TensorId ImportContext::define_output(const TfNode& node, Shape shape, int index) {
  const std::string key = value_key(node.name, index);
  require(!has_value(key), ErrorCode::kInvalidModel, "TF.js model: two nodes are named '" + node.name + "'");
  return define_activation(key, index == 0 ? node.name : key, std::move(shape));
}

void ImportContext::emit(OpType op, const TfNode& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
                         Attributes attrs) {
  emit_node(op, node.name, std::move(inputs), std::move(outputs), std::move(attrs));
}

}  // namespace tfjs
}  // namespace garden
