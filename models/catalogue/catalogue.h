// The model catalogue: what weights/manifest.json says about the runners'
// presets, the label sets and the models the CLI runs by name, compiled in.
// The tables are generated from the manifest at build time
// (generate_catalogue.mjs), so a model fact is written in one place only.
//
//   const catalogue::ClassifierPreset* b3 = catalogue::find(catalogue::classifier_presets(), "efficientnet-b3");
//   b3->input_size   // 300
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "garden/image.h"
#include "labels/labels.h"

namespace garden {
namespace catalogue {

enum class Task { kClassification, kSegmentation, kTextDetection, kTextRecognition, kTextDirection };

// How a classifier family is fed and read ("presets.classification").
struct ClassifierPreset {
  const char* name;
  int input_size;              // the square side the family was trained at
  std::optional<Normalization> normalization;  // always set
  const char* labels;          // a label set (label_set)
  int label_offset;            // index of the first real class (1: class 0 is "background")
  bool output_is_logits;       // false: the graph ends in a softmax
  const char* embedding_output;  // the tensor embed() returns; "": the classification head's input
};

// Where a segmenter's class colors come from.
enum class Colormap {
  kPascalVoc,    // Pascal VOC's bit-shift colormap, by class index
  kLabelColors,  // the label set's own colors
};

// How a segmenter is fed and read ("presets.segmentation").
struct SegmenterPreset {
  const char* name;
  std::optional<Normalization> normalization;  // unset: the model's own, else the runner's
  Fit fit;
  const char* labels;      // a label set (label_set)
  Colormap colormap;
  bool binary_soft_mask;   // one person-probability channel (selfie)
};

// A model the CLI runs by name, from the file scripts/make-fixtures writes.
struct KnownModel {
  const char* name;
  Task task;
  const char* fixture;  // under the fixture directory
  const char* preset;   // classifier preset, segmenter preset, db|pse, or ctc
  bool is_default;      // the task's model when none is named
  int input_height;     // the manifest's input_size, 0 for none (for a text
  int input_width;      // recognizer: 48 and its widest width bucket)
};

const std::vector<ClassifierPreset>& classifier_presets();
const std::vector<SegmenterPreset>& segmenter_presets();
const std::vector<KnownModel>& known_models();
// The known model `task` runs when none is named.
const KnownModel& default_model(Task task);

// A label set by name: compiled in from models/labels/, or listed in the
// manifest. Sets without colors come back black. Unknown: Error(kInvalidArgument).
std::vector<labels::ColoredLabel> label_set(const std::string& name);
// The class names of a label set.
std::vector<std::string> label_names(const std::string& name);
// Names with their colors, black where `colors` runs out.
std::vector<labels::ColoredLabel> with_colors(const std::vector<std::string>& names,
                                              const std::vector<std::array<uint8_t, 3>>& colors);

// The entry of `entries` named `name`, or nullptr.
template <typename Entry>
const Entry* find(const std::vector<Entry>& entries, const std::string& name) {
  for (const Entry& entry : entries)
    if (name == entry.name) return &entry;
  return nullptr;
}

// "a, b, c": the names of `entries`, for error messages.
template <typename Entry>
std::string names_of(const std::vector<Entry>& entries) {
  std::string names;
  for (const Entry& entry : entries) names += (names.empty() ? "" : ", ") + std::string(entry.name);
  return names;
}

}  // namespace catalogue
}  // namespace garden
