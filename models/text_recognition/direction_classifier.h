// PP-OCR's text direction classifier: is a line crop upside down? PaddleOCR
// runs it (use_angle_cls) between cutting a line out and reading it, and
// turns a line it finds at 180 degrees before the recognizer sees it.
//
//   garden::text::DirectionClassifier classifier(garden::load_model_file("ppocr_cls.onnx", {.input_height = 48, .input_width = 192}));
//   if (classifier.upside_down(crop.view())) turn_half(crop);
//
// The crop is fitted as PaddleOCR fits it (Fit::kTextLine into the model's
// 48 x 192 input, normalized as the recognizer's input); the model's two
// outputs are the probabilities of 0 and 180 degrees.
#pragma once

#include <vector>

#include "garden/image.h"
#include "runner/image_runner.h"

namespace garden {
namespace text {

// PaddleOCR's input size for its direction classifier (cls_image_shape):
// the size to import a model with free input dimensions at.
constexpr int kDirectionHeight = 48;
constexpr int kDirectionWidth = 192;

struct DirectionOptions : runner::RunnerOptions {
  // A line within one window is turned when "180 degrees" has a higher
  // probability than this (PaddleOCR's cls_thresh).
  float min_score = 0.9f;
};

class DirectionClassifier {
 public:
  // The model's input is a [1, 3, H, W] image, its output two scores
  // (0 and 180 degrees; a softmax is applied unless the model ends in one).
  // Another output is Error(kUnsupportedModel).
  explicit DirectionClassifier(runner::ModelRef model, const DirectionOptions& options = {});

  // The probability that `crop` shows its text turned 180 degrees. A crop
  // within the input's shape (4:1 for PP-OCR's 48 x 192) is fitted whole, as
  // PaddleOCR fits it. PaddleOCR squeezes a longer line into it too, which
  // the classifier reads poorly (page.png and imageTextN.png turned: 5 of
  // their 20 lines under 0.9); such a crop is read in half-overlapping
  // windows of the input's shape instead, and this is the median of theirs.
  float upside_down_probability(const ImageView& crop);
  // The model's probability on the whole crop, fitted as PaddleOCR fits it
  // whatever its length (its predict_cls).
  float whole_probability(const ImageView& crop);
  // Whether it should be turned: for a crop within one window, when the
  // classifier is sure (the probability over min_score, PaddleOCR's rule);
  // for a longer one, when most of its windows find it upside down (the
  // median over 0.5). On those two pages turned, every line is turned, and
  // none of them upright.
  bool upside_down(const ImageView& crop);
  // The input the last window fed the model ([1, 3, 48, 192] as the model declares it).
  TensorView last_input() { return runner_.input_tensor(); }

 private:
  // Fills windows_: the model's probability for each window of `crop` (one if it fits in one).
  void read_windows(const ImageView& crop);

  bool apply_softmax_;  // read from the model before the runner takes it
  runner::ImageRunner runner_;
  DirectionOptions options_;
  std::vector<float> windows_;  // of the last crop, reused
};

}  // namespace text
}  // namespace garden
