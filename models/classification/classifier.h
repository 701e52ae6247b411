// The classification runner: an image in, the k most likely classes out.
//
//   garden::Model model = garden::load_model_file("efficientnet_b0.onnx");
//   garden::classification::Classifier classifier(std::move(model), garden::classification::preset("efficientnet-b0"));
//   for (const auto& p : classifier.classify(image, 5)) ...   // p.class_name, p.probability
#pragma once

#include <string>
#include <vector>

#include "garden/image.h"
#include "garden/session.h"
#include "runner/image_runner.h"

namespace garden {
namespace classification {

// normalization (RunnerOptions) unset: the model's own, else ImageNet's.
struct ClassifierOptions : runner::RunnerOptions {
  Fit fit = Fit::kStretch;
  // Labels by class index. Empty: the model's own (ModelInfo::labels, such
  // as the labels file a .tflite packs), else preset_labels, else "class N".
  std::vector<std::string> labels;
  // The model family's labels (set by preset()), when the model has none.
  std::vector<std::string> preset_labels;
  // The model's output may be logits: apply softmax, unless the model's
  // output comes straight from a Softmax of its own.
  bool output_is_logits = true;
  // Index of the first real class: 1 for models with a "background" class 0
  // (TF-slim MobileNets have 1001 outputs), else 0. Labels that name every
  // output (the background too) are read from the same index.
  int label_offset = 0;
  // The tensor embed() returns, by name (garden-run lists none: see the
  // catalogue's presets for the ones known). Empty: the features the
  // classification head reads (runner::classification_head_input), if the
  // model has such a head.
  std::string embedding_output;
};

// Options for a known model family: "efficientnet-b0".."b7", "efficientnet-lite0".."lite4",
// "mobilenet-v2", "nsfwjs". Throws Error(kInvalidArgument) naming the known names.
ClassifierOptions preset(const std::string& model_name);
// The input size a known family was trained at (efficientnet-b3 → 300).
int preset_input_size(const std::string& model_name);

struct Prediction {
  int index;
  std::string class_name;
  float probability;
};

class Classifier {
 public:
  // Takes the model when it is given by move: its weights are freed once
  // packed (see Session(Model&&)). A model whose metadata names another task
  // is refused with Error(kUnsupportedModel).
  Classifier(runner::ModelRef model, const ClassifierOptions& options);
  // top_k in [1, number of classes]; anything else is Error(kInvalidArgument).
  std::vector<Prediction> classify(const ImageView& image, int top_k);
  // The image's embedding: the embedding tensor (see
  // ClassifierOptions::embedding_output) of one run, as classify() computes
  // it; valid until the next call. Error(kUnsupportedModel) for a model
  // without one (embedding_size() == 0).
  const std::vector<float>& embed(const ImageView& image);
  size_t embedding_size() const { return embedding_.size(); }
  int input_width() const;
  int input_height() const;

 private:
  // What the session is opened with: the options' session, exposing the embedding.
  static runner::RunnerOptions with_embedding(const ClassifierOptions& options, const Graph& graph);

  bool apply_softmax_;  // read from the model before the runner takes it
  runner::ImageRunner runner_;
  ClassifierOptions options_;  // labels chosen, one per class after label_offset
  std::vector<float> probabilities_;
  std::vector<float> embedding_;  // empty: the model has none
};

}  // namespace classification
}  // namespace garden
