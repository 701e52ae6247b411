#include "model_bytes.h"

#include <string>
#include <utility>

#include "garden/error.h"

namespace garden_js {

using emscripten::val;

garden::WeightStorage quantize_option(const val& options) {
  const val value = options.isUndefined() || options.isNull() ? val::undefined() : options["quantize"];
  if (value.isUndefined() || value.isNull()) return garden::WeightStorage::kF32;
  garden::require(value.isString() && value.as<std::string>() == "int8", garden::ErrorCode::kInvalidArgument,
                  "quantize must be 'int8' (or left out)");
  return garden::WeightStorage::kInt8;
}

std::string import_cache_version() {
  return "garden" + std::to_string(garden::garden_format_version()) + "-" GARDEN_PACKAGE_VERSION;
}

namespace {

// Copies a Uint8Array / ArrayBuffer (any view type) into wasm memory in one bulk `set`.
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

bool is_bytes(const val& value) {
  return value.instanceof(val::global("ArrayBuffer")) || val::global("ArrayBuffer").call<bool>("isView", value);
}

bool is_object(const val& value) { return !value.isNull() && value.typeOf().as<std::string>() == "object"; }

// The name of one import of a model: "48x640-f32" ("0x0" keeps the model's own sizes).
std::string variant_name(int input_height, int input_width, garden::WeightStorage storage) {
  return std::to_string(input_height) + "x" + std::to_string(input_width) +
         (storage == garden::WeightStorage::kInt8 ? "-int8" : "-f32");
}

}  // namespace

ModelSource::ModelSource(val source) : bytes_js_(source), imports_(val::undefined()) {
  if (!source.isUndefined() && !source.isNull() && !is_bytes(source) && is_object(source["imports"])) {
    bytes_js_ = source["bytes"];
    imports_ = source["imports"];
  }
}

const std::vector<uint8_t>& ModelSource::bytes() {
  if (!bytes_) bytes_ = copy_bytes(bytes_js_);
  return *bytes_;
}

std::optional<garden::Model> ModelSource::load_imported(const std::string& variant) {
  const val cached = imports_.call<val>("get", variant);
  if (cached.isUndefined() || cached.isNull()) return std::nullopt;
  try {
    // Read in parts, each constant straight from the JS copy into the graph:
    // the whole file in wasm memory beside the graph would double the
    // weights' share of the heap's peak.
    garden::require(cached.instanceof(val::global("Uint8Array")), garden::ErrorCode::kInvalidModel,
                    "a kept import is not a Uint8Array");
    const auto read = [&cached](uint64_t offset, uint64_t size, uint8_t* out) {
      const val part = cached.call<val>("subarray", static_cast<double>(offset), static_cast<double>(offset + size));
      garden::require(part["byteLength"].as<double>() == static_cast<double>(size), garden::ErrorCode::kInvalidModel,
                      "a kept import is shorter than its parts");
      val(emscripten::typed_memory_view(static_cast<size_t>(size), out)).call<void>("set", part);
    };
    return garden::load_garden_in_parts(static_cast<uint64_t>(cached["byteLength"].as<double>()), read);
  } catch (const garden::Error&) {
    return std::nullopt;  // a damaged or foreign entry: imported again, and replaced
  }
}

void ModelSource::keep_imported(const std::string& variant, const garden::Model& model) {
  std::vector<uint8_t> file;
  try {
    file = garden::save_model_bytes(model);
  } catch (const garden::Error&) {
    return;  // beyond the format's bounds: the model loads, and is imported again next time
  }
  // A window on wasm memory that the cache copies out before returning.
  imports_.call<void>("put", variant, val(emscripten::typed_memory_view(file.size(), file.data())));
}

garden::Model ModelSource::load(int input_height, int input_width, garden::WeightStorage storage) {
  garden::require((input_height > 0) == (input_width > 0), garden::ErrorCode::kInvalidArgument,
                  "give both inputHeight and inputWidth, or neither");
  const bool cached = !imports_.isUndefined();
  const std::string variant = variant_name(input_height, input_width, storage);
  if (cached) {
    if (std::optional<garden::Model> model = load_imported(variant)) return std::move(*model);
  }
  garden::LoadOptions options;
  options.input_height = input_height;
  options.input_width = input_width;
  const std::vector<uint8_t>& data = bytes();
  const garden::ModelFormat format = garden::detect_format("", data.data(), data.size());
  garden::Model model = garden::load_model_bytes(data.data(), data.size(), format, options);
  garden::quantize_weights(model, storage);
  if (cached && format != garden::ModelFormat::kGarden) {
    // The file's copy goes before the .garden file is written, so that the
    // two never take wasm memory together (another load copies it again).
    bytes_.reset();
    keep_imported(variant, model);
  }
  return model;
}

}  // namespace garden_js
