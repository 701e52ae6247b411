// The imported and optimized fixture models (scripts/make-fixtures writes
// <GARDEN_FIXTURE_DIR>/<name>/model.onnx and ops/<case>/model.onnx) survive
// .garden write + read exactly.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/model.h"
#include "graph_compare.h"
#include "support/fixtures.h"

using namespace garden;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> fixture_models() {
  std::vector<fs::path> models;
  std::error_code ignored;
  for (fs::recursive_directory_iterator it(fs::path(GARDEN_FIXTURE_DIR), ignored), end; it != end;
       it.increment(ignored))
    if (it->path().filename() == "model.onnx") models.push_back(it->path());
  std::sort(models.begin(), models.end());
  return models;
}

LoadOptions options_for(const fs::path& model) {
  LoadOptions options;
  // The size the reference ran at, for models with dynamic input sizes such as PP-OCR's detector.
  const fs::path meta = model.parent_path() / "meta.json";
  const Shape shape =
      garden_test::file_exists(meta) ? garden_test::first_input_shape(garden_test::read_text(meta)) : Shape{};
  if (shape.size() == 4) {  // NCHW image input
    options.input_height = shape[2];
    options.input_width = shape[3];
  }
  return options;
}

}  // namespace

TEST_CASE("imported fixtures round-trip through .garden", "[garden][fixtures]") {
  const std::vector<fs::path> models = fixture_models();
  INFO("fixtures in " << GARDEN_FIXTURE_DIR << " (make them with scripts/make-fixtures)");
  REQUIRE(!models.empty());
  for (const fs::path& path : models) {
    INFO(path.string());
    const Graph graph = load_model_file(path.string(), options_for(path)).graph;
    const std::vector<uint8_t> file = write_garden(graph);
    const Graph restored = read_garden(file.data(), file.size());
    garden_test::require_same_graph(graph, restored);
  }
}
