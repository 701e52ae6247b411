// garden::Session on top of one XNNPACK runtime (xnn_runtime.h).
#include "garden/session.h"

#include <memory>
#include <string>
#include <utility>

#include "xnn/nhwc_ports.h"
#include "xnn/xnn_runtime.h"

namespace garden {
namespace {

// What a TensorView says about a buffer, copied so the session does not
// depend on the Model outliving it.
struct Port {
  std::string name;
  Shape shape;
  Layout layout;
  ValueType type = ValueType::kFloat32;
};

std::vector<Port> ports(const Graph& graph, const std::vector<TensorId>& ids) {
  std::vector<Port> result;
  for (TensorId id : ids) {
    const Tensor& t = graph.tensor(id);
    result.push_back({t.name, t.shape, t.layout});
  }
  return result;
}

// The model's outputs, then the internal tensors named by options.extra_outputs.
std::vector<TensorId> session_outputs(const Graph& graph, const SessionOptions& options) {
  std::vector<TensorId> outputs = graph.outputs;
  for (const std::string& name : options.extra_outputs) {
    TensorId found = -1;
    for (size_t id = 0; id < graph.tensors.size() && found < 0; ++id)
      if (graph.tensors[id].name == name) found = static_cast<TensorId>(id);
    const auto refuse = [&](const std::string& why) {
      fail(ErrorCode::kInvalidArgument, "extra output '" + name + "' " + why);
    };
    if (found < 0) refuse("is not a tensor of the model (the model's passes may have fused it into another node)");
    if (graph.tensor(found).is_constant()) refuse("is a constant, not computed by a run");
    for (TensorId id : graph.inputs)
      if (id == found) refuse("is an input of the model");
    for (TensorId id : outputs)
      if (id == found) refuse("is already an output of the session");
    bool produced = false;
    for (const Node& node : graph.nodes)
      for (TensorId id : node.outputs) produced = produced || id == found;
    if (!produced) refuse("is not computed by any node of the model");
    outputs.push_back(found);
  }
  return outputs;
}

}  // namespace

struct Session::Impl {
  // `weights`: the graph's own constants, freed once packed (or nullptr to keep them).
  Impl(const Graph& graph, const SessionOptions& options, Graph* weights)
      : Impl(graph, session_outputs(graph, options), options, weights) {}
  Impl(const Graph& graph, const std::vector<TensorId>& output_ids, const SessionOptions& options, Graph* weights)
      : runtime(graph, output_ids, options, weights),
        inputs(ports(graph, graph.inputs)),
        outputs(ports(graph, output_ids)),
        threads(options.threads) {
    // The graph's own outputs come first; extra (internal) outputs are float32.
    for (size_t i = 0; i < graph.outputs.size() && i < outputs.size(); ++i) outputs[i].type = graph.output_type(i);
  }

  // A session on a graph of its own, freed once its weights are packed.
  static std::unique_ptr<Impl> owning(Model model, const SessionOptions& options) {
    if (options.port_layout == PortLayout::kNhwc) xnn::expose_nhwc_ports(model.graph);
    return std::make_unique<Impl>(model.graph, options, &model.graph);
  }

  xnn::XnnRuntime runtime;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  int threads;
};

namespace {

TensorView view(const Port& port, xnn::ExternalBuffer& buffer) {
  return {port.name, port.shape, port.layout, buffer.data.data(), port.type};
}

void require_index(size_t index, size_t count, const char* what) {
  require(index < count, ErrorCode::kInvalidArgument,
          std::string(what) + " index " + std::to_string(index) + " out of range (" +
              std::to_string(count) + ")");
}

}  // namespace

Session::Session(const Model& model, const SessionOptions& options) {
  // The port rewrite works on a copy: the caller's model stays as it is.
  if (options.port_layout == PortLayout::kNhwc) {
    impl_ = Impl::owning(model, options);
  } else {
    impl_ = std::make_unique<Impl>(model.graph, options, nullptr);
  }
}

Session::Session(Model&& model, const SessionOptions& options) : impl_(Impl::owning(std::move(model), options)) {}

Session::~Session() = default;

size_t Session::input_count() const { return impl_->inputs.size(); }
size_t Session::output_count() const { return impl_->outputs.size(); }

TensorView Session::input(size_t index) {
  require_index(index, input_count(), "input");
  return view(impl_->inputs[index], impl_->runtime.inputs()[index]);
}

TensorView Session::output(size_t index) {
  require_index(index, output_count(), "output");
  return view(impl_->outputs[index], impl_->runtime.outputs()[index]);
}

void Session::run() { impl_->runtime.invoke(); }

std::vector<NodeTime> Session::profile() const { return impl_->runtime.profile(); }

int Session::threads() const { return impl_->threads; }

}  // namespace garden
