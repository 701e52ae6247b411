// The .garden file: FlatBuffers (core/schema/garden.fbs) holding an optimized
// Graph. Reading verifies the buffer with the FlatBuffers Verifier and checks
// every index before it is used: a bad file is an Error(kInvalidModel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "garden/graph.h"

namespace garden {

std::vector<uint8_t> write_garden(const Graph& graph);
Graph read_garden(const uint8_t* data, size_t size);

}  // namespace garden
