// Fuzzes the .garden reader (FlatBuffers Verifier + our index and shape
// checks). A file the reader accepts is written back: the writer must agree
// with the reader on what a valid graph is.
#include "format/garden_format.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return garden::fuzz::run_one(data, size, [](const uint8_t* bytes, size_t length) {
    const garden::Graph graph = garden::read_garden(bytes, length);
    garden::write_garden(graph);
  });
}
