// End to end: PP-OCRv4's real detector and recognizer (ONNX, from
// scripts/make-fixtures) reading a real scanned page (skimage's page.png).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "garden/model.h"
#include "garden/session.h"
#include "support/errors.h"
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

// PP-OCRv4's recognizer at the catalogue's width buckets (320 ... 1280),
// its weights stored as `storage` says (garden-convert --quantize).
garden::text::TextRecognizer ppocr_recognizer(garden::WeightStorage storage = garden::WeightStorage::kF32) {
  garden::text::TextRecognizerOptions options;
  options.session.threads = 2;
  const auto at_width = [storage](int width) {
    garden::LoadOptions load;
    load.input_height = garden::text::kRecognizerHeight;
    load.input_width = width;
    garden::Model model = garden::load_model_file(garden_test::fixture_path("ppocrv4_rec/model.onnx"), load);
    garden::quantize_weights(model, storage);
    return model;
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

TEST_CASE("a box clipped by the image's edge is read along its whole line", "[text_recognition]") {
  garden::text::TextBox box;
  box.points = {{0.f, 4.f}, {20.f, 4.f}, {20.f, 12.f}, {0.f, 12.f}};
  CHECK(garden::text::line_quad(box)[0].x == 0.f);  // no line given: the box itself
  box.line = {{-3.f, 4.f}, {20.f, 4.f}, {20.f, 12.f}, {-3.f, 12.f}};
  const garden::text::Quad line = garden::text::line_quad(box);
  CHECK(line[0].x == -3.f);
  CHECK(line[3].x == -3.f);
  CHECK(line[2].y == 12.f);
  // What a read reports is the box, inside the image.
  CHECK(garden::text::box_quad(box.points)[0].x == 0.f);
}

// Measured natively and in wasm: 0 edits in 1025 characters.
TEST_CASE("PP-OCRv4 reads a printed paragraph line by line, in reading order", "[text_recognition][e2e]") {
  const garden_test::RawImage paragraph = garden_test::read_raw_rgba(GARDEN_PARAGRAPH_RGBA);
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
  const double rate = character_error_rate(recognizer, paragraph, transcription("imageTextN.txt"));
  CHECK(rate <= 0.02);
}

// A low-resolution scan (text 10 px high), its lines warped straight to 48 px
// high. Measured natively: 1 edit in 293 characters (0.34 %). The code line
// at the photo's bottom edge is tilted and runs off the image: read along its
// box clipped to the image (a trapezoid), it cost 5 to 6 edits (">>markers
// np.zeros 1ike(coins)"), hence the bound of 1 %. Cut at the box's own size
// and enlarged afterwards (bilinear), the narrow spaces of four more lines
// went too: 10 edits.
TEST_CASE("PP-OCRv4 reads a scanned page line by line, in reading order", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::TextRecognizer recognizer = ppocr_recognizer();
  CHECK(recognizer.input_height() == 48);
  const std::vector<std::string> expected = transcription("page.txt");
  CHECK(character_error_rate(recognizer, page, expected) <= 0.01);
  const std::vector<TextLine> lines = recognizer.read(page.view(), find_lines(page.view()));
  REQUIRE(lines.size() == expected.size());
  CHECK(lines[0].text == expected[0]);
  CHECK(lines[1].text == expected[1]);
  CHECK(lines[3].text == expected[3]);
}

// garden-convert --quantize int8: the recognizer's convolutions and fully
// connected layers in int8 read both pages as well as f32 does (measured:
// the paragraph 0 edits as f32, the page 0 where f32 makes 1).
TEST_CASE("PP-OCRv4's recognizer in int8 reads both pages as f32 does", "[text_recognition][e2e][quantize]") {
  garden::text::TextRecognizer recognizer = ppocr_recognizer(garden::WeightStorage::kInt8);
  const garden_test::RawImage paragraph = garden_test::read_raw_rgba(GARDEN_PARAGRAPH_RGBA);
  CHECK(character_error_rate(recognizer, paragraph, transcription("imageTextN.txt")) <= 0.02);
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  CHECK(character_error_rate(recognizer, page, transcription("page.txt")) <= 0.01);
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

namespace {

// `image` turned upside down: a half turn reverses the order of its pixels.
garden_test::RawImage turned_half(const garden_test::RawImage& image) {
  garden_test::RawImage turned = image;
  garden::text::LineCrop pixels{image.rgba, image.width, image.height};
  garden::text::turn_half(pixels);
  turned.rgba = pixels.rgba;
  return turned;
}

garden::Model direction_model() {
  garden::LoadOptions load;
  load.input_height = garden::text::kDirectionHeight;
  load.input_width = garden::text::kDirectionWidth;
  return garden::load_model_file(garden_test::fixture_path("ppocr_cls/model.onnx"), load);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

}  // namespace

// The classifier's input is PaddleOCR's (resize_norm_img): on the band of
// page.png the fixture reads (make_ppocr_fixture.py: rows 4..40, columns
// 0..300), the same tensor as the fixture's input, and onnxruntime's answer.
TEST_CASE("PP-OCR's direction classifier feeds and reads its model as PaddleOCR does", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  const garden::ImageView band{page.rgba.data() + 4 * page.width * 4, 300, 36, page.width * 4};
  garden::text::DirectionClassifier classifier(direction_model());
  const float probability = classifier.whole_probability(band);
  const std::vector<float> input = garden_test::read_f32(garden_test::fixture_path("ppocr_cls/input.bin"));
  const garden::TensorView fed = classifier.last_input();
  REQUIRE(fed.shape == garden::Shape{1, 48, 192, 3});  // the runner's own NHWC port
  float worst = 0.f;
  for (size_t c = 0; c < 3; ++c)
    for (size_t p = 0; p < 48 * 192; ++p) worst = std::max(worst, std::abs(fed.data[p * 3 + c] - input[c * 48 * 192 + p]));
  CHECK(worst <= 1e-4f);  // bilinear weights in f32 against numpy's f64
  const std::vector<float> expected = garden_test::read_f32(garden_test::fixture_path("ppocr_cls/expected_0.bin"));
  CHECK(probability == Approx(expected[1]).margin(1e-5));
}

// Turned, the same band reads as upside down (onnxruntime on the fixture's
// input turned: 0.9998).
TEST_CASE("PP-OCR's direction classifier tells an upright line from one upside down", "[text_recognition][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  garden::text::LineCrop band;
  band.width = 300;
  band.height = 36;
  for (int y = 4; y < 40; ++y) {
    const uint8_t* row = page.rgba.data() + static_cast<size_t>(y) * page.width * 4;
    band.rgba.insert(band.rgba.end(), row, row + 300 * 4);
  }
  garden::text::DirectionClassifier classifier(direction_model());
  const float upright = classifier.whole_probability(band.view());
  const float upright_windows = classifier.upside_down_probability(band.view());
  CHECK_FALSE(classifier.upside_down(band.view()));
  garden::text::turn_half(band);
  const float turned = classifier.whole_probability(band.view());
  const float turned_windows = classifier.upside_down_probability(band.view());
  INFO("P(180 degrees), whole and by windows: upright " << upright << ", " << upright_windows << "; turned " << turned
                                                          << ", " << turned_windows);
  CHECK(upright < 1e-4f);
  CHECK(turned > 0.999f);
  CHECK(upright_windows < 0.5f);
  CHECK(turned_windows > 0.5f);
  CHECK(classifier.upside_down(band.view()));
}

// Without the classifier a page turned upside down is read as noise; with it,
// as well as upright (its lines come in reverse order: the last is on top
// now). Upright, the classifier turns nothing.
void check_upside_down_page(const garden_test::RawImage& page, const std::vector<std::string>& expected, double rate) {
  const garden_test::RawImage upside_down = turned_half(page);
  const std::vector<std::string> reversed(expected.rbegin(), expected.rend());
  garden::text::TextRecognizer plain = ppocr_recognizer();
  std::vector<std::string> read;
  for (const TextLine& line : plain.read(upside_down.view(), find_lines(upside_down.view()))) read.push_back(line.text);
  const double unturned = double(edit_distance(joined(read), joined(reversed))) / code_points(joined(reversed)).size();
  INFO("upside down, without the classifier: " << joined(read));
  CHECK(unturned > 0.5);

  garden::text::TextRecognizer turning = ppocr_recognizer();
  turning.set_direction_classifier(direction_model());
  CHECK(character_error_rate(turning, upside_down, reversed) <= rate);
  CHECK(character_error_rate(turning, page, expected) <= rate);
}

TEST_CASE("the text recognizer reads an upside-down paragraph with the direction classifier", "[text_recognition][e2e]") {
  check_upside_down_page(garden_test::read_raw_rgba(GARDEN_PARAGRAPH_RGBA), transcription("imageTextN.txt"), 0.02);
}

TEST_CASE("the text recognizer reads an upside-down scanned page with the direction classifier", "[text_recognition][e2e]") {
  check_upside_down_page(garden_test::read_raw_rgba(GARDEN_PAGE_RGBA), transcription("page.txt"), 0.01);
}

TEST_CASE("a direction classifier needs two scores out", "[text_recognition]") {
  garden::LoadOptions load;
  load.input_height = garden::text::kRecognizerHeight;
  load.input_width = 320;
  garden::Model recognizer = garden::load_model_file(garden_test::fixture_path("ppocrv4_rec/model.onnx"), load);
  CHECK(garden_test::error_code_of([&] { garden::text::DirectionClassifier classifier(std::move(recognizer)); }) ==
        garden::ErrorCode::kUnsupportedModel);
  garden::text::DirectionOptions options;
  options.min_score = std::nanf("");
  CHECK(garden_test::error_code_of([&] { garden::text::DirectionClassifier classifier(direction_model(), options); }) ==
        garden::ErrorCode::kInvalidArgument);
}
