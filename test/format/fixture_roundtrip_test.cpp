// The imported and optimized fixture models (scripts/make-fixtures writes
// <GARDEN_FIXTURE_DIR>/<name>/model.onnx and ops/<case>/model.onnx) survive
// .garden write + read exactly.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/session.h"
#include "graph_compare.h"

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

// The first input's shape in the fixture's meta.json ({"inputs": [{"shape": [..]}]}),
// needed for models with dynamic input sizes such as PP-OCR's detector.
std::vector<int64_t> first_input_shape(const fs::path& meta_json) {
  std::ifstream in(meta_json);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<int64_t> shape;
  const size_t key = text.find("\"shape\"");
  if (key == std::string::npos) return shape;
  const size_t open = text.find('[', key), close = text.find(']', key);
  if (open == std::string::npos || close == std::string::npos) return shape;
  std::istringstream list(text.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(list, item, ',')) shape.push_back(std::stoll(item));
  return shape;
}

LoadOptions options_for(const fs::path& model) {
  LoadOptions options;
  const std::vector<int64_t> shape = first_input_shape(model.parent_path() / "meta.json");
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
    test::require_same_graph(graph, restored);
  }
}
