// End to end: PP-OCRv4's real detector and recognizer (ONNX, from
// scripts/make-fixtures) reading a real scanned page (skimage's page.png).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "garden/model.h"
#include "garden/session.h"
#include "support/fixtures.h"
#include "text_detection/text_detector.h"
#include "text_recognition/text_recognizer.h"

using garden::text::TextLine;

namespace {

// What a test image says, line by line, written by eye (transcriptions/).
std::vector<std::string> transcription(const std::string& name) {
  const std::string text = garden_test::read_text(std::string(GARDEN_TRANSCRIPTIONS) + "/" + name);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

// The code points of UTF-8 text (the recognizer reads CJK punctuation too).
std::vector<uint32_t> code_points(const std::string& text) {
  std::vector<uint32_t> points;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4;
    uint32_t point = length == 1 ? byte : byte & (0x3f >> (length - 1));
    for (size_t k = 1; k < length && i + k < text.size(); ++k) point = (point << 6) | (text[i + k] & 0x3f);
    points.push_back(point);
    i += length;
  }
  return points;
}

// Levenshtein distance in characters.
size_t edit_distance(const std::string& read, const std::string& expected) {
  const std::vector<uint32_t> a = code_points(read), b = code_points(expected);
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

// PP-OCRv4's recognizer at the catalogue's width buckets (320 ... 1280).
garden::text::TextRecognizer ppocr_recognizer() {
  garden::text::TextRecognizerOptions options;
  options.session.threads = 2;
  const auto at_width = [](int width) {
    garden::LoadOptions load;
    load.input_height = garden::text::kRecognizerHeight;
    load.input_width = width;
    return garden::load_model_file(garden_test::fixture_path("ppocrv4_rec/model.onnx"), load);
  };
  return garden::text::TextRecognizer(
      at_width, garden::text::recognizer_widths(1280),
      garden::text::Dictionary::from_lines(garden_test::read_text(garden_test::fixture_path("ppocrv4_rec/dict.txt"))),
      options);
}

std::vector<garden::text::TextBox> find_lines(const garden::ImageView& page) {
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

// Reads `image` and compares it line by line with its transcription; returns
// the character error rate (edits over the transcription's characters).
double character_error_rate(garden::text::TextRecognizer& recognizer, const garden_test::RawImage& image,
                            const std::vector<std::string>& expected) {
  const std::vector<TextLine> lines = recognizer.read(image.view(), find_lines(image.view()));
  REQUIRE(lines.size() == expected.size());
  size_t errors = 0, characters = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t distance = edit_distance(lines[i].text, expected[i]);
    INFO("line " << i << " read as '" << lines[i].text << "' (score " << lines[i].score << ", " << distance
                 << " edits)");
    CHECK(lines[i].score >= 0.85f);
    for (const auto& corner : lines[i].box) {
      CHECK(corner.x >= 0.f);
      CHECK(corner.x <= image.width - 1.f);
    }
    errors += distance;
    characters += code_points(expected[i]).size();
  }
  return double(errors) / double(characters);
}

}  // namespace

// Measured natively and in wasm: 0 edits in 1025 characters.
TEST_CASE("PP-OCRv4 reads a printed paragraph line by line, in reading order", "[text_recognition][e2e]") {
  const garden_test::RawImage paragraph = garden_test::read_raw_rgba(GARDEN_PARAGRAPH_RGBA);
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
  const double rate = character_error_rate(recognizer, paragraph, transcription("imageTextN.txt"));
  CHECK(rate <= 0.02);
}

// A low-resolution scan (text 10 px high): PP-OCRv4 drops some of its narrow
// spaces, as it reads a space with a probability close to the blank's.
// Measured natively and in wasm: 10 edits in 293 characters (3.4 %).
TEST_CASE("PP-OCRv4 reads a scanned page line by line, in reading order", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
  CHECK(recognizer.input_height() == 48);
  const std::vector<std::string> expected = transcription("page.txt");
  CHECK(character_error_rate(recognizer, page, expected) <= 0.04);
  const std::vector<TextLine> lines = recognizer.read(page.view(), find_lines(page.view()));
  REQUIRE(lines.size() == expected.size());
  CHECK(lines[0].text == expected[0]);
  CHECK(lines[1].text == expected[1]);
  CHECK(lines[3].text == expected[3]);
}

// The width buckets are one model at four input sizes: the packed weights
// are held once, and a line reads the same in every bucket wide enough.
TEST_CASE("PP-OCRv4's width buckets share their packed weights", "[text_recognition][e2e]") {
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
  CHECK(recognizer.widths() == std::vector<int>{320, 640, 960, 1280});
  const garden::SessionGroup* group = recognizer.group();
  REQUIRE(group != nullptr);
  INFO("packed " << group->packed_bytes() << " bytes, found again " << group->shared_bytes());
  CHECK(group->packed_bytes() > 10'000'000);  // the recognizer's 10.8 MB of f32 weights, packed
  CHECK(group->shared_bytes() == 3 * group->packed_bytes());
}

TEST_CASE("PP-OCRv4 reads one line given by its corners, twice the same", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
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
