#include "model_bytes.h"

#include <string>

#include "garden/error.h"

namespace garden_js {

using emscripten::val;

std::vector<uint8_t> copy_bytes(const val& bytes) {
  garden::require(!bytes.isUndefined() && !bytes.isNull() && bytes["byteLength"].isNumber(),
                  garden::ErrorCode::kInvalidArgument, "model bytes must be a Uint8Array or ArrayBuffer");
  const size_t length = bytes["byteLength"].as<size_t>();
  std::vector<uint8_t> buffer(length);
  // A byte window on the caller's memory (no copy), whatever view type it is.
  val source = bytes.instanceof(val::global("ArrayBuffer"))
                   ? val::global("Uint8Array").new_(bytes)
                   : val::global("Uint8Array").new_(bytes["buffer"], bytes["byteOffset"], bytes["byteLength"]);
  val(emscripten::typed_memory_view(length, buffer.data())).call<void>("set", source);
  return buffer;
}

garden::WeightStorage quantize_option(const val& options) {
  const val value = options.isUndefined() || options.isNull() ? val::undefined() : options["quantize"];
  if (value.isUndefined() || value.isNull()) return garden::WeightStorage::kF32;
  garden::require(value.isString() && value.as<std::string>() == "int8", garden::ErrorCode::kInvalidArgument,
                  "quantize must be 'int8' (or left out)");
  return garden::WeightStorage::kInt8;
}

garden::Model load_model(const std::vector<uint8_t>& bytes, int input_height, int input_width,
                         garden::WeightStorage storage) {
  garden::require((input_height > 0) == (input_width > 0), garden::ErrorCode::kInvalidArgument,
                  "give both inputHeight and inputWidth, or neither");
  garden::LoadOptions options;
  options.input_height = input_height;
  options.input_width = input_width;
  const garden::ModelFormat format = garden::detect_format("", bytes.data(), bytes.size());
  garden::Model model = garden::load_model_bytes(bytes.data(), bytes.size(), format, options);
  garden::quantize_weights(model, storage);
  return model;
}

}  // namespace garden_js
