// The classification runner (see classifier.h).
#include "classification/classifier.h"

#include <algorithm>
#include <string>
#include <utility>

#include "catalogue/catalogue.h"
#include "garden/error.h"

namespace garden {
namespace classification {
namespace {

// The family's preset in the model catalogue (weights/manifest.json).
const catalogue::ClassifierPreset& find_family(const std::string& name) {
  const catalogue::ClassifierPreset* family = catalogue::find(catalogue::classifier_presets(), name);
  require(family != nullptr, ErrorCode::kInvalidArgument,
          "classifier: unknown model '" + name + "'; known: " +
              catalogue::names_of(catalogue::classifier_presets()));
  return *family;
}

constexpr runner::Task kTask = {"classifier", "classification"};

// The caller's labels, else the model's, else the preset's; labels naming
// the background class too lose their first label_offset entries.
std::vector<std::string> choose_labels(const ClassifierOptions& options, const ModelInfo& info, int64_t outputs) {
  std::vector<std::string> labels = runner::choose_labels(options.labels, info);
  if (labels.empty()) labels = options.preset_labels;
  if (options.label_offset > 0 && static_cast<int64_t>(labels.size()) == outputs)
    labels.erase(labels.begin(), labels.begin() + options.label_offset);
  return labels;
}

}  // namespace

int preset_input_size(const std::string& model_name) { return find_family(model_name).input_size; }

ClassifierOptions preset(const std::string& model_name) {
  const catalogue::ClassifierPreset& family = find_family(model_name);
  ClassifierOptions options;
  options.normalization = family.normalization;
  options.preset_labels = catalogue::label_names(family.labels);
  options.label_offset = family.label_offset;
  options.output_is_logits = family.output_is_logits;
  options.embedding_output = family.embedding_output;
  return options;
}

runner::RunnerOptions Classifier::with_embedding(const ClassifierOptions& options, const Graph& graph) {
  runner::RunnerOptions runner_options = options;
  std::string name = options.embedding_output;
  if (name.empty()) {
    const TensorId head_input = runner::classification_head_input(graph);
    if (head_input >= 0) name = graph.tensor(head_input).name;
  }
  if (!name.empty()) runner_options.session.extra_outputs.push_back(name);
  return runner_options;
}

Classifier::Classifier(runner::ModelRef model, const ClassifierOptions& options)
    : apply_softmax_(options.output_is_logits && !runner::ends_in_softmax(model.graph())),
      runner_(model, kTask, with_embedding(options, model.graph()), imagenet_normalization()),
      options_(options) {
  const TensorView output = runner_.output();
  const int64_t outputs = element_count(output.shape);
  require(options_.label_offset >= 0 && outputs > options_.label_offset, ErrorCode::kUnsupportedModel,
          "classifier: output " + runner::shape_string(output.shape) + " has no class after label_offset " +
              std::to_string(options_.label_offset));
  options_.labels = choose_labels(options, runner_.info(), outputs);
  probabilities_.resize(static_cast<size_t>(outputs - options_.label_offset));
  if (runner_.output_count() > 1) embedding_.resize(static_cast<size_t>(element_count(runner_.output(1).shape)));
}

const std::vector<float>& Classifier::embed(const ImageView& image) {
  require(!embedding_.empty(), ErrorCode::kUnsupportedModel,
          "classifier: the model has no classification head (a FullyConnected layer) whose features to return: "
          "name the tensor with embedding_output");
  runner_.run(image, options_.fit);
  const float* features = runner_.output(1).data;
  std::copy(features, features + embedding_.size(), embedding_.begin());
  return embedding_;
}

std::vector<Prediction> Classifier::classify(const ImageView& image, int top_k) {
  const int classes = static_cast<int>(probabilities_.size());
  require(top_k >= 1 && top_k <= classes, ErrorCode::kInvalidArgument,
          "classifier: top_k must be in [1, " + std::to_string(classes) + "], got " +
              std::to_string(top_k));
  runner_.run(image, options_.fit);

  // The background class of 1001-way models is dropped before the softmax,
  // as tfjs-models' MobileNet does.
  const float* scores = runner_.output_data() + options_.label_offset;
  if (apply_softmax_)
    softmax(scores, probabilities_.size(), probabilities_.data());
  else
    std::copy(scores, scores + probabilities_.size(), probabilities_.begin());

  std::vector<Prediction> predictions;
  for (const ScoredIndex& best : garden::top_k(probabilities_.data(), probabilities_.size(),
                                               static_cast<size_t>(top_k))) {
    const size_t index = static_cast<size_t>(best.index);
    std::string name = index < options_.labels.size() ? options_.labels[index]
                                                      : "class " + std::to_string(index);
    predictions.push_back({best.index, std::move(name), best.score});
  }
  return predictions;
}

int Classifier::input_width() const { return runner_.input().width; }
int Classifier::input_height() const { return runner_.input().height; }

}  // namespace classification
}  // namespace garden
