// One function per graph op: each defines the XNNPACK nodes computing `node`.
// Grouped by file: lower_conv.cpp, lower_elementwise.cpp, lower_pool.cpp,
// lower_resize.cpp, lower_shape.cpp; lower_node's table (xnn_runtime.cpp)
// names the one for each OpType. Each throws kUnsupportedModel (naming the
// node) for attribute combinations XNNPACK cannot run. The graph's op
// contracts (ops/op_card.h) were checked when it was loaded.
#pragma once

#include "garden/graph.h"
#include "xnn/subgraph_builder.h"

namespace garden {
namespace xnn {

// lower_conv.cpp
void lower_conv2d(SubgraphBuilder& b, const Node& node);
void lower_conv_transpose2d(SubgraphBuilder& b, const Node& node);
void lower_fully_connected(SubgraphBuilder& b, const Node& node);

// lower_elementwise.cpp
void lower_binary(SubgraphBuilder& b, const Node& node);
void lower_unary(SubgraphBuilder& b, const Node& node);
void lower_hard_sigmoid(SubgraphBuilder& b, const Node& node);
void lower_pow(SubgraphBuilder& b, const Node& node);
void lower_atan2(SubgraphBuilder& b, const Node& node);
void lower_batch_matmul(SubgraphBuilder& b, const Node& node);
void lower_reciprocal(SubgraphBuilder& b, const Node& node);
void lower_swish(SubgraphBuilder& b, const Node& node);
void lower_batch_norm(SubgraphBuilder& b, const Node& node);

// lower_pool.cpp
void lower_average_pool(SubgraphBuilder& b, const Node& node);
void lower_max_pool(SubgraphBuilder& b, const Node& node);
void lower_global_average_pool(SubgraphBuilder& b, const Node& node);
void lower_mean(SubgraphBuilder& b, const Node& node);
void lower_reduce_tree(SubgraphBuilder& b, const Node& node);  // ReduceMax, ReduceMin, ReduceProd

// lower_resize.cpp
void lower_resize(SubgraphBuilder& b, const Node& node);

// lower_shape.cpp
void lower_concat(SubgraphBuilder& b, const Node& node);
void lower_reshape(SubgraphBuilder& b, const Node& node);
void lower_transpose(SubgraphBuilder& b, const Node& node);
void lower_pad(SubgraphBuilder& b, const Node& node);
void lower_slice(SubgraphBuilder& b, const Node& node);
void lower_depth_to_space(SubgraphBuilder& b, const Node& node);
void lower_softmax(SubgraphBuilder& b, const Node& node);

// The lowering of node.op.
void lower_node(SubgraphBuilder& b, const Node& node);

// Throws kUnsupportedModel unless `tensor` has rank `rank`.
void require_rank(const Node& node, const Tensor& tensor, size_t rank);

}  // namespace xnn
}  // namespace garden
