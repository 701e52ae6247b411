// garden-convert's promise: a model.json, a .tflite or an .onnx turned into
// .garden gives the same outputs as the source model.
//
// For one real fixture of each source format (scripts/make-fixtures):
//   load_model_file(source) -> write_garden -> read_garden, then both models
//   run through a Session (1 thread) on the fixture's input.bin.
//   * source vs .garden: bit-identical outputs. The .garden file stores the
//     optimized graph itself, so both sessions build the same XNNPACK
//     subgraph with the same kernels in the same order; any difference is a
//     format bug, not rounding.
//   * .garden vs the fixture's expected_0.bin, with the tolerance that
//     fixture's own test uses:
//       selfie .tflite (vs TF.js):      max|diff| <= 1e-2           (tflite_importer_test)
//       nsfwjs model.json (vs TF.js):   max|diff| <= 1e-3           (tfjs_model_test)
//       DeepLab uint8 model.json:       max|diff| <= 1e-4 * max|ref| (tfjs_model_test)
//       PP-OCRv4 det .onnx (vs ORT):    max|diff| <= 1e-4 * max|ref| (parity_test)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/session.h"
#include "support/fixtures.h"

namespace {

const std::string kFixtureDir = GARDEN_FIXTURE_DIR;

using garden_test::read_f32;

std::vector<float> run_once(const garden::Model& model, const std::vector<float>& input) {
  garden::Session session(model, {1, false});
  REQUIRE(session.input_count() == 1);
  REQUIRE(garden::element_count(session.input(0).shape) == static_cast<int64_t>(input.size()));
  std::copy(input.begin(), input.end(), session.input(0).data);
  session.run();
  const garden::TensorView out = session.output(0);
  return std::vector<float>(out.data, out.data + garden::element_count(out.shape));
}

struct SourceCase {
  const char* fixture;
  const char* file;
  int64_t input_height, input_width;  // 0 = as the model declares
  double absolute_tolerance;          // used when relative_tolerance is 0
  double relative_tolerance;          // times max|expected|
};

// max|a - b| and max|b|; NaN anywhere counts as infinitely far.
std::pair<double, double> max_diff_and_ref(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, ref = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const double d = std::fabs(double(a[i]) - b[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
    ref = std::max(ref, std::fabs(double(b[i])));
  }
  return {diff, ref};
}

void check_conversion(const SourceCase& c) {
  const std::string dir = kFixtureDir + "/" + c.fixture;
  const std::vector<float> input = read_f32(dir + "/input.bin");
  const std::vector<float> expected = read_f32(dir + "/expected_0.bin");
  garden::LoadOptions options;
  options.input_height = c.input_height;
  options.input_width = c.input_width;

  const garden::Model source = garden::load_model_file(dir + "/" + c.file, options);
  const std::vector<uint8_t> bytes = garden::write_garden(source.graph);
  const garden::Model converted{garden::read_garden(bytes.data(), bytes.size())};

  const std::vector<float> from_source = run_once(source, input);
  const std::vector<float> from_garden = run_once(converted, input);
  REQUIRE(from_garden.size() == from_source.size());
  REQUIRE(from_garden.size() == expected.size());
  CHECK(std::memcmp(from_garden.data(), from_source.data(), from_garden.size() * sizeof(float)) == 0);

  const auto [diff, ref] = max_diff_and_ref(from_garden, expected);
  const double tolerance = c.relative_tolerance > 0 ? c.relative_tolerance * ref : c.absolute_tolerance;
  std::cout << "convert " << c.fixture << "/" << c.file << ": " << bytes.size()
            << " .garden bytes, source == .garden bit-identical: "
            << (from_garden == from_source ? "yes" : "no") << ", max|.garden - expected| = " << diff
            << " (tolerance " << tolerance << ")" << std::endl;
  CHECK(ref > 0);
  CHECK(diff <= tolerance);
}

}  // namespace

TEST_CASE("garden-convert: .tflite -> .garden gives the same outputs", "[convert][tflite]") {
  check_conversion({"selfie_tflite", "model.tflite", 0, 0, 1e-2, 0});
}

TEST_CASE("garden-convert: TF.js model.json (uint8 MobileNetV2) -> .garden gives the same outputs",
          "[convert][tfjs]") {
  check_conversion({"nsfwjs_mobilenet_v2", "model.json", 0, 0, 1e-3, 0});
}

TEST_CASE("garden-convert: TF.js model.json (DeepLab, uint8) -> .garden gives the same outputs",
          "[convert][tfjs]") {
  check_conversion({"tfjs_deeplab_mnv2_050_uint8", "model.json", 0, 0, 0, 1e-4});
}

TEST_CASE("garden-convert: .onnx (PP-OCRv4 det, dynamic input) -> .garden gives the same outputs",
          "[convert][onnx]") {
  // Input size from the fixture's meta.json: [1, 3, 320, 640].
  check_conversion({"ppocrv4_det", "model.onnx", 320, 640, 0, 1e-4});
}
