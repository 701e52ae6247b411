// The `garden` command line on real images: PP-OCRv4 on a scanned page and
// on a street-sign photo (boxes checked with the ICDAR 2015 metric against
// hand-drawn ground truth), and its one-line errors.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "icdar_eval.h"
#include "image_io.h"
#include "support/fixtures.h"

using nlohmann::json;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `TOOL ARGS` (default: garden) with stdout and stderr captured in files.
Run run_garden(const std::string& args, const char* tool = GARDEN_CLI) {
  const std::string command =
      std::string("'") + tool + "' " + args + " > cli_stdout.txt 2> cli_stderr.txt";
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = garden_test::read_text("cli_stdout.txt");
  run.err = garden_test::read_text("cli_stderr.txt");
  return run;
}

// A run that must succeed: its stdout as JSON.
json run_json(const std::string& args) {
  const Run run = run_garden(args);
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  return json::parse(run.out);
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

void require_file(const char* path) {
  if (!garden_test::file_exists(path)) FAIL("missing " << path << " (run scripts/make-fixtures)");
}

// A failed run: exit 1, nothing on stdout, one line "garden: CODE: message".
void check_one_line_error(const Run& run, const std::string& code) {
  INFO("stderr: " << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.empty());
  CHECK(std::regex_match(run.err, std::regex("garden: " + code + ": [^\n]+\n")));
}

std::vector<garden::eval::Polygon> polygons_of(const json& boxes) {
  std::vector<garden::eval::Polygon> polygons;
  for (const json& box : boxes) {
    garden::eval::Polygon polygon;
    for (const json& point : box) polygon.push_back({point.at("x").get<double>(), point.at("y").get<double>()});
    polygons.push_back(polygon);
  }
  return polygons;
}

garden::eval::GroundTruth rectangle(double x0, double y0, double x1, double y1) {
  return {{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, false};
}

}  // namespace

TEST_CASE("garden detect finds the 7 lines of the scanned page", "[cli]") {
  require_file(GARDEN_PAGE_PNG);
  const json boxes = run_json("detect " + quoted(GARDEN_PAGE_PNG) + " --threads 2");
  REQUIRE(boxes.is_array());
  CHECK(boxes.size() == 7);
  for (const json& box : boxes) {
    REQUIRE(box.size() == 4);
    for (const json& point : box) {
      CHECK(point.at("x").get<double>() >= 0);
      CHECK(point.at("x").get<double>() <= 383);
      CHECK(point.at("y").get<double>() >= 0);
      CHECK(point.at("y").get<double>() <= 190);
    }
  }
}

TEST_CASE("garden detect boxes the five lines of the street sign and draws them", "[cli]") {
  require_file(GARDEN_SCENETEXT_JPG);
  std::remove("boxes.png");
  const std::vector<garden::eval::Polygon> detections =
      polygons_of(run_json("detect " + quoted(GARDEN_SCENETEXT_JPG) + " --threads 2 --out boxes.png"));

  // The sign's lines, drawn by hand around the letters (image pixels).
  const std::vector<garden::eval::GroundTruth> sign = {
      rectangle(280, 41, 425, 74),   // NOTICE
      rectangle(280, 89, 420, 120),  // DOUBLE
      rectangle(280, 130, 422, 161), // PARKING
      rectangle(277, 172, 422, 206), // PROHIBITED
      rectangle(287, 216, 404, 249), // AT ALL TIMES
  };
  const garden::eval::ImageEvaluation result = garden::eval::evaluate_image(sign, detections);
  INFO("detections: " << detections.size());
  CHECK(result.counts.matched == 5);
  CHECK(result.scores.recall == 1.0);

  // The overlay: the photo, with red outlines where the boxes are.
  const garden::tools::RgbaImage photo = garden::tools::read_image(GARDEN_SCENETEXT_JPG);
  const garden::tools::RgbaImage overlay = garden::tools::read_image("boxes.png");
  REQUIRE(overlay.width == 800);
  REQUIRE(overlay.height == 600);
  const garden::eval::Polygon& notice = detections[static_cast<size_t>(result.matches[0].second)];
  const int x = static_cast<int>((notice[0].x + notice[1].x) / 2), y = static_cast<int>(notice[0].y + 0.5);
  const uint8_t* edge = &overlay.rgba[(static_cast<size_t>(y) * 800 + x) * 4];
  CHECK(int{edge[0]} == 255);
  CHECK(int{edge[1]} == 0);
  CHECK(int{edge[2]} == 0);
  // Away from every box the pixels are the photo's own (tree at top right).
  CHECK(std::equal(photo.rgba.begin() + (50 * 800 + 700) * 4, photo.rgba.begin() + (50 * 800 + 701) * 4,
                   overlay.rgba.begin() + (50 * 800 + 700) * 4));
}

TEST_CASE("garden ocr reads the street sign's words, in reading order", "[cli]") {
  require_file(GARDEN_SCENETEXT_JPG);
  const json lines = run_json("ocr " + quoted(GARDEN_SCENETEXT_JPG) + " --threads 2");
  INFO(lines.dump());
  // The sign's five lines come first, top to bottom (the photo's other text,
  // small and blurred, may follow); AT ALL TIMES loses a space (measured:
  // "AT ALLTIMES").
  REQUIRE(lines.size() >= 5);
  const std::vector<std::string> sign = {"NOTICE", "DOUBLE", "PARKING", "PROHIBITED"};
  for (size_t i = 0; i < sign.size(); ++i) {
    CHECK(lines[i].at("text").get<std::string>() == sign[i]);
    CHECK(lines[i].at("score").get<double>() >= 0.9);
    REQUIRE(lines[i].at("box").size() == 4);
  }
  std::string last = lines[4].at("text").get<std::string>();
  last.erase(std::remove(last.begin(), last.end(), ' '), last.end());
  CHECK(last == "ATALLTIMES");
}

// The sign turned upside down: without --direction its words are lost; with
// it, PP-OCR's direction classifier turns each line back and the sign reads
// as upright (its lines now bottom to top: the last is on top).
TEST_CASE("garden ocr --direction reads the street sign turned upside down", "[cli]") {
  require_file(GARDEN_SCENETEXT_JPG);
  garden::tools::RgbaImage photo = garden::tools::read_image(GARDEN_SCENETEXT_JPG);
  const size_t pixels = photo.rgba.size() / 4;
  for (size_t front = 0, back = pixels - 1; front < back; ++front, --back)
    std::swap_ranges(photo.rgba.begin() + front * 4, photo.rgba.begin() + front * 4 + 4, photo.rgba.begin() + back * 4);
  garden::tools::write_png("scenetext_upside_down.png", photo);
  const auto texts = [](const json& lines) {
    std::vector<std::string> read;
    for (const json& line : lines) read.push_back(line.at("text").get<std::string>());
    return read;
  };
  const std::vector<std::string> plain = texts(run_json("ocr scenetext_upside_down.png --threads 2"));
  const std::vector<std::string> turned = texts(run_json("ocr scenetext_upside_down.png --threads 2 --direction"));
  INFO("without --direction: " << json(plain).dump() << "; with: " << json(turned).dump());
  for (const std::string word : {"NOTICE", "DOUBLE", "PARKING", "PROHIBITED"}) {
    CHECK(std::find(plain.begin(), plain.end(), word) == plain.end());
    CHECK(std::find(turned.begin(), turned.end(), word) != turned.end());
  }
  const auto position = [&](const std::string& word) { return std::find(turned.begin(), turned.end(), word) - turned.begin(); };
  CHECK(position("PROHIBITED") < position("PARKING"));
  CHECK(position("DOUBLE") < position("NOTICE"));
}

TEST_CASE("garden ocr: a missing dictionary, an unknown recognizer or a bad width is one error line", "[cli]") {
  require_file(GARDEN_PAGE_PNG);
  const std::string page = quoted(GARDEN_PAGE_PNG);
  check_one_line_error(run_garden("ocr " + page + " --dictionary does_not_exist.txt"), "IO");
  check_one_line_error(run_garden("ocr " + page + " --model no-such-recognizer"), "INVALID_ARGUMENT");
  std::ofstream("empty_dict.txt").close();
  check_one_line_error(run_garden("ocr " + page + " --dictionary empty_dict.txt"), "INVALID_ARGUMENT");
  // Below 320, and not a multiple of 32.
  check_one_line_error(run_garden("ocr " + page + " --recognizer-width 100"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("ocr " + page + " --recognizer-width 1000"), "INVALID_ARGUMENT");
}

TEST_CASE("garden classify and segment print tfjs-models' shapes", "[cli]") {
  require_file(GARDEN_PAGE_PNG);
  const json top = run_json("classify " + quoted(GARDEN_PAGE_PNG) + " --topk 4");
  REQUIRE(top.size() == 4);
  for (size_t i = 0; i < top.size(); ++i) {
    CHECK(top[i].at("className").is_string());
    if (i > 0) CHECK(top[i - 1].at("probability").get<double>() >= top[i].at("probability").get<double>());
  }

  std::remove("segments.png");
  const json result = run_json("segment " + quoted(GARDEN_PAGE_PNG) +
                               " --model deeplabv3-mobilenetv2-050 --threads 2 --out segments.png");
  CHECK(result.at("width") == 384);
  CHECK(result.at("height") == 191);
  REQUIRE(result.at("legend").is_object());
  CHECK_FALSE(result.at("legend").empty());
  for (const auto& entry : result.at("legend").items()) CHECK(entry.value().size() == 3);
  const garden::tools::RgbaImage overlay = garden::tools::read_image("segments.png");
  CHECK(overlay.width == 384);
  CHECK(overlay.height == 191);
}

TEST_CASE("garden: bad input ends in one error line and exit 1", "[cli]") {
  std::ofstream("empty.png").close();
  check_one_line_error(run_garden("detect empty.png"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("classify does_not_exist.png"), "IO");

  require_file(GARDEN_PAGE_PNG);
  const std::string page = quoted(GARDEN_PAGE_PNG);
  check_one_line_error(run_garden("classify " + page + " --model no-such-model"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("classify " + page + " --topk 0"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("classify " + page + " --topk 1001"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("segment " + page + " --preset coco"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("detect " + page + " --input-size 64"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("translate " + page), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("detect"), "INVALID_ARGUMENT");

  // A PNG cut short is refused, not half-read.
  const std::string bytes = garden_test::read_text(GARDEN_PAGE_PNG);
  std::ofstream("truncated.png", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  check_one_line_error(run_garden("detect truncated.png"), "INVALID_ARGUMENT");
}

// nsfwjs' pooled features beside its probabilities, from one run.
TEST_CASE("garden-run --extra-output writes an internal tensor after the outputs", "[cli]") {
  const std::string model = quoted(garden_test::fixture_path("nsfwjs_mobilenet_v2/model.json"));
  const std::string features =
      "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/"
      "StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze";
  std::remove("outputs.f32");
  const Run run = run_garden(model + " --runs 1 --extra-output " + quoted(features) + " --output outputs.f32", GARDEN_RUN);
  INFO("stderr: " << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.find("output 1 '" + features + "' [1,1792]") != std::string::npos);
  const std::string bytes = garden_test::read_text("outputs.f32");
  REQUIRE(bytes.size() == (5 + 1792) * sizeof(float));
  std::vector<float> values(5 + 1792);
  std::memcpy(values.data(), bytes.data(), bytes.size());
  float probability_sum = 0.f;
  for (size_t k = 0; k < 5; ++k) probability_sum += values[k];
  CHECK(probability_sum == Approx(1.f).margin(1e-5));
  // After a ReLU6 and a mean: in [0, 6], and not all zero.
  CHECK(*std::min_element(values.begin() + 5, values.end()) >= 0.f);
  CHECK(*std::max_element(values.begin() + 5, values.end()) <= 6.f);
  CHECK(*std::max_element(values.begin() + 5, values.end()) > 0.f);

  const Run unknown = run_garden(model + " --runs 1 --extra-output no/such/tensor", GARDEN_RUN);
  CHECK(unknown.exit_code == 1);
  CHECK(std::regex_match(unknown.err, std::regex("garden-run: INVALID_ARGUMENT: extra output 'no/such/tensor' [^\n]+\n")));
}

// --check: a model the runtime runs gets its graph ops; one it cannot gets
// every missing op at once, one line each: here Erf and Lgamma on the input,
// and Digamma behind a Relu that reads Erf's result (skipped, since it would
// run, while the unknown Digamma is still named).
TEST_CASE("garden-run --check lists the graph ops, or every op the runtime lacks", "[cli]") {
  const Run runs = run_garden(quoted(garden_test::fixture_path("tfjs_npm/iris/iris.json")) + " --check", GARDEN_RUN);
  INFO("stderr: " << runs.err);
  REQUIRE(runs.exit_code == 0);
  CHECK(runs.out.find("the runtime runs it") != std::string::npos);
  CHECK(runs.out.find("PRelu x53") != std::string::npos);
  CHECK(runs.out.find("first run") == std::string::npos);  // checked, not run

  std::ofstream("check_model.json")
      << R"({"format": "graph-model", "modelTopology": {"node": [)"
      << R"({"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [{"size": "1"}, {"size": "4"}]}}}},)"
      << R"({"name": "a", "op": "Erf", "input": ["x"]}, {"name": "b", "op": "Lgamma", "input": ["x"]},)"
      << R"({"name": "c", "op": "Relu", "input": ["a"]}, {"name": "d", "op": "Digamma", "input": ["c"]},)"
      << R"({"name": "y", "op": "AddV2", "input": ["b", "d"]}]}, "weightsManifest": []})";
  const Run refused = run_garden("check_model.json --check", GARDEN_RUN);
  CHECK(refused.exit_code == 1);
  INFO("stderr: " << refused.err);
  CHECK(refused.err.rfind("garden-run: UNSUPPORTED_OP: ", 0) == 0);
  for (const char* op : {"'Erf' (node 'a')", "'Lgamma' (node 'b')", "'Digamma' (node 'd')"})
    CHECK(refused.err.find(op) != std::string::npos);
  CHECK(refused.err.find("Relu") == std::string::npos);
  CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 3);
}

TEST_CASE("garden eval scores detections with the ICDAR 2015 metric", "[cli]") {
  // Two cared lines and a don't-care region; one detection matches the first
  // line, one lies inside the don't-care region (ignored), one matches nothing:
  // 1 matched of 2 cared detections and of 2 cared ground truths.
  std::ofstream("eval_gt.txt") << "\xEF\xBB\xBF" "10,10,110,10,110,30,10,30,first\r\n"
                               << "10,50,110,50,110,70,10,70,second\n"
                               << "200,10,300,10,300,30,200,30,###\n";
  std::ofstream("eval_det.txt") << "12,11,108,11,108,31,12,31\n"
                                << "205,12,295,12,295,28,205,28\n"
                                << "400,400,450,400,450,420,400,420\n";
  const json scores = run_json("eval eval_gt.txt eval_det.txt");
  CHECK(scores.at("matched").get<int>() == 1);
  CHECK(scores.at("groundTruths").get<int>() == 2);
  CHECK(scores.at("detections").get<int>() == 2);
  CHECK(scores.at("precision").get<double>() == Approx(0.5).margin(1e-6));
  CHECK(scores.at("recall").get<double>() == Approx(0.5).margin(1e-6));
  CHECK(scores.at("hmean").get<double>() == Approx(0.5).margin(1e-6));

  std::ofstream("eval_bad.txt") << "10,10,110,10,110\n";
  check_one_line_error(run_garden("eval eval_gt.txt eval_bad.txt"), "INVALID_ARGUMENT");
  check_one_line_error(run_garden("eval eval_gt.txt no_such_file.txt"), "IO");
  check_one_line_error(run_garden("eval eval_gt.txt"), "INVALID_ARGUMENT");
}
