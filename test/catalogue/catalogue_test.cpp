// The model catalogue compiled into the runners and the CLI says what
// weights/manifest.json says: every classifier and segmenter preset (input
// size, normalization, labels, output), every label set, every model the CLI
// knows; an unknown name is refused with the known ones listed.
#include <catch2/catch.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue/catalogue.h"
#include "classification/classifier.h"
#include "garden/error.h"
#include "segmentation/segmenter.h"

namespace catalogue = garden::catalogue;
using nlohmann::json;

namespace {

const json& manifest() {
  static const json parsed = [] {
    std::ifstream in(GARDEN_MANIFEST);
    REQUIRE(in.good());
    return json::parse(in);
  }();
  return parsed;
}

// The manifest's named normalization on the [0, 1] scale the runners use.
garden::Normalization manifest_normalization(const std::string& name) {
  const json& entry = manifest()["normalizations"][name];
  const float scale = entry.value("in_pixels", false) ? 255.f : 1.f;
  garden::Normalization normalization;
  for (int c = 0; c < 3; ++c) {
    normalization.mean[c] = entry["mean"][c].get<float>() / scale;
    normalization.std[c] = entry["std"][c].get<float>() / scale;
  }
  return normalization;
}

void check_normalization(const std::optional<garden::Normalization>& actual, const json& preset) {
  if (!preset.contains("normalization")) {
    CHECK_FALSE(actual.has_value());
    return;
  }
  REQUIRE(actual.has_value());
  const garden::Normalization expected = manifest_normalization(preset["normalization"]);
  for (int c = 0; c < 3; ++c) {
    CHECK(actual->mean[c] == expected.mean[c]);
    CHECK(actual->std[c] == expected.std[c]);
  }
  CHECK_FALSE(actual->bgr);
}

std::vector<std::string> manifest_names(const json& entries) {
  std::vector<std::string> names;
  for (const json& entry : entries) names.push_back(entry["name"]);
  return names;
}

// The manifest's presets of `task`, after checking that the catalogue has
// the same ones in the same order.
template <typename Entry>
const json& presets_of(const std::string& task, const std::vector<Entry>& compiled) {
  const json& presets = manifest()["presets"][task];
  std::vector<std::string> names;
  for (const Entry& entry : compiled) names.push_back(entry.name);
  CHECK(names == manifest_names(presets));
  return presets;
}

// The message of the error `call` throws; it must be kInvalidArgument.
template <typename Call>
std::string invalid_argument_message(Call call) {
  try {
    call();
  } catch (const garden::Error& error) {
    CHECK(error.code() == garden::ErrorCode::kInvalidArgument);
    return error.what();
  }
  FAIL("no error");
  return "";
}

}  // namespace

TEST_CASE("every label set of the manifest has its names and colors", "[catalogue]") {
  for (const auto& [name, set] : manifest()["label_sets"].items()) {
    INFO(name);
    const std::vector<garden::labels::ColoredLabel> labels = catalogue::label_set(name);
    if (set.contains("count")) CHECK(labels.size() == set["count"].get<size_t>());
    if (set.contains("names")) {
      REQUIRE(labels.size() == set["names"].size());
      for (size_t i = 0; i < labels.size(); ++i) CHECK(labels[i].name == set["names"][i].get<std::string>());
    }
    if (set.contains("colors") && set["colors"].is_array())
      for (size_t i = 0; i < labels.size(); ++i)
        CHECK(labels[i].color == set["colors"][i].get<std::array<uint8_t, 3>>());
  }
  CHECK_THROWS_AS(catalogue::label_set("coco"), garden::Error);
}

