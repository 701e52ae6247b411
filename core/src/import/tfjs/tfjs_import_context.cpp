#include "import/tfjs_import_context.h"

#include <algorithm>
#include <cmath>

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
  const auto it = values_.find(key);
  require(it != values_.end(), ErrorCode::kInvalidModel, "TF.js model: unknown value '" + key + "'");
  return it->second;
}

const Value& ImportContext::input(const TfNode& node, size_t index) const {
  require(index < node.inputs.size(), ErrorCode::kInvalidModel,
          describe(node) + ": missing input #" + std::to_string(index));
  const NodeInput& in = node.inputs[index];
  const auto it = values_.find(value_key(in.node, in.index));
  require(it != values_.end(), ErrorCode::kInvalidModel,
          describe(node) + ": input '" + in.node + ":" + std::to_string(in.index) + "' is not produced by any node");
  return it->second;
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

void ImportContext::set_constant(const std::string& key, Constant constant) {
  Value v;
  v.shape = constant.shape;
  v.constant = std::move(constant);
  values_[key] = std::move(v);
}

void ImportContext::define_input(const std::string& key, Shape shape) {
  Value v;
  v.shape = shape;
  v.tensor = add_activation(key.substr(0, key.rfind(':')), std::move(shape));
  graph_.inputs.push_back(v.tensor);
  values_[key] = std::move(v);
}

std::string ImportContext::unique_name(const std::string& name) {
  const int uses = name_uses_[name]++;
  return uses == 0 ? name : name + "#" + std::to_string(uses);
}

TensorId ImportContext::add_activation(const std::string& name, Shape shape) {
  Tensor t;
  t.name = unique_name(name);
  t.layout = shape.size() == 4 ? Layout::kNHWC : Layout::kAny;
  t.shape = std::move(shape);
  return graph_.add_tensor(std::move(t));
}

TensorId ImportContext::constant_tensor(const std::string& name, const Constant& constant) {
  return graph_.add_tensor(constant.to_tensor(unique_name(name)));
}

TensorId ImportContext::input_tensor(const TfNode& node, size_t index) {
  input(node, index);  // checks it exists
  const NodeInput& in = node.inputs[index];
  Value& v = values_[value_key(in.node, in.index)];
  if (v.tensor < 0) {
    require(v.constant.has_value(), ErrorCode::kInvalidModel, describe(node) + ": input has no tensor");
    v.tensor = constant_tensor(in.node, *v.constant);
  }
  return v.tensor;
}

TensorId ImportContext::define_output(const TfNode& node, Shape shape, int index) {
  const std::string key = value_key(node.name, index);
  require(!has_value(key), ErrorCode::kInvalidModel, "TF.js model: two nodes are named '" + node.name + "'");
  Value v;
  v.shape = shape;
  v.tensor = add_activation(index == 0 ? node.name : key, std::move(shape));
  values_[key] = v;
  return v.tensor;
}

TensorId ImportContext::define_intermediate(const std::string& name, Shape shape) {
  return add_activation(name, std::move(shape));
}

void ImportContext::emit(OpType op, const TfNode& node, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
                         Attributes attrs) {
  Node n;
  n.op = op;
  n.name = node.name;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  graph_.nodes.push_back(std::move(n));
}

int64_t normalize_axis(int64_t axis, size_t rank, const TfNode& node) {
  const int64_t r = static_cast<int64_t>(rank);
  require(axis >= -r && axis < r, ErrorCode::kInvalidModel,
          describe(node) + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const TfNode& node) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t k = 0; k < rank; ++k) {
    const int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    require(da == db || da == 1 || db == 1, ErrorCode::kInvalidModel,
            describe(node) + ": shapes do not broadcast (dim " + std::to_string(da) + " vs " + std::to_string(db) + ")");
    out[k] = da == 1 ? db : da;
  }
  return out;
}

int32_t to_int32(int64_t value, int64_t min, int64_t max, const TfNode& node, const std::string& what) {
  require(value >= min && value <= max, ErrorCode::kUnsupportedModel,
          describe(node) + ": " + what + " " + std::to_string(value) + " is out of range");
  return static_cast<int32_t>(value);
}

}  // namespace tfjs
}  // namespace garden
