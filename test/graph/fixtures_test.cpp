// The reference evaluator and the standard passes on real architectures:
// each fixture made by scripts/make-fixtures (an ONNX export plus PyTorch's or
// onnxruntime's outputs on a seeded input) is imported, evaluated before and
// after run_standard_passes, and compared with the framework's outputs within
// max |ours - framework| <= 1e-4 * max |framework| (per-op fixtures: the same).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "graph/passes.h"
#include "graph/reference.h"
#include "graph_builder.h"
#include "import/importers.h"

using namespace garden;
namespace fs = std::filesystem;

namespace {

constexpr float kTolerance = 1e-4f;

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) FAIL("cannot read " << path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::vector<float> read_f32(const fs::path& path) {
  const std::vector<uint8_t> bytes = read_bytes(path);
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

std::vector<fs::path> fixture_dirs(const fs::path& root) {
  std::vector<fs::path> dirs;
  if (!fs::is_directory(root)) return dirs;
  for (const auto& entry : fs::directory_iterator(root))
    if (fs::is_regular_file(entry.path() / "model.onnx")) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

std::vector<std::vector<float>> expected_outputs(const fs::path& dir) {
  std::vector<std::vector<float>> outputs;
  for (int i = 0; fs::is_regular_file(dir / ("expected_" + std::to_string(i) + ".bin")); ++i)
    outputs.push_back(read_f32(dir / ("expected_" + std::to_string(i) + ".bin")));
  return outputs;
}

void require_close(const std::vector<std::vector<float>>& actual, const std::vector<std::vector<float>>& expected,
                   const std::string& what) {
  const garden::testing::Difference d = garden::testing::compare(actual, expected);
  INFO(what << ": max |diff| = " << d.max_abs_diff << ", max |ref| = " << d.max_abs_ref);
  REQUIRE(d.max_abs_ref > 0.f);
  REQUIRE(d.max_abs_diff <= kTolerance * d.max_abs_ref);
}

// The first input's shape from meta.json ("inputs": [{"name": ..., "shape": [..]}]),
// which sizes models with dynamic input dimensions (PP-OCR).
std::vector<int64_t> first_input_shape(const fs::path& dir) {
  const std::vector<uint8_t> bytes = read_bytes(dir / "meta.json");
  const std::string meta(bytes.begin(), bytes.end());
  const size_t key = meta.find("\"shape\"");
  const size_t open = meta.find('[', key);
  const size_t close = meta.find(']', open);
  REQUIRE((key != std::string::npos && open != std::string::npos && close != std::string::npos));
  std::vector<int64_t> shape;
  std::string list = meta.substr(open + 1, close - open - 1);
  std::replace(list.begin(), list.end(), ',', ' ');
  std::istringstream stream(list);
  for (int64_t d; stream >> d;) shape.push_back(d);
  return shape;
}

void check_fixture(const fs::path& dir) {
  const std::vector<uint8_t> model = read_bytes(dir / "model.onnx");
  ImportOptions options;
  const std::vector<int64_t> input_shape = first_input_shape(dir);
  if (input_shape.size() == 4) {
    options.input_height = input_shape[2];
    options.input_width = input_shape[3];
  }
  Graph graph = import_onnx(model.data(), model.size(), options);
  const std::vector<std::vector<float>> inputs{read_f32(dir / "input.bin")};
  const std::vector<std::vector<float>> expected = expected_outputs(dir);
  REQUIRE(graph.outputs.size() == expected.size());
  require_close(evaluate(graph, inputs), expected, "imported graph");

  run_standard_passes(graph);
  for (const Node& node : graph.nodes) REQUIRE(node.op != OpType::kBatchNorm);
  for (const Node& node : graph.nodes)
    for (TensorId id : node.outputs) {
      const Tensor& t = graph.tensor(id);
      const bool boundary = std::find(graph.outputs.begin(), graph.outputs.end(), id) != graph.outputs.end();
      if (t.shape.size() == 4 && !boundary && node.op != OpType::kTranspose) REQUIRE(t.layout == Layout::kNHWC);
    }
  require_close(evaluate(graph, inputs), expected, "after run_standard_passes");
}

}  // namespace

TEST_CASE("Architecture fixtures match the framework before and after the passes", "[fixtures]") {
  const std::vector<fs::path> dirs = fixture_dirs(GARDEN_FIXTURE_DIR);
  INFO("fixtures are made by scripts/make-fixtures into " << GARDEN_FIXTURE_DIR);
  REQUIRE(!dirs.empty());
  for (const fs::path& dir : dirs) {
    DYNAMIC_SECTION(dir.filename().string()) { check_fixture(dir); }
  }
}

TEST_CASE("Per-op fixtures match the framework before and after the passes", "[fixtures]") {
  const std::vector<fs::path> dirs = fixture_dirs(fs::path(GARDEN_FIXTURE_DIR) / "ops");
  INFO("fixtures are made by scripts/make-fixtures into " << GARDEN_FIXTURE_DIR << "/ops");
  REQUIRE(!dirs.empty());
  for (const fs::path& dir : dirs) {
    DYNAMIC_SECTION(dir.filename().string()) { check_fixture(dir); }
  }
}
