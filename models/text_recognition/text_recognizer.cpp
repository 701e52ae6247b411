#include "text_recognizer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "garden/error.h"
#include "reading_order.h"
#include "text_detection/geometry.h"

namespace garden {
namespace text {
namespace {

const runner::Task kTask{"text recognizer", "text_recognition"};

// PaddleOCR's recognizer input: (pixel / 255 - 0.5) / 0.5, channels as cv2 reads them (BGR).
Normalization paddle_recognizer_normalization() {
  Normalization n;
  for (int c = 0; c < 3; ++c) {
    n.mean[c] = 0.5f;
    n.std[c] = 0.5f;
  }
  n.bgr = true;
  return n;
}

}  // namespace

int recognizer_input_width(const std::vector<Quad>& lines, int height, int max_width) {
  require(height >= 1 && max_width >= 32, ErrorCode::kInvalidArgument, "recognizer input size out of range");
  double ratio = 320.0 / 48.0;
  for (const Quad& q : lines) {
    const CropSize size = line_crop_size(q);
    ratio = std::max(ratio, double(size.width) / double(size.height));
  }
  const double width = std::ceil(height * ratio / 32.0) * 32.0;
  return static_cast<int>(std::min(width, double(max_width)));
}

Quad line_quad(const TextBox& box) {
  if (box.points.size() == 4) return {box.points[0], box.points[1], box.points[2], box.points[3]};
  return min_area_rect(box.points).corners;
}

TextRecognizer::TextRecognizer(runner::ModelRef model, Dictionary dictionary, const TextRecognizerOptions& options)
    : runner_(model, kTask, options, paddle_recognizer_normalization()),
      dictionary_(std::move(dictionary)),
      options_(options) {
  require(std::isfinite(options.min_score), ErrorCode::kInvalidArgument, "min_score must be a number");
}

DecodedText TextRecognizer::recognize(const ImageView& image, const Quad& box) {
  const LineCrop crop = crop_line(image, box);
  runner_.run(crop.view(), Fit::kKeepAspect);
  const TensorView output = runner_.output();
  const Shape& shape = output.shape;
  require(shape.size() == 3 && shape[0] == 1, ErrorCode::kUnsupportedModel,
          "text recognizer: output " + runner::shape_string(shape) + " is not [1, steps, classes]");
  return ctc_greedy_decode(output.data, static_cast<size_t>(shape[1]), static_cast<size_t>(shape[2]),
                           dictionary_);
}

std::vector<TextLine> TextRecognizer::read(const ImageView& image, const std::vector<TextBox>& boxes) {
  std::vector<Quad> quads;
  quads.reserve(boxes.size());
  for (const TextBox& box : boxes) quads.push_back(line_quad(box));
  std::vector<TextLine> lines;
  for (size_t index : reading_order(quads)) {
    DecodedText decoded = recognize(image, quads[index]);
    if (decoded.text.empty() || decoded.score < options_.min_score) continue;
    lines.push_back({std::move(decoded.text), decoded.score, quads[index]});
  }
  return lines;
}

}  // namespace text
}  // namespace garden
