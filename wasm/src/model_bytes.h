// Model bytes from JavaScript into an imported, optimized garden::Model.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "garden/session.h"

namespace garden_js {

// The loaders' `quantize` option: unset (the model's weights as they are) or 'int8'.
garden::WeightStorage quantize_option(const emscripten::val& options);

// What the cache of imports knows this runtime by: a .garden file it wrote
// is read back only by a runtime of the same format and package version.
std::string import_cache_version();

// A model as the bindings receive it: its bytes (a Uint8Array or an
// ArrayBuffer), or { bytes, imports } for a model fetched by URL, where
// `imports` (import_cache.mjs) holds what earlier loads made of the same
// bytes: one .garden file per input size and weight storage.
//
//   ModelSource source(js_value);
//   garden::Model a = source.load(48, 320, kF32);   // the cached .garden, or an import
//   garden::Model b = source.load(48, 640, kF32);   // (then given to `imports`)
class ModelSource {
 public:
  explicit ModelSource(emscripten::val source);

  // Any supported format (.garden, ONNX, TFLite, ...), detected from the
  // bytes. Dynamic input sizes (PP-OCR's [1,3,?,?]) are fixed here: give
  // both or neither. kInt8 quantizes the weights on load, as garden-convert
  // --quantize int8 does (the layers then run in int8). A variant the
  // imports hold is read from its .garden file instead (a damaged one is
  // imported again); one imported here is written to them.
  garden::Model load(int input_height, int input_width, garden::WeightStorage storage = garden::WeightStorage::kF32);

 private:
  // The model's bytes in wasm memory, copied by the first import that needs them.
  const std::vector<uint8_t>& bytes();
  std::optional<garden::Model> load_imported(const std::string& variant);
  void keep_imported(const std::string& variant, const garden::Model& model);

  emscripten::val bytes_js_;
  emscripten::val imports_;  // undefined: nothing cached
  std::optional<std::vector<uint8_t>> bytes_;
};

}  // namespace garden_js
