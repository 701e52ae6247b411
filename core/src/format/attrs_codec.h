// Converts between garden::Attributes (one struct for every op) and the typed
// attribute tables of the .garden schema (one table per op family).
#pragma once

#include <vector>

#include "garden/graph.h"
#include "garden_generated.h"

namespace garden {

// Copies a verified vector of int64. The Verifier checks only 4-byte alignment
// of vectors, so elements are copied bytewise rather than read through an
// int64_t pointer that might be misaligned in a hostile file.
std::vector<int64_t> read_int64_vector(const flatbuffers::Vector<int64_t>* vector);

// The attribute table an op carries in a file (OpAttrs::NONE if it has none),
// from its op card. `op` must be known (ops::is_known_op).
fb::OpAttrs attrs_type_for(OpType op);

// Writes the node's attribute table; null offset for ops without attributes.
flatbuffers::Offset<void> encode_attrs(flatbuffers::FlatBufferBuilder& builder, const Node& node);

// Reads a verified node's attribute table. Throws Error(kInvalidModel) if the
// table is not the one its op carries or holds an out-of-range enum value.
Attributes decode_attrs(const fb::Node& node, OpType op, const std::string& node_name);

}  // namespace garden
