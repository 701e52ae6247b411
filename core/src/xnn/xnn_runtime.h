// The whole optimized Graph as one XNNPACK runtime: lowered once, weights
// packed once (the graph's weights are not needed after construction), external buffers for the graph's inputs and outputs allocated
// once and bound once, so invoke() does no allocation.
#pragma once

#include <pthreadpool.h>
#include <xnnpack.h>

#include <memory>
#include <string>
#include <vector>

#include "garden/graph.h"
#include "garden/session.h"
#include "xnn/subgraph_builder.h"

namespace garden {
namespace xnn {

// Calls xnn_initialize once per process (thread-safe); throws kBackend on failure.
void initialize_xnnpack();

struct ExternalBuffer {
  TensorId tensor;
  uint32_t external_id;
  std::vector<float> data;  // element_count + XNN_EXTRA_BYTES of slack
};

class XnnRuntime {
 public:
  // `weights`, when given, is `graph` itself, owned by the caller and no longer
  // needed: its constants are freed once XNNPACK has packed them, before the
  // activation memory is planned, so that memory can reuse theirs.
  // Error(kLimitExceeded) when the graph's activations exceed
  // options.max_activation_bytes, before any of them is allocated.
  // `outputs`: the tensors given external buffers, in order: the graph's
  // outputs and any internal tensor the session exposes besides them
  // (XNNPACK still computes through an external output: it never fuses it away).
  XnnRuntime(const Graph& graph, const std::vector<TensorId>& outputs, const SessionOptions& options,
             Graph* weights = nullptr);
  ~XnnRuntime();
  XnnRuntime(const XnnRuntime&) = delete;
  XnnRuntime& operator=(const XnnRuntime&) = delete;

  std::vector<ExternalBuffer>& inputs() { return inputs_; }
  std::vector<ExternalBuffer>& outputs() { return outputs_; }
  const std::vector<ExternalBuffer>& inputs() const { return inputs_; }
  const std::vector<ExternalBuffer>& outputs() const { return outputs_; }
  void invoke();
  // Per-operator times of the last invoke(), named by graph node when the
  // XNNPACK operators map one-to-one onto the nodes we defined.
  std::vector<NodeTime> profile() const;

 private:
  void build(const Graph& graph, const std::vector<TensorId>& outputs, const SessionOptions& options);
  void bind(const Graph& graph, const std::vector<TensorId>& outputs);
  void release();

  StaticStore static_data_;
  std::vector<std::string> xnn_node_names_;
  std::vector<ExternalBuffer> inputs_;
  std::vector<ExternalBuffer> outputs_;
  std::shared_ptr<SessionGroup> group_;  // outlives runtime_, which points into its weights
  pthreadpool_t threadpool_ = nullptr;
  xnn_runtime_t runtime_ = nullptr;
  bool profiling_ = false;
};

}  // namespace xnn
}  // namespace garden
