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
  // Labels by class index. Empty: the model's own (ModelInfo::labels), else "class N".
  std::vector<std::string> labels;
  // The model's output is logits (apply softmax) rather than probabilities.
  bool output_is_logits = true;
  // Index of the first real class: 1 for models with a "background" class 0
  // (TF-slim MobileNets have 1001 outputs), else 0.
  int label_offset = 0;
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
  int input_width() const;
  int input_height() const;

 private:
  runner::ImageRunner runner_;
  ClassifierOptions options_;  // labels filled in from the model
  std::vector<float> probabilities_;
};

}  // namespace classification
}  // namespace garden
