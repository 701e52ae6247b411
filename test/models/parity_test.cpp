// End-to-end parity: every fixture written by scripts/make-fixtures (a model,
// its input, and the reference framework's output) loaded, run through a
// Session with 1 and 2 threads, and compared.
//
// Tolerance: max |garden - reference| <= 1e-4 * max |reference| per fixture.
// A missing fixture fails the test: run scripts/make-fixtures first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <dirent.h>

#include "garden/session.h"
#include "support/fixtures.h"

namespace {

constexpr double kTolerance = 1e-4;

const std::string kFixtureDir = GARDEN_FIXTURE_DIR;

const char* const kModelFixtures[] = {"efficientnet_b0", "deeplabv3_mnv2", "deeplabv3_mnv2_050",
                                      "psenet_r50", "ppocrv4_det", "ppocrv4_rec"};

using garden_test::first_input_shape;
using garden_test::read_f32;
using garden_test::read_text;

std::vector<std::string> op_cases() {
  std::vector<std::string> names;
  DIR* dir = opendir((kFixtureDir + "/ops").c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back("ops/" + name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

struct Result {
  double max_diff = 0, max_ref = 0;
  double ratio() const { return max_ref > 0 ? max_diff / max_ref : max_diff; }
};

Result compare(const float* actual, const std::vector<float>& expected) {
  Result r;
  for (size_t i = 0; i < expected.size(); ++i) {
    const double diff = std::fabs(double(actual[i]) - expected[i]);
    r.max_diff = std::isnan(diff) ? INFINITY : std::max(r.max_diff, diff);
    r.max_ref = std::max(r.max_ref, std::fabs(double(expected[i])));
  }
  return r;
}

void check_fixture(const std::string& name) {
  const std::string dir = kFixtureDir + "/" + name;
  const std::vector<int64_t> shape = first_input_shape(read_text(dir + "/meta.json"));
  garden::LoadOptions load;
  if (shape.size() == 4) {  // NCHW: pins dynamic sizes (PP-OCR) to the reference's
    load.input_height = shape[2];
    load.input_width = shape[3];
  }
  const std::vector<float> input = read_f32(dir + "/input.bin");
  const std::vector<float> expected = read_f32(dir + "/expected_0.bin");
  const garden::Model model = garden::load_model_file(dir + "/model.onnx", load);
  for (int threads : {1, 2}) {
    garden::Session session(model, {threads, false});
    REQUIRE(session.input_count() == 1);
    REQUIRE(garden::element_count(session.input(0).shape) == static_cast<int64_t>(input.size()));
    REQUIRE(garden::element_count(session.output(0).shape) == static_cast<int64_t>(expected.size()));
    std::copy(input.begin(), input.end(), session.input(0).data);
    session.run();
    const Result r = compare(session.output(0).data, expected);
    std::cout << "parity " << name << " threads=" << threads << ": max|diff|/max|ref| = " << r.ratio()
              << " (max|diff| " << r.max_diff << ", max|ref| " << r.max_ref << ", tolerance "
              << kTolerance << ")" << std::endl;
    INFO(name << " threads=" << threads << " ratio " << r.ratio());
    CHECK(r.max_ref > 0);
    CHECK(r.max_diff <= kTolerance * r.max_ref);
  }
}

}  // namespace

TEST_CASE("Model fixtures match their reference framework", "[models]") {
  for (const char* name : kModelFixtures) {
    SECTION(name) { check_fixture(name); }
  }
}

TEST_CASE("Per-op ONNX fixtures match their reference framework", "[models][ops]") {
  const std::vector<std::string> cases = op_cases();
  INFO("fixture dir " << kFixtureDir);
  REQUIRE(!cases.empty());
  for (const std::string& name : cases) {
    SECTION(name) { check_fixture(name); }
  }
}
