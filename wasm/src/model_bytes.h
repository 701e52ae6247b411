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
// Dynamic input sizes (PP-OCR's [1,3,?,?]) are fixed here: give both or neither.
garden::Model load_model(const std::vector<uint8_t>& bytes, int input_height, int input_width);

}  // namespace garden_js
