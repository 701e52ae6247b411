// End to end: PP-OCRv4's real detector and recognizer (ONNX, from
// scripts/make-fixtures) reading a real scanned page (skimage's page.png).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "garden/model.h"
#include "support/fixtures.h"
#include "text_detection/text_detector.h"
#include "text_recognition/text_recognizer.h"

using garden::text::TextLine;

namespace {

// What the page says, line by line (its last line, cut off by the scan's
// edge, is the code sample).
const std::vector<std::string> kPageLines = {
    "Region-based segmentation",
    "Let us first determine markers of the coins and the",
    "background. These markers are pixels that we can label",
    "unambiguously as either object or background. Here,",
    "the markers are found at the two extreme parts of the",
    "histogram of grey values:",
    ">>> markers = np.zeros_like(coins)",
};

// Levenshtein distance in bytes (the page is ASCII).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// 48 x 960 holds the page's longest line (about 25 times as wide as high)
// at full height; narrower lines are padded, as PaddleOCR pads a batch to its
// widest line.
garden::text::TextRecognizer page_recognizer() {
  garden::LoadOptions load;
  load.input_height = 48;
  load.input_width = 960;
  garden::text::TextRecognizerOptions options;
  options.session.threads = 2;
  return garden::text::TextRecognizer(
      garden::load_model_file(garden_test::fixture_path("ppocrv4_rec/model.onnx"), load),
      garden::text::Dictionary::from_lines(garden_test::read_text(garden_test::fixture_path("ppocrv4_rec/dict.txt"))),
      options);
}

std::vector<garden::text::TextBox> page_boxes(const garden::ImageView& page) {
  const garden::text::InputSize size = garden::text::paddle_det_input_size(page.width, page.height);
  garden::LoadOptions load;
  load.input_width = size.width;
  load.input_height = size.height;
  garden::text::TextDetectorOptions options;
  options.db.score_mode = garden::text::ScoreMode::kSlow;  // see text_detector_test.cpp
  garden::text::TextDetector detector(
      garden::load_model_file(garden_test::fixture_path("ppocrv4_det/model.onnx"), load), options);
  return detector.detect(page);
}

}  // namespace

TEST_CASE("PP-OCRv4 reads a scanned page line by line, in reading order", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::TextRecognizer recognizer = page_recognizer();
  CHECK(recognizer.input_height() == 48);
  const std::vector<TextLine> lines = recognizer.read(page.view(), page_boxes(page.view()));
  REQUIRE(lines.size() == kPageLines.size());
  size_t errors = 0, characters = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t distance = edit_distance(lines[i].text, kPageLines[i]);
    INFO("line " << i << " read as '" << lines[i].text << "' (score " << lines[i].score << ", " << distance
                 << " edits)");
    // The prose lines lose at most a few spaces; the cut-off code line more.
    if (i < 6) CHECK(distance <= 3);
    CHECK(lines[i].score >= 0.85f);
    for (const auto& corner : lines[i].box) {
      CHECK(corner.x >= 0.f);
      CHECK(corner.x <= page.width - 1.f);
    }
    errors += distance;
    characters += kPageLines[i].size();
  }
  CHECK(lines[0].text == "Region-based segmentation");
  CHECK(lines[1].text == "Let us first determine markers of the coins and the");
  // Character error rate over the page (measured: 13 edits in 293 characters).
  CHECK(double(errors) / double(characters) <= 0.06);
}

TEST_CASE("PP-OCRv4 reads one line given by its corners, twice the same", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::TextRecognizer recognizer = page_recognizer();
  // The title, by hand: x 4..296, y 6..38 of the page.
  const garden::text::Quad title{{{4, 6}, {296, 6}, {296, 38}, {4, 38}}};
  const garden::text::DecodedText first = recognizer.recognize(page.view(), title);
  CHECK(first.text == "Region-based segmentation");
  const garden::text::DecodedText again = recognizer.recognize(page.view(), title);
  CHECK(again.text == first.text);
  CHECK(again.score == first.score);
  // A box off the page reads its replicated border: no text, no error.
  const garden::text::DecodedText off = recognizer.recognize(page.view(), {{{500, 500}, {600, 500}, {600, 520}, {500, 520}}});
  CHECK(off.text.size() <= 2);
}
