// The reference evaluator and the standard passes on real architectures:
// each fixture made by scripts/make-fixtures (an ONNX export plus PyTorch's or
// onnxruntime's outputs on a seeded input) is imported, evaluated before and
// after run_standard_passes, and compared with the framework's outputs within
// max |ours - framework| <= 1e-4 * max |framework| (per-op fixtures: the same).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "graph/passes.h"
#include "graph/reference.h"
#include "support/graph_builder.h"
#include "import/importers.h"
#include "ops/op_card.h"
#include "support/fixtures.h"

using namespace garden;
namespace fs = std::filesystem;

namespace {

constexpr float kTolerance = 1e-4f;

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
    outputs.push_back(garden_test::read_f32(dir / ("expected_" + std::to_string(i) + ".bin")));
  return outputs;
}

void require_close(const std::vector<std::vector<float>>& actual, const std::vector<std::vector<float>>& expected,
                   const std::string& what) {
  const garden_test::Difference d = garden_test::compare(actual, expected);
  INFO(what << ": max |diff| = " << d.max_diff << ", max |ref| = " << d.max_ref);
  REQUIRE(d.max_ref > 0.f);
  REQUIRE(d.max_diff <= kTolerance * d.max_ref);
}

void check_fixture(const fs::path& dir) {
  const std::vector<uint8_t> model = garden_test::read_bytes(dir / "model.onnx");
  ImportOptions options;
  const std::vector<int64_t> input_shape = garden_test::first_input_shape(garden_test::read_text(dir / "meta.json"));
  if (input_shape.size() == 4) {
    options.input_height = input_shape[2];
    options.input_width = input_shape[3];
  }
  Graph graph = import_onnx(model.data(), model.size(), options);
  const std::vector<std::vector<float>> inputs{garden_test::read_f32(dir / "input.bin")};
  const std::vector<std::vector<float>> expected = expected_outputs(dir);
  REQUIRE(graph.outputs.size() == expected.size());
  require_close(evaluate(graph, inputs), expected, "imported graph");

  run_standard_passes(graph);
  for (const Node& node : graph.nodes) REQUIRE(node.op != OpType::kBatchNorm);
  for (const Node& node : graph.nodes)
    for (TensorId id : node.outputs) {
      const Tensor& t = graph.tensor(id);
      const bool boundary = std::find(graph.outputs.begin(), graph.outputs.end(), id) != graph.outputs.end();
      // Ops that depend on NCHW memory order (BatchMatMul in PP-OCR's
      // recognizer) run between Transposes and keep their own output NCHW.
      const bool nchw_by_rule = ops::op_card(node.op).layout == ops::LayoutRule::kNchwMemoryOrder;
      if (t.shape.size() == 4 && !boundary && node.op != OpType::kTranspose && !nchw_by_rule)
        REQUIRE(t.layout == Layout::kNHWC);
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
