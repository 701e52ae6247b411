// Importers: a published model format -> Graph (before passes).
// Each throws garden::Error: kInvalidModel for a malformed file, kUnsupportedOp
// naming the op and node for an op we do not implement.
#pragma once

#include <cstddef>
#include <cstdint>

#include "garden/graph.h"

namespace garden {

struct ImportOptions {
  // Sizes for dynamic input dimensions (e.g. PP-OCR's [1,3,?,?]); 0 = no override.
  int64_t input_height = 0;
  int64_t input_width = 0;
};

Graph import_onnx(const uint8_t* data, size_t size, const ImportOptions& options = {});

}  // namespace garden
