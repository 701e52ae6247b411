// Field-by-field graph comparison for round-trip tests.
#pragma once

#include <catch2/catch.hpp>

#include "garden/graph.h"

namespace garden_test {

inline void require_same_attributes(const garden::Attributes& a, const garden::Attributes& b) {
  CHECK(a.kernel == b.kernel);
  CHECK(a.stride == b.stride);
  CHECK(a.dilation == b.dilation);
  CHECK(a.pad == b.pad);
  CHECK(a.output_padding == b.output_padding);
  CHECK(a.groups == b.groups);
  // Exact: the format stores floats bit for bit (infinities included).
  CHECK(a.activation_min == b.activation_min);
  CHECK(a.activation_max == b.activation_max);
  CHECK(a.alpha == b.alpha);
  CHECK(a.beta == b.beta);
  CHECK(a.epsilon == b.epsilon);
  CHECK(a.pad_value == b.pad_value);
  CHECK(a.axis == b.axis);
  CHECK(a.block_size == b.block_size);
  CHECK(a.count_include_pad == b.count_include_pad);
  CHECK(a.resize_mode == b.resize_mode);
  CHECK(a.coordinate_mode == b.coordinate_mode);
  CHECK(a.ints == b.ints);
}

inline void require_same_graph(const garden::Graph& a, const garden::Graph& b) {
  REQUIRE(a.tensors.size() == b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    INFO("tensor " << i << " '" << a.tensors[i].name << "'");
    CHECK(a.tensors[i].name == b.tensors[i].name);
    CHECK(a.tensors[i].dtype == b.tensors[i].dtype);
    CHECK(a.tensors[i].shape == b.tensors[i].shape);
    CHECK(a.tensors[i].layout == b.tensors[i].layout);
    CHECK(a.tensors[i].data == b.tensors[i].data);
  }
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    INFO("node " << i << " '" << a.nodes[i].name << "' (" << op_name(a.nodes[i].op) << ")");
    CHECK(a.nodes[i].op == b.nodes[i].op);
    CHECK(a.nodes[i].name == b.nodes[i].name);
    CHECK(a.nodes[i].inputs == b.nodes[i].inputs);
    CHECK(a.nodes[i].outputs == b.nodes[i].outputs);
    require_same_attributes(a.nodes[i].attrs, b.nodes[i].attrs);
  }
  CHECK(a.inputs == b.inputs);
  CHECK(a.outputs == b.outputs);
  CHECK(a.info.task == b.info.task);
  CHECK(a.info.source == b.info.source);
  CHECK(a.info.license == b.info.license);
  CHECK(a.info.labels == b.info.labels);
  CHECK(a.info.notes == b.info.notes);
  CHECK(a.output_types == b.output_types);
  CHECK(a.info.mean == b.info.mean);
  CHECK(a.info.std == b.info.std);
}

}  // namespace garden_test
