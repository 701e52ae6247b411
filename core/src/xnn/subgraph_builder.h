// Builds one xnn_subgraph from a Graph: maps graph tensors to XNNPACK values,
// owns the static data those values point at, and turns every failed XNNPACK
// call into a garden::Error naming the node.
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {
namespace xnn {

// Who reads a static value: only the operator that packs it while the
// runtime is created (convolution, deconvolution and fully-connected weights
// and biases), or kernels on every run (operands of element-wise ops, ...).
enum class StaticUse { kPacking, kRunTime };

// Static buffers referenced by a runtime. XNNPACK keeps raw pointers to them
// (a list never moves its elements); those read at run time must outlive the
// runtime, the others can go once it is created (release_packing_buffers).
struct StaticBuffer {
  std::vector<float> data;  // f32 values, or the scales of `int8`
  StaticUse use;
  std::vector<int8_t> int8;  // per-channel int8 weights (data: one scale per channel)
};
using StaticStore = std::list<StaticBuffer>;

// Frees the buffers XNNPACK only read while packing weights: after
// xnn_create_runtime they are copies nobody looks at.
void release_packing_buffers(StaticStore& store);

class SubgraphBuilder {
 public:
  // Graph inputs get external ids [0, inputs), `outputs` (the graph's, and
  // any internal tensor the session exposes too) [inputs, inputs + outputs).
  SubgraphBuilder(const Graph& graph, const std::vector<TensorId>& outputs, StaticStore& store);
  ~SubgraphBuilder();
  SubgraphBuilder(const SubgraphBuilder&) = delete;
  SubgraphBuilder& operator=(const SubgraphBuilder&) = delete;

  xnn_subgraph_t get() const { return subgraph_; }
  const Graph& graph() const { return graph_; }
  const Tensor& tensor(TensorId id) const { return graph_.tensor(id); }
  const Tensor& input(const Node& node, size_t index) const;
  const Tensor& output(const Node& node, size_t index = 0) const;
  bool has_input(const Node& node, size_t index) const;

  // The XNNPACK value of a graph tensor, defined on first use: constants become
  // static f32 values, graph inputs/outputs external values, the rest internal.
  // An f32 constant that only packing operators read is not copied: XNNPACK
  // reads it from the graph while the runtime is created, and never again.
  uint32_t value(TensorId id, const Node& user);
  uint32_t input_value(const Node& node, size_t index) { return value(node.inputs.at(index), node); }
  uint32_t output_value(const Node& node, size_t index = 0) { return value(node.outputs.at(index), node); }
  // XNN_INVALID_VALUE_ID when the node has no such (optional) input.
  uint32_t optional_input_value(const Node& node, size_t index);

  // A new intermediate f32 value.
  uint32_t internal_value(const Shape& shape, const Node& user);
  // A new static f32 value holding `data` (moved into the store).
  uint32_t static_value(const Shape& shape, std::vector<float> data, const Node& user,
                        StaticUse use = StaticUse::kRunTime);
  // A constant input as f32 values (f16 and int8 widened); kUnsupportedModel if not constant.
  std::vector<float> constant_f32(const Node& node, size_t index) const;

  // Per-channel int8 weights (channel = axis 0) as an XNNPACK qcint8 static
  // value of `shape`, for packing: `values` one byte each, `scales` one per channel.
  uint32_t channelwise_int8_value(const Shape& shape, std::vector<int8_t> values, std::vector<float> scales,
                                  const Node& user);
  // A new qdint8 value holding `f32_value` (of `shape`) quantized at run time,
  // with one scale and zero point per batch: the leading dims before the
  // last `nonbatch_dims`. The input of an int8 convolution or fully connected layer.
  uint32_t quantized_at_run_time(uint32_t f32_value, const Shape& shape, size_t nonbatch_dims, const Node& user);

  // Checks the status of an xnn_define_<op> call that added `xnn_nodes` XNNPACK
  // nodes for `node`; remembers which graph node they belong to (for profiles).
  void defined(xnn_status status, const Node& node, const char* what, int xnn_nodes = 1);

  // Hands the finished subgraph over (the caller deletes it).
  xnn_subgraph_t release();
  // Graph node name of each XNNPACK node, in definition order.
  const std::vector<std::string>& xnn_node_names() const { return xnn_node_names_; }
  uint32_t external_id_count() const { return external_ids_; }
  // Bytes of every value defined so far that is not static (graph inputs and
  // outputs, intermediates, lowering's own temporaries), summed as if none
  // shared memory: an upper bound on what XNNPACK's memory plan and the
  // external buffers will hold. Saturates at UINT64_MAX instead of overflowing.
  uint64_t activation_bytes() const { return activation_bytes_; }

 private:
  static std::vector<float> to_f32(const Tensor& tensor);
  // For each tensor: whether a node reads it other than as packed weights.
  static std::vector<bool> read_at_run_time(const Graph& graph);
  uint32_t define(const Tensor& tensor, const float* data, uint32_t external_id, uint32_t flags,
                  const Node& user);

  const Graph& graph_;
  StaticStore& store_;
  xnn_subgraph_t subgraph_ = nullptr;
  uint32_t external_ids_ = 0;
  std::unordered_map<TensorId, uint32_t> values_;
  std::unordered_map<TensorId, uint32_t> external_id_of_;
  std::vector<bool> read_at_run_time_;
  std::vector<std::string> xnn_node_names_;
  uint64_t activation_bytes_ = 0;
};

// "Conv2D node 'conv1'": how errors name a node.
std::string describe(const Node& node);

// Throws kBackend naming the node when an XNNPACK call failed.
void check_status(xnn_status status, const Node& node, const char* what);

[[noreturn]] void unsupported(const Node& node, const std::string& why);

// Sizes that are only compared with a limit saturate at UINT64_MAX instead of
// overflowing: a model may declare any shape.
uint64_t saturating_add(uint64_t a, uint64_t b);
// Bytes of a tensor of `shape` as f32 (0 for a negative dimension).
uint64_t f32_bytes(const Shape& shape);

// A shape as XNNPACK dims; kUnsupportedModel for rank > XNN_MAX_TENSOR_DIMS
// or negative dims.
std::vector<size_t> xnn_dims(const Shape& shape, const Node& user);

}  // namespace xnn
}  // namespace garden
