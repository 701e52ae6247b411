// Fuzzes the ONNX importer (protobuf reader, shape inference, constant
// folding) and the standard passes that run on whatever it accepts.
#include "fuzz_input.h"
#include "garden/model.h"
#include "import/importers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return garden::fuzz::run_one(data, size, [](const uint8_t* bytes, size_t length) {
    garden::optimize(garden::import_onnx(bytes, length));
  });
}
