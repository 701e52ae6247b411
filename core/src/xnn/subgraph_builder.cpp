#include "xnn/subgraph_builder.h"

#include <cstring>

#include "graph/graph_utils.h"

namespace garden {
namespace xnn {

std::string describe(const Node& node) {
  return std::string(op_name(node.op)) + " node '" + node.name + "'";
}

void check_status(xnn_status status, const Node& node, const char* what) {
  if (status == xnn_status_success) return;
  fail(ErrorCode::kBackend, std::string("XNNPACK refused ") + what + " for " + describe(node) +
                                " (xnn_status " + std::to_string(static_cast<int>(status)) + ")");
}

void unsupported(const Node& node, const std::string& why) {
  fail(ErrorCode::kUnsupportedModel, describe(node) + ": " + why);
}

std::vector<size_t> xnn_dims(const Shape& shape, const Node& user) {
  if (shape.size() > XNN_MAX_TENSOR_DIMS) {
    unsupported(user, "rank " + std::to_string(shape.size()) + " exceeds XNNPACK's " +
                          std::to_string(XNN_MAX_TENSOR_DIMS));
  }
  std::vector<size_t> dims;
  for (int64_t d : shape) {
    if (d < 0) unsupported(user, "negative dimension");
    dims.push_back(static_cast<size_t>(d));
  }
  return dims;
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
  uint64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

uint64_t f32_bytes(const Shape& shape) {
  uint64_t bytes = sizeof(float);
  for (int64_t d : shape) {
    if (d <= 0) return 0;  // negative dims are refused where the shape is used
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) return UINT64_MAX;
  }
  return bytes;
}

void release_packing_buffers(StaticStore& store) {
  store.remove_if([](const StaticBuffer& buffer) { return buffer.use == StaticUse::kPacking; });
}

namespace {

// Inputs XNNPACK packs into its own buffers when the runtime is created:
// weights (1) and bias (2) of the operators with packed weights.
bool is_packed_input(const Node& node, size_t index) {
  const bool packs = node.op == OpType::kConv2D || node.op == OpType::kConvTranspose2D ||
                     node.op == OpType::kFullyConnected;
  return packs && (index == 1 || index == 2);
}

}  // namespace

std::vector<bool> SubgraphBuilder::read_at_run_time(const Graph& graph) {
  std::vector<bool> read(graph.tensors.size(), false);
  for (const Node& node : graph.nodes) {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const TensorId id = node.inputs[i];
      if (id >= 0 && static_cast<size_t>(id) < read.size() && !is_packed_input(node, i)) read[id] = true;
    }
  }
  return read;
}

SubgraphBuilder::SubgraphBuilder(const Graph& graph, const std::vector<TensorId>& outputs, StaticStore& store)
    : graph_(graph), store_(store), read_at_run_time_(read_at_run_time(graph)) {
  for (TensorId id : graph.inputs) external_id_of_.emplace(id, external_ids_++);
  for (TensorId id : outputs) {
    require(external_id_of_.count(id) == 0, ErrorCode::kUnsupportedModel,
            "tensor '" + graph.tensor(id).name + "' is both a graph input and output (or listed twice)");
    external_id_of_.emplace(id, external_ids_++);
  }
  const xnn_status status = xnn_create_subgraph(external_ids_, 0, &subgraph_);
  if (status != xnn_status_success) {
    fail(ErrorCode::kBackend, "xnn_create_subgraph failed (xnn_status " +
                                  std::to_string(static_cast<int>(status)) + ")");
  }
}

SubgraphBuilder::~SubgraphBuilder() {
  if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
}

xnn_subgraph_t SubgraphBuilder::release() {
  xnn_subgraph_t subgraph = subgraph_;
  subgraph_ = nullptr;
  return subgraph;
}

bool SubgraphBuilder::has_input(const Node& node, size_t index) const {
  return index < node.inputs.size() && node.inputs[index] >= 0;
}

const Tensor& SubgraphBuilder::input(const Node& node, size_t index) const {
  if (!has_input(node, index)) unsupported(node, "missing input " + std::to_string(index));
  return graph_.tensor(node.inputs[index]);
}

const Tensor& SubgraphBuilder::output(const Node& node, size_t index) const {
  if (index >= node.outputs.size()) unsupported(node, "missing output " + std::to_string(index));
  return graph_.tensor(node.outputs[index]);
}

uint32_t SubgraphBuilder::optional_input_value(const Node& node, size_t index) {
  return has_input(node, index) ? value(node.inputs[index], node) : XNN_INVALID_VALUE_ID;
}

uint32_t SubgraphBuilder::define(const Tensor& tensor, const float* data, uint32_t external_id,
                                 uint32_t flags, const Node& user) {
  const std::vector<size_t> dims = xnn_dims(tensor.shape, user);
  if (data == nullptr) activation_bytes_ = saturating_add(activation_bytes_, f32_bytes(tensor.shape));
  uint32_t id = XNN_INVALID_VALUE_ID;
  check_status(xnn_define_tensor_value(subgraph_, xnn_datatype_fp32, dims.size(), dims.data(), data,
                                       external_id, flags, &id),
               user, ("tensor '" + tensor.name + "'").c_str());
  return id;
}

uint32_t SubgraphBuilder::value(TensorId id, const Node& user) {
  const auto known = values_.find(id);
  if (known != values_.end()) return known->second;
  const Tensor& t = graph_.tensor(id);
  uint32_t xnn_id;
  if (t.is_constant()) {
    if (t.dtype == DType::kI32 || t.dtype == DType::kI64) {
      unsupported(user, "integer constant '" + t.name + "' used as data");
    }
    const bool run_time = static_cast<size_t>(id) >= read_at_run_time_.size() || read_at_run_time_[id];
    if (!run_time && t.dtype == DType::kF32 && t.data.size() == static_cast<size_t>(element_count(t.shape)) * sizeof(float)) {
      xnn_id = define(t, t.f32(), XNN_INVALID_VALUE_ID, 0, user);
    } else {
      store_.push_back({to_f32(t), run_time ? StaticUse::kRunTime : StaticUse::kPacking});
      xnn_id = define(t, store_.back().data.data(), XNN_INVALID_VALUE_ID, 0, user);
    }
  } else {
    if (t.dtype != DType::kF32) unsupported(user, "non-f32 activation '" + t.name + "'");
    const auto external = external_id_of_.find(id);
    if (external == external_id_of_.end()) {
      xnn_id = define(t, nullptr, XNN_INVALID_VALUE_ID, 0, user);
    } else {
      const bool is_input = external->second < graph_.inputs.size();
      xnn_id = define(t, nullptr, external->second,
                      is_input ? XNN_VALUE_FLAG_EXTERNAL_INPUT : XNN_VALUE_FLAG_EXTERNAL_OUTPUT, user);
    }
  }
  values_.emplace(id, xnn_id);
  return xnn_id;
}

uint32_t SubgraphBuilder::internal_value(const Shape& shape, const Node& user) {
  Tensor t;
  t.name = user.name + ":internal";
  t.shape = shape;
  return define(t, nullptr, XNN_INVALID_VALUE_ID, 0, user);
}

uint32_t SubgraphBuilder::static_value(const Shape& shape, std::vector<float> data, const Node& user,
                                       StaticUse use) {
  require(static_cast<int64_t>(data.size()) == element_count(shape), ErrorCode::kInvalidModel,
          describe(user) + ": static data size does not match its shape");
  // Kernels may read a little past the end of their operands.
  data.reserve(data.size() + XNN_EXTRA_BYTES / sizeof(float));
  store_.push_back({std::move(data), use});
  Tensor t;
  t.name = user.name + ":static";
  t.shape = shape;
  return define(t, store_.back().data.data(), XNN_INVALID_VALUE_ID, 0, user);
}

uint32_t SubgraphBuilder::channelwise_int8_value(const Shape& shape, std::vector<int8_t> values,
                                                 std::vector<float> scales, const Node& user) {
  require(!shape.empty() && static_cast<int64_t>(values.size()) == element_count(shape) &&
              static_cast<int64_t>(scales.size()) == shape[0],
          ErrorCode::kInvalidModel, describe(user) + ": int8 weights do not match their shape");
  values.reserve(values.size() + XNN_EXTRA_BYTES);
  store_.push_back({std::move(scales), StaticUse::kPacking, std::move(values)});
  const std::vector<size_t> dims = xnn_dims(shape, user);
  uint32_t id = XNN_INVALID_VALUE_ID;
  check_status(xnn_define_channelwise_quantized_tensor_value(subgraph_, xnn_datatype_qcint8, store_.back().data.data(),
                                                             dims.size(), 0, dims.data(), store_.back().int8.data(),
                                                             XNN_INVALID_VALUE_ID, 0, &id),
               user, "int8 weights");
  return id;
}

uint32_t SubgraphBuilder::quantized_at_run_time(uint32_t f32_value, const Shape& shape, size_t nonbatch_dims,
                                                const Node& user) {
  const std::vector<size_t> dims = xnn_dims(shape, user);
  // One byte per value, and far less than an f32 tensor of the same shape.
  activation_bytes_ = saturating_add(activation_bytes_, f32_bytes(shape) / 4);
  uint32_t id = XNN_INVALID_VALUE_ID;
  check_status(xnn_define_dynamically_quantized_tensor_value(subgraph_, xnn_datatype_qdint8, dims.size(), nonbatch_dims,
                                                             dims.data(), XNN_INVALID_VALUE_ID, 0, &id),
               user, "a dynamically quantized input");
  defined(xnn_define_unary(subgraph_, xnn_unary_convert, nullptr, f32_value, id, 0), user, "int8 conversion");
  return id;
}

std::vector<float> SubgraphBuilder::to_f32(const Tensor& t) {
  if (t.dtype == DType::kI32 || t.dtype == DType::kI64)
    fail(ErrorCode::kUnsupportedModel, "constant '" + t.name + "' is not floating point");
  // f16 and int8 widened; checked against the shape there.
  std::vector<float> values = constant_as_f32(t);
  values.reserve(values.size() + XNN_EXTRA_BYTES / sizeof(float));
  return values;
}

std::vector<float> SubgraphBuilder::constant_f32(const Node& node, size_t index) const {
  const Tensor& t = input(node, index);
  if (!t.is_constant()) {
    unsupported(node, "input " + std::to_string(index) + " ('" + t.name + "') must be a constant");
  }
  return to_f32(t);
}

void SubgraphBuilder::defined(xnn_status status, const Node& node, const char* what, int xnn_nodes) {
  check_status(status, node, what);
  for (int i = 0; i < xnn_nodes; ++i) xnn_node_names_.push_back(node.name);
}

}  // namespace xnn
}  // namespace garden
