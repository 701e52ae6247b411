// The text-recognition runner: PP-OCR's recognizer reading the lines a text
// detector found.
//
//   garden::Model rec = garden::load_model_file("ppocr_rec.onnx", {.input_height = 48, .input_width = 320});
//   garden::text::TextRecognizer recognizer(std::move(rec), garden::text::Dictionary::from_lines(keys));
//   for (const auto& line : recognizer.read(image, detector.detect(image))) ... line.text
//
// Each line is cut out upright (crop_line), fitted into the model's input
// with its aspect kept (48 px high for PP-OCRv4; lines wider than the input
// are scaled down to fit it, the rest padded on the right with zeros, as
// PaddleOCR pads a batch), normalized as PaddleOCR does ((x / 255 - 0.5) /
// 0.5, BGR), and decoded by CTC with the model's dictionary.
#pragma once

#include <string>
#include <vector>

#include "ctc_decoder.h"
#include "line_crop.h"
#include "runner/image_runner.h"
#include "text_detection/text_box.h"

namespace garden {
namespace text {

struct TextLine {
  std::string text;
  float score = 0.f;  // mean probability of the characters read
  Quad box;           // source-image pixels, clockwise from the top-left
};

struct TextRecognizerOptions : runner::RunnerOptions {
  // Lines read with a lower score are left out (PaddleOCR's drop_score).
  float min_score = 0.5f;
};

// PP-OCR's recognizers read lines 48 px high.
constexpr int kRecognizerHeight = 48;

// The input width that holds the widest of `lines` at `height` px without
// scaling it down (PaddleOCR's max_wh_ratio rule): height times the largest
// width-to-height ratio of the crops, at least 320 (PaddleOCR's 48 x 320),
// rounded up to a multiple of 32, at most `max_width`.
int recognizer_input_width(const std::vector<Quad>& lines, int height = kRecognizerHeight, int max_width = 3200);

// The four corners a line is cut along: a 4-point box as it is (clockwise
// from the top-left), any other outline by its smallest enclosing rectangle.
Quad line_quad(const TextBox& box);

class TextRecognizer {
 public:
  // The model's input is a [1, 3, H, W] image (its size fixed at load); its
  // output [1, steps, classes] a softmax per step over blank + the
  // dictionary (+ space). A class count that does not match is
  // Error(kUnsupportedModel) at the first read.
  TextRecognizer(runner::ModelRef model, Dictionary dictionary, const TextRecognizerOptions& options = {});

  // One line, read from the quadrilateral `box` of `image`.
  DecodedText recognize(const ImageView& image, const Quad& box);

  // Every box read, in reading order; lines under min_score and empty ones
  // are left out.
  std::vector<TextLine> read(const ImageView& image, const std::vector<TextBox>& boxes);

  int input_width() const { return runner_.input().width; }
  int input_height() const { return runner_.input().height; }

 private:
  runner::ImageRunner runner_;
  Dictionary dictionary_;
  TextRecognizerOptions options_;
};

}  // namespace text
}  // namespace garden
