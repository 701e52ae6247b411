// PP-OCR's text direction classifier (see direction_classifier.h).
#include "direction_classifier.h"

#include <algorithm>
#include <cmath>

#include "garden/error.h"
#include "line_crop.h"

namespace garden {
namespace text {
namespace {

const runner::Task kTask{"text direction classifier", "text_direction"};

}  // namespace

DirectionClassifier::DirectionClassifier(runner::ModelRef model, const DirectionOptions& options)
    : apply_softmax_(!runner::ends_in_softmax(model.graph())),
      runner_(model, kTask, options, paddle_line_normalization()),
      options_(options) {
  require(std::isfinite(options.min_score), ErrorCode::kInvalidArgument, "min_score must be a number");
  const Shape& shape = runner_.output().shape;
  require(element_count(shape) == 2, ErrorCode::kUnsupportedModel,
          "text direction classifier: output " + runner::shape_string(shape) + " is not two scores (0 and 180 degrees)");
}

float DirectionClassifier::whole_probability(const ImageView& crop) {
  runner_.run(crop, Fit::kTextLine);
  const float* scores = runner_.output_data();
  if (!apply_softmax_) return scores[1];
  float probabilities[2];
  softmax(scores, 2, probabilities);
  return probabilities[1];
}

void DirectionClassifier::read_windows(const ImageView& crop) {
  validate_image(crop);
  windows_.clear();
  const int window = std::max(1, static_cast<int>(std::ceil(double(crop.height) * runner_.input().width /
                                                            runner_.input().height)));
  if (crop.width <= window) {
    windows_.push_back(whole_probability(crop));
    return;
  }
  // Half-overlapping windows, the last one flush with the line's end.
  const int step = std::max(1, window / 2);
  for (int left = 0;; left += step) {
    const int at = std::min(left, crop.width - window);
    windows_.push_back(whole_probability({crop.rgba + static_cast<size_t>(at) * 4, window, crop.height, crop.stride_bytes}));
    if (at == crop.width - window) break;
  }
}

float DirectionClassifier::upside_down_probability(const ImageView& crop) {
  read_windows(crop);
  const auto middle = windows_.begin() + static_cast<std::ptrdiff_t>(windows_.size() / 2);
  std::nth_element(windows_.begin(), middle, windows_.end());
  if (windows_.size() % 2 == 1) return *middle;
  return (*std::max_element(windows_.begin(), middle) + *middle) / 2.f;
}

bool DirectionClassifier::upside_down(const ImageView& crop) {
  // Most windows of a long line finding it upside down: their median over even odds.
  constexpr float kMajority = 0.5f;
  const float probability = upside_down_probability(crop);
  return probability > (windows_.size() == 1 ? options_.min_score : kMajority);
}

}  // namespace text
}  // namespace garden
