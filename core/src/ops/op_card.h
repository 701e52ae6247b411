// One card per OpType: what the runtime knows about an op apart from how a
// backend runs it. Validation (of .garden files and of imported graphs), the
// reference evaluator, the .garden attribute codec and the NCHW -> NHWC pass
// all read the cards, so adding an op means: its OpType (garden/graph.h and
// core/schema/garden.fbs), its card in the family file (conv.cpp,
// elementwise.cpp, spatial.cpp, shape.cpp) and the table in op_cards.cpp, its
// XNNPACK lowering (xnn/xnn_runtime.cpp's table), and one translation entry
// per importer that has it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden {
namespace ops {

// The attribute table an op carries in a .garden file; the codec maps each to
// one member of the schema's OpAttrs union.
enum class AttrTable : uint8_t {
  kNone,
  kConv2D,
  kPool,
  kActivation,
  kAlphaBeta,
  kResize,
  kConcat,
  kSoftmax,
  kTranspose,
  kPad,
  kBatchNorm,
  kSlice,
  kMean,
  kDepthToSpace,
};

// What convert_to_nhwc does to an op whose activations become NHWC.
enum class LayoutRule : uint8_t {
  kLayoutAware,       // reads each 4-D tensor's layout: nothing to change
  kElementwise,       // one input, same shape out: nothing to change
  kBroadcastOperands, // computed in the output's layout: operands re-laid out to match
  kConcatAxis,        // attrs.axis names an output dimension; operands re-laid out
  kAxisAttribute,     // attrs.axis names an input dimension
  kAxesList,          // attrs.ints lists input dimensions
  kPerDimensionInts,  // attrs.ints = [one value per dimension.., another per dimension..]
  kPermutation,       // attrs.ints is a permutation (Transpose)
  kNchwMemoryOrder,   // depends on NCHW memory order: runs between Transposes back to NCHW
};

using Values = std::vector<float>;

// A node with the tensors it reads and writes: what a card's check sees.
struct NodeTensors {
  const Node& node;
  std::vector<const Tensor*> input_tensors;
  const Tensor& output_tensor;
};

// What a reference kernel sees: the tensors and the values of the inputs.
struct OpContext : NodeTensors {
  std::vector<const Values*> inputs;
};

constexpr size_t kUnbounded = static_cast<size_t>(-1);

struct OpCard {
  OpType op;  // the card's own index in the table
  const char* name;
  size_t min_inputs;
  size_t max_inputs;
  AttrTable attrs;
  LayoutRule layout;
  // Can apply a fused output clamp, so a following Clamp merges into it.
  bool takes_clamp;
  // Attribute values and the shape rule: where the op determines its output
  // shape, the declared one must be it. Throws Error(kInvalidModel) naming
  // the node. Runs after the input count and the single output are checked.
  void (*check)(const NodeTensors& node);
  // The reference kernel: plain scalar C++ (see graph/reference.h). Runs
  // only on nodes that passed `check`.
  Values (*evaluate)(const OpContext& context);
};

bool is_known_op(OpType op);

// The card of `op`; Error(kInvalidModel) if the op is not known.
const OpCard& op_card(OpType op);

// Throws Error(kInvalidModel) "<Op> node '<name>': <problem>" if !condition.
void check(const NodeTensors& node, bool condition, const std::string& problem);

// A node's contract: known op, input count, one output, then the card's
// check. Throws Error(kInvalidModel) naming the node and the problem.
void check_node(const Graph& graph, const Node& node);

// Graph::validate, then every node's contract. What every loader runs on the
// graph it produces (.garden reader and each importer).
void validate_graph(const Graph& graph);

}  // namespace ops
}  // namespace garden
