// Writes the inputs of the garden-convert CLI tests:
//   make_sample_garden VALID.garden TRUNCATED.garden
// VALID is small_graph() as .garden; TRUNCATED is its first half.
#include <cstdio>
#include <fstream>
#include <vector>

#include "format/garden_format.h"
#include "sample_graphs.h"

namespace {

bool write_bytes(const char* path, const std::vector<uint8_t>& bytes, size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(count));
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_sample_garden VALID.garden TRUNCATED.garden\n");
    return 1;
  }
  const std::vector<uint8_t> file = garden::write_garden(garden::test::small_graph());
  if (!write_bytes(argv[1], file, file.size()) || !write_bytes(argv[2], file, file.size() / 2)) {
    std::fprintf(stderr, "make_sample_garden: cannot write output\n");
    return 1;
  }
  return 0;
}
