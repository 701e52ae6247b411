// ONNX's own backend node tests as a conformance suite. Every case in scope
// (see onnx_node_cases.py) either matches ONNX's reference output or is
// refused with a typed garden::Error; a wrong answer fails. The cases refused
// today are listed in onnx_node_refused.txt, so an op that starts (or stops)
// being supported shows up as a change to that file.
//
// Tolerance: max |ours - reference| <= 1e-4 * max(1, max |reference|), with
// NaN where the reference has NaN and the same infinities.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/model.h"
#include "garden/session.h"
#include "support/fixtures.h"

namespace {

enum class Outcome { kPassed, kRefused, kWrong };

struct CaseResult {
  Outcome outcome;
  std::string detail;  // the refusal or what was wrong
};

garden::Shape parse_shape(const std::string& line) {
  std::istringstream stream(line);
  garden::Shape shape;
  for (int64_t d; stream >> d;) shape.push_back(d);
  return shape;
}

std::string shape_text(const garden::Shape& shape) {
  std::string text;
  for (int64_t d : shape) text += (text.empty() ? "" : " ") + std::to_string(d);
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// Names listed in the refusals file: the first word of each line that is not
// blank or a comment.
std::set<std::string> listed_names(const std::string& text) {
  std::set<std::string> names;
  for (const std::string& line : lines_of(text)) {
    std::istringstream stream(line);
    std::string name;
    if (stream >> name && name[0] != '#') names.insert(name);
  }
  return names;
}

bool same_non_finite(float ours, float reference) {
  if (std::isnan(reference)) return std::isnan(ours);
  return ours == reference;  // both the same infinity
}

// Empty if `ours` matches `reference` within the tolerance, else what differs.
std::string compare(const std::vector<float>& ours, const std::vector<float>& reference) {
  float scale = 1.f;
  for (float r : reference)
    if (std::isfinite(r)) scale = std::max(scale, std::fabs(r));
  float worst = 0.f;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (!std::isfinite(reference[i]) || !std::isfinite(ours[i])) {
      if (!same_non_finite(ours[i], reference[i]))
        return "element " + std::to_string(i) + " is " + std::to_string(ours[i]) + ", reference " +
               std::to_string(reference[i]);
      continue;
    }
    worst = std::max(worst, std::fabs(ours[i] - reference[i]));
  }
  if (worst <= 1e-4f * scale) return "";
  return "max |diff| " + std::to_string(worst) + " over max |reference| " + std::to_string(scale);
}

CaseResult run_case(const std::string& dir) {
  const std::vector<std::string> shapes = lines_of(garden_test::read_text(dir + "/shapes.txt"));
  REQUIRE(shapes.size() == 2);
  const std::vector<float> input = garden_test::read_f32(dir + "/input.bin");
  const std::vector<float> expected = garden_test::read_f32(dir + "/expected.bin");
  std::vector<float> output;
  garden::Shape output_shape;
  try {
    garden::Session session(garden::load_model_file(dir + "/model.onnx"));
    if (session.input_count() != 1 || session.output_count() != 1)
      return {Outcome::kWrong, "the model should have one input and one output"};
    garden::TensorView in = session.input(0);
    if (in.shape != parse_shape(shapes[0])) return {Outcome::kWrong, "input shape differs"};
    std::copy(input.begin(), input.end(), in.data);
    session.run();
    const garden::TensorView out = session.output(0);
    output_shape = out.shape;
    output.assign(out.data, out.data + garden::element_count(out.shape));
  } catch (const garden::Error& error) {
    return {Outcome::kRefused, std::string(garden::error_code_name(error.code())) + ": " + error.what()};
  }
  if (output_shape != parse_shape(shapes[1]) || output.size() != expected.size())
    return {Outcome::kWrong, "output shape [" + shape_text(output_shape) + "], reference [" + shapes[1] + "]"};
  const std::string difference = compare(output, expected);
  if (!difference.empty()) return {Outcome::kWrong, difference};
  return {Outcome::kPassed, ""};
}

// `text` without any occurrence of `part` (the cases' folder in messages).
std::string without(std::string text, const std::string& part) {
  for (size_t at; (at = text.find(part)) != std::string::npos;) text.erase(at, part.size());
  return text;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += "\n  " + name;
  return text;
}

}  // namespace

TEST_CASE("ONNX node tests: each passes or is refused as listed", "[conformance][onnx]") {
  const std::string cases_dir = GARDEN_ONNX_NODE_CASES;
  const std::vector<std::string> cases = lines_of(garden_test::read_text(cases_dir + "/cases.txt"));
  REQUIRE(cases.size() > 300);  // the whole of Debian's libonnx-testdata in scope
  const std::set<std::string> expected_refusals = listed_names(garden_test::read_text(GARDEN_ONNX_NODE_REFUSED));

  std::vector<std::string> wrong, newly_refused, newly_passing;
  std::ostringstream refusals;  // what the refusals file would be today
  refusals << "# ONNX node tests refused today (written by onnx_node_test)\n";
  size_t passed = 0, refused = 0;
  for (const std::string& name : cases) {
    const CaseResult result = run_case(cases_dir + "/" + name);
    const bool listed = expected_refusals.count(name) > 0;
    switch (result.outcome) {
      case Outcome::kPassed:
        ++passed;
        if (listed) newly_passing.push_back(name);
        break;
      case Outcome::kRefused:
        ++refused;
        refusals << name << "  # " << without(result.detail, cases_dir + "/") << "\n";
        if (!listed) newly_refused.push_back(name + ": " + result.detail);
        break;
      case Outcome::kWrong:
        wrong.push_back(name + ": " + result.detail);
        break;
    }
  }
  std::ofstream("onnx_node_refused.txt") << refusals.str();
  std::cout << "ONNX node tests: " << cases.size() << " in scope, " << passed << " pass, " << refused
            << " refused, " << wrong.size() << " wrong\n";

  INFO("today's refusals are in onnx_node_refused.txt of the test's build folder; copy it over "
       "test/conformance/onnx_node_refused.txt when a change is intended");
  {
    INFO("wrong answers:" << joined(wrong));
    CHECK(wrong.empty());
  }
  {
    INFO("refused but not listed:" << joined(newly_refused));
    CHECK(newly_refused.empty());
  }
  {
    INFO("listed as refused but passing:" << joined(newly_passing));
    CHECK(newly_passing.empty());
  }
}
