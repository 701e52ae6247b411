// Writes the inputs of the garden-convert CLI tests into DIR:
//   small.garden       small_graph() as .garden
//   truncated.garden   its first half
//   bitflipped.garden  with the top bit of the FlatBuffers root offset flipped
//   unknown_op.onnx    a well-formed ONNX model whose only node is an unknown op
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "garden/model.h"
#include "onnx_builder.h"
#include "sample_graphs.h"

namespace {

bool write_bytes(const std::string& path, const std::vector<uint8_t>& bytes, size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(count));
  return static_cast<bool>(out);
}

std::vector<uint8_t> unknown_op_model() {
  using namespace garden_test;
  GraphSpec spec;
  spec.nodes.push_back(node("FancyOp", {"x"}, {"y"}, "fancy_node"));
  spec.inputs.push_back(value_info("x", {1, 3, 4, 4}));
  spec.outputs.push_back(value_info("y", {}));
  return model(spec);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_sample_garden DIR\n");
    return 1;
  }
  const std::string dir = argv[1];
  const std::vector<uint8_t> file = garden::save_model_bytes(garden::Model{garden_test::small_graph()});
  std::vector<uint8_t> flipped = file;
  flipped[3] ^= 0x80;  // the root table offset now points far past the end
  const std::vector<uint8_t> onnx = unknown_op_model();
  const bool ok = write_bytes(dir + "/small.garden", file, file.size()) &&
                  write_bytes(dir + "/truncated.garden", file, file.size() / 2) &&
                  write_bytes(dir + "/bitflipped.garden", flipped, flipped.size()) &&
                  write_bytes(dir + "/unknown_op.onnx", onnx, onnx.size());
  if (!ok) {
    std::fprintf(stderr, "make_sample_garden: cannot write into %s\n", dir.c_str());
    return 1;
  }
  return 0;
}
