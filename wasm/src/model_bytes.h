// Model bytes from JavaScript into an imported, optimized garden::Model.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <vector>

#include "garden/session.h"

namespace garden_js {

// Copies a Uint8Array / ArrayBuffer (any view type) into wasm memory in one bulk `set`.
std::vector<uint8_t> copy_bytes(const emscripten::val& bytes);

// Any supported format (.garden, ONNX, TFLite, ...), detected from the bytes.
// Dynamic input sizes (PP-OCR's [1,3,?,?]) are fixed here: give both or
// neither. kInt8 quantizes the weights on load, as garden-convert --quantize
// int8 does (the layers then run in int8).
garden::Model load_model(const std::vector<uint8_t>& bytes, int input_height, int input_width,
                         garden::WeightStorage storage = garden::WeightStorage::kF32);

// The loaders' `quantize` option: unset (the model's weights as they are) or 'int8'.
garden::WeightStorage quantize_option(const emscripten::val& options);

}  // namespace garden_js
