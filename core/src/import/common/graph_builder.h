// The graph an importer is building and what it knows about every value of
// the source model, keyed by the format's own name for the value: its static
// shape, its value when known at import time, and the graph tensor that
// carries it once one exists. Each format's ImportContext adds how its nodes
// name their inputs and outputs.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "garden/graph.h"
#include "graph/folding_budget.h"  // import-time folding spends this budget
#include "import/common/constant.h"

namespace garden {
namespace importer {

struct Value {
  Shape shape;
  std::optional<Constant> constant;  // known at import time
  TensorId tensor = -1;              // graph tensor, once one exists
};

// The shape of activation `x`, which must have rank 4; otherwise
// kUnsupportedModel "<where>: input has rank <r><expected>".
const Shape& rank4_shape(const Value& x, const std::string& where, const std::string& expected);

class GraphBuilder {
 public:
  // Rank-4 activations are tagged `layout_4d`; a tensor name used again gets
  // `repeat_separator` and a count appended.
  GraphBuilder(Graph& graph, Layout layout_4d, std::string repeat_separator);

  Graph& graph() { return graph_; }
  bool has_value(const std::string& key) const { return values_.count(key) != 0; }
  void set_constant(const std::string& key, Constant constant);
  void set_alias(const std::string& key, const Value& value) { values_[key] = value; }
  // Drops the import-time values of `key` (its graph tensor, if it has one,
  // stays), for an importer that knows nothing will read them again: the
  // importer's copy of a weight then lives only until its last reader is
  // translated, and the import never holds all weights twice.
  void forget_constant(const std::string& key);
  // Charges a folded result of `count` elements to the import's folding
  // budget (kMaxFoldedElementsTotal); kLimitExceeded naming `where` once spent.
  void charge_folded_elements(int64_t count, const std::string& where) { folding_budget_.charge(count, where); }

  // A graph tensor holding `constant` (which must not be empty).
  TensorId constant_tensor(const std::string& name, const Constant& constant);
  // An activation of the importer's own (e.g. a convolution before its activation).
  TensorId define_intermediate(const std::string& name, Shape shape);

 protected:
  // The value of `key`, or nullptr when nothing defines it.
  const Value* find_value(const std::string& key) const;
  // The graph tensor of value `key`, made from its constant on first use;
  // `where` names the reading node in errors.
  TensorId value_tensor(const std::string& key, const std::string& name, const std::string& where);
  // Defines value `key` as a new activation tensor named after `name`.
  TensorId define_activation(const std::string& key, const std::string& name, Shape shape);
  void define_graph_input(const std::string& key, const std::string& name, Shape shape);
  void emit_node(OpType op, const std::string& name, std::vector<TensorId> inputs, std::vector<TensorId> outputs,
                 Attributes attrs);

 private:
  // Tensor names stay unique even when one value feeds several nodes.
  std::string unique_name(const std::string& name);

  Graph& graph_;
  Layout layout_4d_;
  std::string repeat_separator_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, int> name_uses_;
  FoldingBudget folding_budget_;
};

}  // namespace importer
}  // namespace garden