TEST_CASE("the classifier presets are the manifest's", "[catalogue]") {
  for (const json& preset : presets_of("classification", catalogue::classifier_presets())) {
    const std::string name = preset["name"];
    INFO(name);
    CHECK(garden::classification::preset_input_size(name) == preset["input_size"].get<int>());
    const garden::classification::ClassifierOptions options = garden::classification::preset(name);
    check_normalization(options.normalization, preset);
    CHECK(options.preset_labels == catalogue::label_names(preset["labels"]));
    CHECK(options.label_offset == preset.value("label_offset", 0));
    CHECK(options.output_is_logits == (preset.value("output", "logits") != "probabilities"));
  }
}

TEST_CASE("the segmenter presets are the manifest's", "[catalogue]") {
  for (const json& preset : presets_of("segmentation", catalogue::segmenter_presets())) {
    const std::string name = preset["name"];
    INFO(name);
    const garden::segmentation::SegmenterOptions options = garden::segmentation::preset(name);
    check_normalization(options.normalization, preset);
    CHECK(options.fit == (preset["fit"] == "stretch" ? garden::Fit::kStretch : garden::Fit::kKeepAspect));
    CHECK(options.labels == catalogue::label_names(preset["labels"]));
    REQUIRE(options.colormap.size() == options.labels.size());
    if (preset["colormap"] == "pascal-voc") {
      CHECK(options.colormap == garden::segmentation::pascal_colormap(static_cast<int>(options.labels.size())));
    } else {
      const std::vector<garden::labels::ColoredLabel> labels = catalogue::label_set(preset["labels"]);
      for (size_t i = 0; i < labels.size(); ++i) CHECK(options.colormap[i] == labels[i].color);
    }
    CHECK(options.binary_soft_mask == (preset.value("output", "") == "person-probability"));
  }
}

TEST_CASE("the CLI knows the models the manifest marks cli, with their fixture, preset and default",
          "[catalogue]") {
  std::vector<json> expected;
  for (const json& model : manifest()["models"])
    if (model.contains("cli")) expected.push_back(model);
  const std::vector<catalogue::KnownModel>& known = catalogue::known_models();
  REQUIRE(known.size() == expected.size());
  const std::vector<std::pair<catalogue::Task, std::string>> tasks = {
      {catalogue::Task::kClassification, "classification"},
      {catalogue::Task::kSegmentation, "segmentation"},
      {catalogue::Task::kTextDetection, "text_detection"},
      {catalogue::Task::kTextRecognition, "text_recognition"}};
  for (size_t i = 0; i < known.size(); ++i) {
    INFO(known[i].name);
    CHECK(known[i].name == expected[i]["name"].get<std::string>());
    CHECK(known[i].fixture == expected[i]["fixture"].get<std::string>());
    CHECK(known[i].preset == expected[i]["preset"].get<std::string>());
    CHECK(known[i].is_default == (expected[i]["cli"] == "default"));
    for (const auto& [task, task_name] : tasks)
      if (known[i].task == task) CHECK(expected[i]["task"] == task_name);
  }
  for (const auto& [task, task_name] : tasks) {
    INFO(task_name);
    const catalogue::KnownModel& fallback = catalogue::default_model(task);
    CHECK(fallback.task == task);
    CHECK(fallback.is_default);
  }
}

TEST_CASE("an unknown preset is refused with every known name", "[catalogue]") {
  const std::string classifier_error =
      invalid_argument_message([] { garden::classification::preset("resnet-50"); });
  CHECK(classifier_error.find("'resnet-50'") != std::string::npos);
  for (const std::string& name : manifest_names(manifest()["presets"]["classification"]))
    CHECK(classifier_error.find(name) != std::string::npos);
  CHECK(invalid_argument_message([] { garden::classification::preset_input_size("resnet-50"); }) ==
        classifier_error);

  const std::string segmenter_error = invalid_argument_message([] { garden::segmentation::preset("coco"); });
  std::string known;
  for (const std::string& name : manifest_names(manifest()["presets"]["segmentation"]))
    known += (known.empty() ? "" : ", ") + name;
  CHECK(segmenter_error == "segmenter: unknown base 'coco'; known: " + known);
}
