#include "import/common/graph_builder.h"

#include "garden/error.h"

namespace garden {
namespace importer {

const Shape& rank4_shape(const Value& x, const std::string& where, const std::string& expected) {
  require(x.shape.size() == 4, ErrorCode::kUnsupportedModel,
          where + ": input has rank " + std::to_string(x.shape.size()) + expected);
  return x.shape;
}

GraphBuilder::GraphBuilder(Graph& graph, Layout layout_4d, std::string repeat_separator)
    : graph_(graph), layout_4d_(layout_4d), repeat_separator_(std::move(repeat_separator)) {}

void GraphBuilder::set_constant(const std::string& key, Constant constant) {
  Value v;
  v.shape = constant.shape;
  v.constant = std::move(constant);
  values_[key] = std::move(v);
}

std::string GraphBuilder::unique_name(const std::string& name) {
  const int uses = name_uses_[name]++;
  return uses == 0 ? name : name + repeat_separator_ + std::to_string(uses);
}

TensorId GraphBuilder::define_intermediate(const std::string& name, Shape shape) {
  checked_element_count(shape, "tensor '" + name + "'");
  Tensor t;
  t.name = unique_name(name);
  t.layout = shape.size() == 4 ? layout_4d_ : Layout::kAny;
  t.shape = std::move(shape);
  return graph_.add_tensor(std::move(t));
}

TensorId GraphBuilder::constant_tensor(const std::string& name, const Constant& constant) {
  require(constant.size() > 0, ErrorCode::kUnsupportedModel,
          "constant '" + name + "' is empty and cannot be an operand");
  return graph_.add_tensor(constant.to_tensor(unique_name(name)));
}

void GraphBuilder::forget_constant(const std::string& key) {
  const auto it = values_.find(key);
  if (it != values_.end()) it->second.constant.reset();
}

const Value* GraphBuilder::find_value(const std::string& key) const {
  const auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

TensorId GraphBuilder::value_tensor(const std::string& key, const std::string& name, const std::string& where) {
  Value& v = values_.at(key);
  if (v.tensor < 0) {
    require(v.constant.has_value(), ErrorCode::kInvalidModel, where + ": input has no tensor");
    v.tensor = constant_tensor(name, *v.constant);
  }
  return v.tensor;
}

TensorId GraphBuilder::define_activation(const std::string& key, const std::string& name, Shape shape) {
  Value v;
  v.shape = shape;
  v.tensor = define_intermediate(name, std::move(shape));
  const TensorId id = v.tensor;
  values_[key] = std::move(v);
  return id;
}

void GraphBuilder::define_graph_input(const std::string& key, const std::string& name, Shape shape) {
  graph_.inputs.push_back(define_activation(key, name, std::move(shape)));
}

void GraphBuilder::emit_node(OpType op, const std::string& name, std::vector<TensorId> inputs,
                             std::vector<TensorId> outputs, Attributes attrs) {
  graph_.nodes.push_back(Node{op, name, std::move(inputs), std::move(outputs), std::move(attrs)});
}

}  // namespace importer
}  // namespace garden
