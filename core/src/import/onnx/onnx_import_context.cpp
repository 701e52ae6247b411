#include "import/onnx/onnx_import_context.h"

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
  const Value* v = find_value(name);
  require(v != nullptr, ErrorCode::kInvalidModel,
          describe(node) + " reads '" + name + "', which no earlier node, input or initializer defines");
  return *v;
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

TensorId ImportContext::tensor_of(const std::string& name, const Node& node) {
  value(node, name);  // checks it is defined
  return value_tensor(name, name, describe(node));
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
  return define_activation(name, name, std::move(shape));
}

void ImportContext::emit(OpType op, const Node& node, std::vector<TensorId> inputs,
                         std::vector<TensorId> outputs, Attributes attrs) {
  emit_node(op, node.name.empty() ? node.op_type : node.name, std::move(inputs), std::move(outputs),
            std::move(attrs));
}

}  // namespace onnx
}  // namespace garden
