// The .garden file: FlatBuffers (core/schema/garden.fbs) holding an optimized
// Graph. Reading verifies the buffer with the FlatBuffers Verifier and checks
// every index before it is used: a bad file is an Error(kInvalidModel).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "garden/graph.h"
#include "garden/model.h"

namespace garden {

// The version this runtime writes and the only one it reads.
constexpr uint32_t kGardenFormatVersion = 1;
// Every weight starts at a multiple of this, counted from the start of the file.
constexpr size_t kGardenWeightAlignment = 64;
// Bounds a reader enforces (a writer refuses graphs beyond them).
constexpr size_t kGardenMaxRank = 8;
constexpr int64_t kGardenMaxTensorElements = int64_t{1} << 31;
// Files must be smaller than this (FlatBuffers' own bound on a buffer).
constexpr size_t kGardenMaxFileBytes = (size_t{1} << 31) - 1;

// Serializes an optimized graph. Throws Error(kInvalidModel) for a graph that
// fails Graph::validate or the per-op checks, kLimitExceeded beyond the bounds.
std::vector<uint8_t> write_garden(const Graph& graph);

// Parses and fully checks a .garden file; `data` need not be aligned.
Graph read_garden(const uint8_t* data, size_t size);

// The same for a file of `file_size` bytes read through `read` a part at a
// time: the first kGardenRootWindow bytes, the FlatBuffer part (which must end
// before the weight section, as write_garden lays it out), then each constant
// straight into its tensor.
Graph read_garden_in_parts(uint64_t file_size, const GardenFileReader& read);
// How much read_garden_in_parts reads first, to find the FlatBuffer's end.
constexpr size_t kGardenRootWindow = 4096;

}  // namespace garden
