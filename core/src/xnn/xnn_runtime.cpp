#include "xnn/xnn_runtime.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <mutex>
#include <string>

#include "xnn/lower.h"
#include "xnn/session_group.h"
#include "xnn/shared_threadpool.h"

namespace garden {
namespace xnn {
namespace {

// XNNPACK's own flag (src/xnnpack/subgraph.h) that keeps it from fusing nodes:
// with it every node we define stays one operator, so profiles map to nodes.
constexpr uint32_t kNoOperatorFusion = 0x80000000u;

void check_backend(xnn_status status, const std::string& what) {
  if (status != xnn_status_success) {
    fail(ErrorCode::kBackend,
         what + " failed (xnn_status " + std::to_string(static_cast<int>(status)) + ")");
  }
}

// A declared size is refused before it is allocated: a model file of a few
// bytes can declare tensors of any size.
void check_activation_bytes(uint64_t bytes, uint64_t limit) {
  // Beyond the address space, size_t arithmetic on these sizes would wrap.
  const uint64_t addressable = std::numeric_limits<size_t>::max();
  if (bytes <= limit && bytes <= addressable) return;
  const std::string need = bytes == UINT64_MAX ? "2^64 or more" : std::to_string(bytes);
  fail(ErrorCode::kLimitExceeded, "the model's activations need " + need +
                                      " bytes, more than the limit of " + std::to_string(std::min(limit, addressable)) +
                                      " (SessionOptions::max_activation_bytes)");
}

// What the graph itself declares: every tensor that is not a weight. Checked
// before lowering, which may allocate in proportion to activation shapes
// (nearest resize's kernel of ones).
uint64_t declared_activation_bytes(const Graph& graph) {
  uint64_t total = 0;
  for (const Tensor& tensor : graph.tensors)
    if (!tensor.is_constant()) total = saturating_add(total, f32_bytes(tensor.shape));
  return total;
}

std::vector<float> padded_buffer(const Tensor& tensor) {
  const size_t count = static_cast<size_t>(element_count(tensor.shape));
  return std::vector<float>(count + XNN_EXTRA_BYTES / sizeof(float), 0.f);
}

}  // namespace

void initialize_xnnpack() {
  static std::once_flag once;
  static xnn_status status = xnn_status_uninitialized;
  std::call_once(once, [] { status = xnn_initialize(nullptr); });
  check_backend(status, "xnn_initialize");
}

void require_rank(const Node& node, const Tensor& tensor, size_t rank) {
  if (tensor.shape.size() != rank) {
    unsupported(node, "tensor '" + tensor.name + "' has rank " + std::to_string(tensor.shape.size()) +
                          ", expected " + std::to_string(rank));
  }
}

namespace {

struct Lowering {
  OpType op;
  void (*lower)(SubgraphBuilder&, const Node&);
};

// Indexed by OpType: lower_node runs kLowerings[op].lower.
constexpr Lowering kLowerings[] = {
    {OpType::kConv2D, lower_conv2d},
    {OpType::kConvTranspose2D, lower_conv_transpose2d},
    {OpType::kFullyConnected, lower_fully_connected},
    {OpType::kAdd, lower_binary},
    {OpType::kSub, lower_binary},
    {OpType::kMul, lower_binary},
    {OpType::kDiv, lower_binary},
    {OpType::kClamp, lower_unary},
    {OpType::kSigmoid, lower_unary},
    {OpType::kHardSigmoid, lower_hard_sigmoid},
    {OpType::kHardSwish, lower_unary},
    {OpType::kSwish, lower_swish},
    {OpType::kTanh, lower_unary},
    {OpType::kAveragePool2D, lower_average_pool},
    {OpType::kMaxPool2D, lower_max_pool},
    {OpType::kGlobalAveragePool2D, lower_global_average_pool},
    {OpType::kResize2D, lower_resize},
    {OpType::kConcat, lower_concat},
    {OpType::kReshape, lower_reshape},
    {OpType::kTranspose, lower_transpose},
    {OpType::kSoftmax, lower_softmax},
    {OpType::kPad, lower_pad},
    {OpType::kBatchNorm, lower_batch_norm},
    {OpType::kSlice, lower_slice},
    {OpType::kMean, lower_mean},
    {OpType::kDepthToSpace, lower_depth_to_space},
    {OpType::kLeakyRelu, lower_unary},
    {OpType::kAbs, lower_unary},
    {OpType::kNeg, lower_unary},
    {OpType::kExp, lower_unary},
    {OpType::kLog, lower_unary},
    {OpType::kSqrt, lower_unary},
    {OpType::kFloor, lower_unary},
    {OpType::kCeil, lower_unary},
    {OpType::kRound, lower_unary},
    {OpType::kElu, lower_unary},
    {OpType::kMaximum, lower_binary},
    {OpType::kMinimum, lower_binary},
    {OpType::kPow, lower_pow},
    {OpType::kPRelu, lower_binary},
    {OpType::kSquaredDifference, lower_binary},
    {OpType::kSign, lower_unary},
    {OpType::kReciprocal, lower_reciprocal},
    {OpType::kBatchMatMul, lower_batch_matmul},
    {OpType::kReduceMax, lower_reduce_tree},
    {OpType::kReduceMin, lower_reduce_tree},
    {OpType::kReduceProd, lower_reduce_tree},
    {OpType::kSin, lower_unary},
    {OpType::kCos, lower_unary},
    {OpType::kAtan2, lower_atan2},
};

constexpr bool every_op_in_order() {
  for (size_t i = 0; i < std::size(kLowerings); ++i)
    if (kLowerings[i].op != static_cast<OpType>(i)) return false;
  return std::size(kLowerings) == static_cast<size_t>(OpType::kLast) + 1;
}
static_assert(every_op_in_order(), "kLowerings needs one entry per OpType, in OpType order");

}  // namespace

void lower_node(SubgraphBuilder& b, const Node& node) {
  require(node.op <= OpType::kLast, ErrorCode::kUnsupportedOp,
          describe(node) + ": op not supported by the XNNPACK backend");
  kLowerings[static_cast<size_t>(node.op)].lower(b, node);
}

namespace {

void free_constants(Graph& graph) {
  for (Tensor& tensor : graph.tensors) std::vector<uint8_t>().swap(tensor.data);
}

}  // namespace

XnnRuntime::XnnRuntime(const Graph& graph, const std::vector<TensorId>& outputs, const SessionOptions& options,
                       Graph* weights)
    : profiling_(options.profile) {
  require(options.threads >= 1, ErrorCode::kInvalidArgument,
          "threads must be >= 1, got " + std::to_string(options.threads));
  initialize_xnnpack();
  try {
    if (options.threads > 1) {
      threadpool_ = acquire_threadpool(options.threads);
    }
    build(graph, outputs, options);
    if (weights != nullptr) free_constants(*weights);
    bind(graph, outputs);
  } catch (...) {
    release();  // the destructor does not run for a constructor that throws
    throw;
  }
}

XnnRuntime::~XnnRuntime() { release(); }

void XnnRuntime::release() {
  if (runtime_ != nullptr) xnn_delete_runtime(runtime_);
  release_threadpool(threadpool_);
  runtime_ = nullptr;
  threadpool_ = nullptr;
}

void XnnRuntime::build(const Graph& graph, const std::vector<TensorId>& outputs, const SessionOptions& options) {
  require(!graph.outputs.empty(), ErrorCode::kInvalidModel, "the graph has no outputs");
  check_activation_bytes(declared_activation_bytes(graph), options.max_activation_bytes);
  SubgraphBuilder builder(graph, outputs, static_data_);
  for (const Node& node : graph.nodes) lower_node(builder, node);
  // Inputs nobody reads and outputs nobody writes still need their values.
  Node graph_io{OpType::kReshape, "graph inputs/outputs", {}, {}, {}};
  for (TensorId id : graph.inputs) builder.value(id, graph_io);
  for (TensorId id : outputs) {
    require(!graph.tensor(id).is_constant(), ErrorCode::kUnsupportedModel,
            "graph output '" + graph.tensor(id).name + "' is a constant");
    builder.value(id, graph_io);
  }
  xnn_node_names_ = builder.xnn_node_names();
  // Again with lowering's own temporaries. Nothing of the activations exists
  // yet: XNNPACK plans and allocates them in xnn_reshape_runtime, the
  // external buffers are made in bind().
  check_activation_bytes(builder.activation_bytes(), options.max_activation_bytes);

  std::unique_ptr<xnn_subgraph, decltype(&xnn_delete_subgraph)> subgraph(builder.release(),
                                                                          &xnn_delete_subgraph);
  // Outside a SessionGroup there is no weights cache: each operator packs
  // its weights into one allocation of the exact size. (XNNPACK's own cache
  // would copy all packed weights once per layer as it grows; see
  // session_group.h for the provider a group uses.)
  // Workers go to sleep after the last operator instead of spinning between
  // runs: a frame loop leaves the pool idle most of the time.
  uint32_t flags = XNN_FLAG_YIELD_WORKERS;
  if (options.profile) flags |= XNN_FLAG_BASIC_PROFILING | kNoOperatorFusion;
  group_ = options.group;
  xnn_weights_cache_t weights_cache = group_ ? group_->impl_->weights_cache() : nullptr;
  xnn_workspace_t workspace = group_ ? group_->impl_->shared_workspace() : nullptr;
  check_backend(xnn_create_runtime_v4(subgraph.get(), weights_cache, workspace, threadpool_, flags, &runtime_),
                "xnn_create_runtime_v4");
  // Weights are packed: the f32 copies made only for packing can go.
  release_packing_buffers(static_data_);
}

void XnnRuntime::bind(const Graph& graph, const std::vector<TensorId>& outputs) {
  std::vector<xnn_external_value> externals;
  uint32_t external_id = 0;
  for (TensorId id : graph.inputs) {
    inputs_.push_back({id, external_id++, padded_buffer(graph.tensor(id))});
  }
  for (TensorId id : outputs) {
    outputs_.push_back({id, external_id++, padded_buffer(graph.tensor(id))});
  }
  for (auto* list : {&inputs_, &outputs_}) {
    for (ExternalBuffer& buffer : *list) externals.push_back({buffer.external_id, buffer.data.data()});
  }
  check_backend(xnn_reshape_runtime(runtime_), "xnn_reshape_runtime");
  // The shapes XNNPACK inferred must be the ones the graph declares, or the
  // output buffers would be the wrong size.
  for (const ExternalBuffer& out : outputs_) {
    size_t rank = 0;
    size_t dims[XNN_MAX_TENSOR_DIMS];
    check_backend(xnn_get_external_value_shape(runtime_, out.external_id, &rank, dims),
                  "xnn_get_external_value_shape");
    const Tensor& t = graph.tensor(out.tensor);
    bool same = rank == t.shape.size();
    for (size_t d = 0; same && d < rank; ++d) same = dims[d] == static_cast<size_t>(t.shape[d]);
    require(same, ErrorCode::kInvalidModel,
            "output '" + t.name + "': computed shape differs from the declared shape");
  }
  check_backend(xnn_setup_runtime_v2(runtime_, externals.size(), externals.data()),
                "xnn_setup_runtime_v2");
}

void XnnRuntime::invoke() { check_backend(xnn_invoke_runtime(runtime_), "xnn_invoke_runtime"); }

std::vector<NodeTime> XnnRuntime::profile() const {
  require(profiling_, ErrorCode::kInvalidArgument, "the session was not created with profile = true");
  size_t count = 0, size = 0;
  check_backend(xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_num_operators,
                                               sizeof count, &count, &size),
                "profiling info");
  std::vector<uint64_t> micros(count);
  check_backend(xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_timing,
                                               micros.size() * sizeof(uint64_t), micros.data(), &size),
                "profiling info");
  // Names come back as one block of NUL-separated strings; ask for its size first.
  xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, 0, nullptr, &size);
  std::vector<char> names(size + 1, '\0');
  check_backend(xnn_get_runtime_profiling_info(runtime_, xnn_profile_info_operator_name, size,
                                               names.data(), &size),
                "profiling info");
  const bool by_node = count == xnn_node_names_.size();
  std::vector<NodeTime> times;
  const char* op = names.data();
  for (size_t i = 0; i < count; ++i) {
    const std::string op_name(op);
    op += op_name.size() + 1;
    const std::string name = by_node ? xnn_node_names_[i] + " (" + op_name + ")" : op_name;
    times.push_back({name, static_cast<double>(micros[i]) / 1000.0});
  }
  return times;
}

}  // namespace xnn
}  // namespace garden
