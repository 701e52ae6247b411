#include "text_recognizer.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "garden/error.h"
#include "reading_order.h"
#include "text_detection/geometry.h"

namespace garden {
namespace text {
namespace {

const runner::Task kTask{"text recognizer", "text_recognition"};

}  // namespace

std::vector<int> recognizer_widths(int max_width) {
  require(max_width >= kMinRecognizerWidth && max_width % 32 == 0 && max_width <= kMaxCropSide,
          ErrorCode::kInvalidArgument,
          "the recognizer's width must be a multiple of 32 in [320, " + std::to_string(kMaxCropSide) + "], got " +
              std::to_string(max_width));
  std::vector<int> widths;
  for (int width = kMinRecognizerWidth; width < max_width; width += kMinRecognizerWidth) widths.push_back(width);
  widths.push_back(max_width);
  return widths;
}

Quad box_quad(const std::vector<Point>& points) {
  if (points.size() == 4) return {points[0], points[1], points[2], points[3]};
  return min_area_rect(points).corners;
}

Quad line_quad(const TextBox& box) { return box_quad(box.line.size() == 4 ? box.line : box.points); }

TextRecognizer::TextRecognizer(runner::ModelRef model, Dictionary dictionary, const TextRecognizerOptions& options)
    : dictionary_(std::move(dictionary)), options_(options) {
  require(std::isfinite(options.min_score), ErrorCode::kInvalidArgument, "min_score must be a number");
  runners_.push_back(std::make_unique<runner::ImageRunner>(model, kTask, options, paddle_line_normalization()));
}

TextRecognizer::TextRecognizer(const RecognizerAtWidth& load, const std::vector<int>& widths, Dictionary dictionary,
                               const TextRecognizerOptions& options)
    : group_(std::make_shared<SessionGroup>()), dictionary_(std::move(dictionary)), options_(options) {
  require(std::isfinite(options.min_score), ErrorCode::kInvalidArgument, "min_score must be a number");
  require(!widths.empty() && std::is_sorted(widths.begin(), widths.end()) &&
              std::adjacent_find(widths.begin(), widths.end()) == widths.end(),
          ErrorCode::kInvalidArgument, "the recognizer's widths must be ascending and distinct");
  runner::RunnerOptions bucket = options;
  bucket.session.group = group_;
  for (int width : widths) {
    runners_.push_back(
        std::make_unique<runner::ImageRunner>(load(width), kTask, bucket, paddle_line_normalization()));
    require(runners_.back()->input().width == width, ErrorCode::kUnsupportedModel,
            "text recognizer: the model's input width is fixed at " + std::to_string(runners_.back()->input().width) +
                ", not " + std::to_string(width));
  }
}

TextRecognizer::~TextRecognizer() = default;
TextRecognizer::TextRecognizer(TextRecognizer&&) noexcept = default;

int TextRecognizer::input_width() const { return runners_.back()->input().width; }
int TextRecognizer::input_height() const { return runners_.back()->input().height; }

std::vector<int> TextRecognizer::widths() const {
  std::vector<int> result;
  for (const auto& runner : runners_) result.push_back(runner->input().width);
  return result;
}

TensorView TextRecognizer::last_input() {
  require(last_ != nullptr, ErrorCode::kInvalidArgument, "text recognizer: nothing read yet");
  return last_->input_tensor();
}

runner::ImageRunner& TextRecognizer::runner_for(const LineCrop& crop) {
  // Its width at the input's height, as PaddleOCR sizes a line (max_wh_ratio).
  const double needed = std::ceil(double(input_height()) * crop.width / crop.height);
  for (const auto& runner : runners_)
    if (runner->input().width >= needed) return *runner;
  return *runners_.back();
}

void TextRecognizer::set_direction_classifier(runner::ModelRef model, float min_score) {
  DirectionOptions options;
  options.session = options_.session;
  options.session.group = group_;
  options.min_score = min_score;
  direction_ = std::make_unique<DirectionClassifier>(model, options);
}

DecodedText TextRecognizer::recognize(const ImageView& image, const Quad& box) {
  LineCrop crop = crop_line(image, box, input_height());
  if (direction_ && direction_->upside_down(crop.view())) turn_half(crop);
  runner::ImageRunner& runner = runner_for(crop);
  last_ = &runner;
  runner.run(crop.view(), Fit::kKeepAspect);
  const TensorView output = runner.output();
  const Shape& shape = output.shape;
  require(shape.size() == 3 && shape[0] == 1, ErrorCode::kUnsupportedModel,
          "text recognizer: output " + runner::shape_string(shape) + " is not [1, steps, classes]");
  return ctc_greedy_decode(output.data, static_cast<size_t>(shape[1]), static_cast<size_t>(shape[2]),
                           dictionary_);
}

std::vector<TextLine> TextRecognizer::read(const ImageView& image, const std::vector<TextBox>& boxes) {
  std::vector<Quad> quads;
  quads.reserve(boxes.size());
  for (const TextBox& box : boxes) quads.push_back(box_quad(box.points));
  std::vector<TextLine> lines;
  for (size_t index : reading_order(quads)) {
    const Quad line = line_quad(boxes[index]);
    DecodedText decoded = recognize(image, line);
    if (decoded.text.empty() || decoded.score < options_.min_score) continue;
    lines.push_back({std::move(decoded.text), decoded.score, quads[index], line});
  }
  return lines;
}

}  // namespace text
}  // namespace garden
