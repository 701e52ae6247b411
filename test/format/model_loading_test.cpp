// Format detection and model loading (garden/model.h) for .garden files,
// and the errors for files that cannot be loaded.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/error.h"
#include "garden/model.h"
#include "graph_compare.h"
#include "sample_graphs.h"

using namespace garden;

namespace {

// A file under the system temp folder, removed when the test ends.
class TempFile {
 public:
  TempFile(const std::string& name, const std::vector<uint8_t>& bytes)
      : path_(std::string(P_tmpdir) + "/garden_model_loading_" + name) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> bytes_of(const std::string& text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

ModelFormat detect(const std::string& path, const std::vector<uint8_t>& bytes) {
  return detect_format(path, bytes.data(), bytes.size());
}

Error load_error(const std::string& path, const LoadOptions& options = {}) {
  try {
    load_model_file(path, options);
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected garden::Error loading " << path);
  return Error(ErrorCode::kBackend, "");
}

}  // namespace

TEST_CASE("detect_format trusts file identifiers, then the extension, then the content",
          "[model]") {
  const std::vector<uint8_t> garden = write_garden(garden_test::small_graph());
  const std::vector<uint8_t> tflite = {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0};
  const std::vector<uint8_t> onnx = {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'};
  const std::vector<uint8_t> json = bytes_of("  \n{\"format\": \"graph-model\"}");

  CHECK(detect("model.bin", garden) == ModelFormat::kGarden);
  CHECK(detect("model.onnx", garden) == ModelFormat::kGarden);  // the identifier wins
  CHECK(detect("model.bin", tflite) == ModelFormat::kTflite);
  CHECK(detect("model.ONNX", onnx) == ModelFormat::kOnnx);
  CHECK(detect("m.garden", {}) == ModelFormat::kGarden);
  CHECK(detect("dir.onnx/m.tflite", {}) == ModelFormat::kTflite);
  CHECK(detect("dir.onnx/model", {}) == ModelFormat::kUnknown);
  CHECK(detect("model.json", {}) == ModelFormat::kTfjs);
  CHECK(detect("https://host/model", json) == ModelFormat::kTfjs);
  CHECK(detect("blob", onnx) == ModelFormat::kOnnx);
  CHECK(detect("blob", bytes_of("hello")) == ModelFormat::kUnknown);
  CHECK(detect_format("", nullptr, 0) == ModelFormat::kUnknown);
}

TEST_CASE("a .garden file loads exactly as written, without running passes again", "[model]") {
  const Graph graph = garden_test::every_op_graph();
  const TempFile file("every_op.garden", write_garden(graph));
  // every_op_graph has BatchNorm and an unfused Clamp that the standard passes
  // would rewrite; loading must return them untouched.
  garden_test::require_same_graph(graph, load_model_file(file.path()).graph);

  const std::vector<uint8_t> bytes = write_garden(graph);
  garden_test::require_same_graph(
      graph, load_model_bytes(bytes.data(), bytes.size(), ModelFormat::kGarden).graph);
}

TEST_CASE("load errors are typed and name the file", "[model]") {
  SECTION("missing file") {
    const Error error = load_error("/nonexistent/dir/model.garden");
    CHECK(error.code() == ErrorCode::kIo);
    CHECK(std::string(error.what()).find("/nonexistent/dir/model.garden") != std::string::npos);
  }
  SECTION("truncated .garden file") {
    std::vector<uint8_t> bytes = write_garden(garden_test::small_graph());
    bytes.resize(bytes.size() - 10);
    const TempFile file("truncated.garden", bytes);
    const Error error = load_error(file.path());
    CHECK(error.code() == ErrorCode::kInvalidModel);
    CHECK(std::string(error.what()).find(file.path()) != std::string::npos);
  }
  SECTION("file over the size limit") {
    const TempFile file("big.garden", write_garden(garden_test::small_graph()));
    LoadOptions options;
    options.max_file_bytes = 100;
    CHECK(load_error(file.path(), options).code() == ErrorCode::kLimitExceeded);
  }
  SECTION("malformed TFLite and TF.js files") {
    const TempFile tflite("m.tflite", {0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});
    const Error tflite_error = load_error(tflite.path());
    CHECK(tflite_error.code() == ErrorCode::kInvalidModel);
    CHECK(std::string(tflite_error.what()).find(tflite.path()) != std::string::npos);
    const TempFile tfjs("model.json", bytes_of("{}"));
    const Error tfjs_error = load_error(tfjs.path());
    CHECK(tfjs_error.code() == ErrorCode::kInvalidModel);
    CHECK(std::string(tfjs_error.what()).find(tfjs.path()) != std::string::npos);
  }
  SECTION("unrecognized bytes") {
    const TempFile file("notes.txt", bytes_of("not a model"));
    CHECK(load_error(file.path()).code() == ErrorCode::kInvalidModel);
  }
  SECTION("null bytes") {
    CHECK_THROWS_AS(load_model_bytes(nullptr, 10, ModelFormat::kGarden), Error);
  }
}
