// The text-recognition runner: PP-OCR's recognizer reading the lines a text
// detector found.
//
//   garden::text::TextRecognizer recognizer(
//       [&](int width) { return garden::load_model_file("ppocr_rec.onnx", {.input_height = 48, .input_width = width}); },
//       garden::text::recognizer_widths(1280), garden::text::Dictionary::from_lines(keys));
//   for (const auto& line : recognizer.read(image, detector.detect(image))) ... line.text
//
// Each line is cut out upright (crop_line), fitted into the model's input
// with its aspect kept (48 px high for PP-OCRv4, padded on the right with
// zeros as PaddleOCR pads a batch), normalized as PaddleOCR does
// ((x / 255 - 0.5) / 0.5, BGR), and decoded by CTC with the model's
// dictionary. With a direction classifier (set_direction_classifier), a
// line it finds upside down is turned before it is read.
//
// A model with a dynamic input width (PP-OCR's [?, 3, 48, ?]) is opened at a
// few widths, its width buckets, whose sessions share one copy of the packed
// weights and one activation arena (a SessionGroup): a line is read at the
// narrowest width that holds it at full height, as PaddleOCR sizes a batch to
// its widest line, and lines wider than the widest bucket are scaled down
// into it. Nothing is re-packed or allocated per line.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ctc_decoder.h"
#include "direction_classifier.h"
#include "line_crop.h"
#include "runner/image_runner.h"
#include "text_detection/text_box.h"

namespace garden {
namespace text {

struct TextLine {
  std::string text;
  float score = 0.f;  // mean probability of the characters read
  Quad box;           // source-image pixels, clockwise from the top-left
  Quad line;          // what was read: line_quad() of the box, which may reach past the image
};

struct TextRecognizerOptions : runner::RunnerOptions {
  // Lines read with a lower score are left out (PaddleOCR's drop_score).
  float min_score = 0.5f;
};

// PP-OCR's recognizers read lines 48 px high.
constexpr int kRecognizerHeight = 48;

// PaddleOCR's narrowest recognizer input is 48 x 320.
constexpr int kMinRecognizerWidth = 320;

// Width buckets for a dynamic-width recognizer: 320, 640, 960, ... up to
// `max_width` (a multiple of 32, at least 320), which is always the last.
std::vector<int> recognizer_widths(int max_width);

// The four corners of a box: a 4-point box as it is (clockwise from the
// top-left), any other outline by its smallest enclosing rectangle.
Quad box_quad(const std::vector<Point>& points);
// The four corners a box's line is cut along: its unclipped rectangle when
// the detector gave one (TextBox::line), else box_quad(box.points).
Quad line_quad(const TextBox& box);

// Imports the recognizer with an input `width` px wide (and 48 high).
using RecognizerAtWidth = std::function<Model(int width)>;

class TextRecognizer {
 public:
  // The model's input is a [1, 3, H, W] image (its size fixed at load); its
  // output [1, steps, classes] a softmax per step over blank + the
  // dictionary (+ space). A class count that does not match is
  // Error(kUnsupportedModel) at the first read.
  //
  // One input size: every line is fitted into it.
  TextRecognizer(runner::ModelRef model, Dictionary dictionary, const TextRecognizerOptions& options = {});
  // One session per width of `widths` (ascending, each from load(width)),
  // all in one SessionGroup.
  TextRecognizer(const RecognizerAtWidth& load, const std::vector<int>& widths, Dictionary dictionary,
                 const TextRecognizerOptions& options = {});
  ~TextRecognizer();
  TextRecognizer(TextRecognizer&&) noexcept;

  // Checks each line's direction with PP-OCR's direction classifier from now
  // on (its session in this recognizer's group, if it has one).
  void set_direction_classifier(runner::ModelRef model, float min_score = DirectionOptions{}.min_score);

  // One line, read from the quadrilateral `box` of `image`.
  DecodedText recognize(const ImageView& image, const Quad& box);

  // Every box read, in reading order; lines under min_score and empty ones
  // are left out.
  std::vector<TextLine> read(const ImageView& image, const std::vector<TextBox>& boxes);

  // The input the last recognize() fed the model ([1, 3, 48, width] as the
  // model declares it): what another runtime needs to read the same crop.
  TensorView last_input();

  // The widest input (the one lines are scaled down into) and the height.
  int input_width() const;
  int input_height() const;
  // The input widths lines are read at, ascending.
  std::vector<int> widths() const;
  // The group the width buckets share (null with one input size).
  const SessionGroup* group() const { return group_.get(); }

 private:
  // The narrowest width bucket that holds `crop` at the input's height.
  runner::ImageRunner& runner_for(const LineCrop& crop);

  std::shared_ptr<SessionGroup> group_;
  std::vector<std::unique_ptr<runner::ImageRunner>> runners_;  // by input width, ascending
  runner::ImageRunner* last_ = nullptr;                        // of the last recognize()
  std::unique_ptr<DirectionClassifier> direction_;  // null: lines are read as cut
  Dictionary dictionary_;
  TextRecognizerOptions options_;
};

}  // namespace text
}  // namespace garden
