// Fuzzes model loading over every format. The first byte picks the format (or
// asks detect_format to guess), the rest is the model, so one corpus holds
// seeds of all formats and each importer is reached through the same entry
// points an application uses.
//
// A TF.js graph model is a model.json plus weight files: its input is the JSON
// text, a NUL byte, then the weight bytes, handed over as the first weight
// file (the others, if the manifest names more, are empty).
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "garden/model.h"
#include "import/importers.h"

namespace {

enum Selector : uint8_t { kGarden, kOnnx, kTflite, kTfjs, kDetect, kSelectorCount };

garden::LoadOptions small_limits() {
  garden::LoadOptions options;
  // Keep one input's work small; real files are bounded the same way.
  options.max_file_bytes = size_t{1} << 20;
  return options;
}

void load_tfjs(const uint8_t* data, size_t size) {
  const uint8_t* end = data + size;
  const uint8_t* separator = std::find(data, end, uint8_t{0});
  const std::string model_json(data, separator);
  std::vector<std::vector<uint8_t>> weight_files(garden::tfjs_weight_paths(model_json).size());
  if (!weight_files.empty() && separator != end) weight_files[0].assign(separator + 1, end);
  garden::load_tfjs_model(model_json, weight_files, small_limits());
}

void load(uint8_t selector, const uint8_t* data, size_t size) {
  switch (selector % kSelectorCount) {
    case kGarden: garden::load_model_bytes(data, size, garden::ModelFormat::kGarden, small_limits()); return;
    case kOnnx: garden::load_model_bytes(data, size, garden::ModelFormat::kOnnx, small_limits()); return;
    case kTflite: garden::load_model_bytes(data, size, garden::ModelFormat::kTflite, small_limits()); return;
    case kTfjs: load_tfjs(data, size); return;
    default: {
      const garden::ModelFormat guess = garden::detect_format(std::string(), data, size);
      garden::load_model_bytes(data, size, guess, small_limits());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  return garden::fuzz::run_one(data + 1, size - 1, [selector](const uint8_t* bytes, size_t length) {
    load(selector, bytes, length);
  });
}
