// Fuzzes the .garden reader (FlatBuffers Verifier + our index and shape
// checks), whole and in parts. A file the reader accepts is written back: the
// writer must agree with the reader on what a valid graph is. Reading in parts
// (as wasm reads a kept import) may refuse more files, never accept another.
#include <cstring>

#include "format/garden_format.h"
#include "fuzz_input.h"

namespace {

bool read_in_parts(const uint8_t* data, size_t size) {
  const garden::GardenFileReader read = [data, size](uint64_t offset, uint64_t count, uint8_t* out) {
    if (offset > size || count > size - offset) __builtin_trap();  // a read outside the file
    std::memcpy(out, data + offset, count);
  };
  try {
    garden::read_garden_in_parts(size, read);
    return true;
  } catch (const garden::Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool parts_accepted = read_in_parts(data, size);
  return garden::fuzz::run_one(data, size, [parts_accepted](const uint8_t* bytes, size_t length) {
    garden::Graph graph;
    try {
      graph = garden::read_garden(bytes, length);
    } catch (const garden::Error&) {
      if (parts_accepted) __builtin_trap();  // accepted in parts, refused whole
      throw;
    }
    garden::write_garden(graph);
  });
}
