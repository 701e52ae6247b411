#include "import/onnx_import_context.h"

namespace garden {
namespace onnx {

std::string describe(const Node& node) {
  return node.op_type + " node '" + node.name + "'";
}

const Attribute* NodeAttributes::find(const std::string& name) const {
  for (const Attribute& a : node_.attributes)
    if (a.name == name) return &a;
  return nullptr;
}

int64_t NodeAttributes::get_int(const std::string& name, int64_t fallback) const {
  const Attribute* a = find(name);
  return a ? a->i : fallback;
}

float NodeAttributes::get_float(const std::string& name, float fallback) const {
  const Attribute* a = find(name);
  return a ? a->f : fallback;
}

std::string NodeAttributes::get_string(const std::string& name, const std::string& fallback) const {
  const Attribute* a = find(name);
  return a ? a->s : fallback;
}

std::vector<int64_t> NodeAttributes::get_ints(const std::string& name, std::vector<int64_t> fallback) const {
  const Attribute* a = find(name);
  return a ? a->ints : fallback;
}

std::vector<float> NodeAttributes::get_floats(const std::string& name) const {
  const Attribute* a = find(name);
  return a ? a->floats : std::vector<float>{};
}

const TensorProto* NodeAttributes::get_tensor(const std::string& name) const {
  const Attribute* a = find(name);
  return a && !a->t.empty() ? &a->t.front() : nullptr;
}

const Value& ImportContext::value(const Node& node, const std::string& name) const {
  auto it = values_.find(name);
  require(it != values_.end(), ErrorCode::kInvalidModel,
          describe(node) + " reads '" + name + "', which no earlier node, input or initializer defines");
  return it->second;
}

const Value& ImportContext::input(const Node& node, size_t index) const {
  require(has_input(node, index), ErrorCode::kInvalidModel,
          describe(node) + " lacks its input #" + std::to_string(index));
  return value(node, node.inputs[index]);
}

const Constant& ImportContext::constant_input(const Node& node, size_t index) const {
  const Value& v = input(node, index);
  require(v.constant.has_value(), ErrorCode::kUnsupportedModel,
          describe(node) + ": input '" + node.inputs[index] +
              "' must be known when the model is imported, but it is computed at run time");
  return *v.constant;
}

const std::string& ImportContext::output_name(const Node& node, size_t index) const {
  require(index < node.outputs.size() && !node.outputs[index].empty(), ErrorCode::kInvalidModel,
          describe(node) + " lacks its output #" + std::to_string(index));
  return node.outputs[index];
}

void ImportContext::set_constant(const std::string& name, Constant constant) {
  Value v;
  v.shape = constant.shape;
  v.constant = std::move(constant);
  values_[name] = std::move(v);
}

void ImportContext::charge_folded_elements(int64_t count, const Node& node) {
  folding_budget_.charge(count, describe(node));
}

std::string ImportContext::unique_name(const std::string& name) {
  int uses = name_uses_[name]++;
  return uses == 0 ? name : name + "_" + std::to_string(uses);
}

TensorId ImportContext::add_activation(const std::string& name, Shape shape) {
  checked_element_count(shape, "tensor '" + name + "'");
  Tensor t;
  t.name = unique_name(name);
  t.layout = shape.size() == 4 ? Layout::kNCHW : Layout::kAny;
  t.shape = std::move(shape);
  return graph_.add_tensor(std::move(t));
}

void ImportContext::define_input(const std::string& name, Shape shape) {
  Value v;
  v.shape = shape;
  v.tensor = add_activation(name, std::move(shape));
  graph_.inputs.push_back(v.tensor);
  values_[name] = std::move(v);
}

TensorId ImportContext::constant_tensor(const std::string& name, const Constant& constant) {
  require(constant.size() > 0, ErrorCode::kUnsupportedModel,
          "constant '" + name + "' is empty and cannot be an operand");
  return graph_.add_tensor(constant.to_tensor(unique_name(name)));
}

TensorId ImportContext::tensor_of(const std::string& name, const Node& node) {
  auto it = values_.find(name);
  require(it != values_.end(), ErrorCode::kInvalidModel,
          describe(node) + " reads '" + name + "', which no earlier node, input or initializer defines");
  Value& v = it->second;
  if (v.tensor < 0) v.tensor = constant_tensor(name, *v.constant);
  return v.tensor;
}

TensorId ImportContext::input_tensor(const Node& node, size_t index) {
  input(node, index);  // checks presence
  return tensor_of(node.inputs[index], node);
}

TensorId ImportContext::define_output(const Node& node, Shape shape, size_t index) {
  const std::string& name = output_name(node, index);
  for (int64_t d : shape)
    require(d > 0, ErrorCode::kInvalidModel,
            describe(node) + " would produce '" + name + "' with an empty or negative dimension");
  Value v;
  v.shape = shape;
  v.tensor = add_activation(name, std::move(shape));
  TensorId id = v.tensor;
  values_[name] = std::move(v);
  return id;
}

TensorId ImportContext::define_intermediate(const std::string& name, Shape shape) {
  return add_activation(name, std::move(shape));
}

void ImportContext::emit(OpType op, const Node& node, std::vector<TensorId> inputs,
                         std::vector<TensorId> outputs, Attributes attrs) {
  garden::Node n;
  n.op = op;
  n.name = node.name.empty() ? node.op_type : node.name;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  graph_.nodes.push_back(std::move(n));
}

int64_t normalize_axis(int64_t axis, size_t rank, const Node& node) {
  int64_t r = static_cast<int64_t>(rank);
  require(axis >= -r && axis < r, ErrorCode::kInvalidModel,
          describe(node) + ": axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const Node& node) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t k = 0; k < rank; ++k) {
    int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    require(da == db || da == 1 || db == 1, ErrorCode::kInvalidModel,
            describe(node) + ": shapes cannot be broadcast together (dimension " + std::to_string(da) +
                " vs " + std::to_string(db) + ")");
    out[k] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace onnx
}  // namespace garden
