// Small helpers shared by the graph passes and the reference evaluator.
#pragma once

#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden {

// A constant's values as f32, whatever its storage dtype (f32, f16, i32, i64).
std::vector<float> constant_as_f32(const Tensor& tensor);

// Makes `tensor` an f32 constant holding `values` (element count must match its shape).
void set_f32_data(Tensor& tensor, const std::vector<float>& values);

TensorId add_f32_constant(Graph& graph, const std::string& name, const Shape& shape,
                          const std::vector<float>& values);

// A new activation tensor (no data).
TensorId add_activation(Graph& graph, const std::string& name, const Shape& shape, Layout layout);

// How many node inputs read each tensor (a node reading one tensor twice counts twice).
std::vector<int> reader_counts(const Graph& graph);

// Index in graph.nodes of the node producing `id`, or -1 (inputs, constants).
int producer_of(const Graph& graph, TensorId id);

bool is_graph_output(const Graph& graph, TensorId id);

// Drops graph.nodes[i] for every i with removed[i], keeping the order of the rest.
void erase_nodes(Graph& graph, const std::vector<bool>& removed);

// Rewires every node input reading `from` to read `to` instead.
void replace_reads(Graph& graph, TensorId from, TensorId to);

// Axis of the channel dimension: per layout for 4-D, else 1 (rank >= 2) or 0.
int channel_axis(const Tensor& tensor);

// The permutation that takes an NCHW shape to NHWC ({0,2,3,1}) and back ({0,3,1,2}).
extern const std::vector<int64_t> kNchwToNhwc;
extern const std::vector<int64_t> kNhwcToNchw;

// Shape or index list `values` permuted: result[i] = values[perm[i]].
Shape permute(const Shape& values, const std::vector<int64_t>& perm);

}  // namespace garden
