// End to end: PP-OCRv4's real detector (ONNX, from scripts/make-fixtures) on
// a real scanned page (skimage's page.png: a title, five lines of text and a
// line of code).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "garden/model.h"
#include "support/fixtures.h"
#include "text_detection/text_detector.h"

using garden::text::TextBox;

TEST_CASE("PP-OCRv4 DB finds the 7 text lines of a scanned page", "[text_detection][e2e]") {
  const garden_test::RawImage page = garden_test::read_raw_rgba(GARDEN_PAGE_RGBA);
  REQUIRE(page.width == 384);
  REQUIRE(page.height == 191);
  const garden::ImageView view{page.rgba.data(), page.width, page.height, page.width * 4};

  // PaddleOCR's own input size for this image: 384x192.
  const garden::text::InputSize size = garden::text::paddle_det_input_size(page.width, page.height);
  CHECK(size.width == 384);
  CHECK(size.height == 192);
  garden::LoadOptions load;
  load.input_width = size.width;
  load.input_height = size.height;
  const garden::Model model =
      garden::load_model_file(std::string(GARDEN_FIXTURE_DIR) + "/ppocrv4_det/model.onnx", load);
  garden::text::TextDetectorOptions options;
  options.session.threads = 2;
  // The scanned page is curved, so the lower lines bend across their boxes
  // and PaddleOCR's fast (box) score leaves one of them at 0.54, under the
  // 0.6 threshold; the slow (region) score measures the line itself.
  options.db.score_mode = garden::text::ScoreMode::kSlow;
  garden::text::TextDetector detector(model, options);
  const std::vector<TextBox> boxes = detector.detect(view);

  CHECK(boxes.size() == 7);
  for (const TextBox& box : boxes) {
    REQUIRE(box.points.size() == 4);
    CHECK(box.score >= 0.6f);
    for (const auto& p : box.points) {
      CHECK(p.x >= 0.f);
      CHECK(p.x <= page.width - 1.f);
      CHECK(p.y >= 0.f);
      CHECK(p.y <= page.height - 1.f);
    }
    // Printed lines are wide and short.
    const float width = box.points[1].x - box.points[0].x;
    const float height = box.points[3].y - box.points[0].y;
    CHECK(width > 2.f * height);
  }
  // Running again on the same image gives the same boxes (no state leaks
  // between frames).
  const std::vector<TextBox> again = detector.detect(view);
  REQUIRE(again.size() == boxes.size());
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (size_t k = 0; k < 4; ++k) {
      CHECK(again[i].points[k].x == boxes[i].points[k].x);
      CHECK(again[i].points[k].y == boxes[i].points[k].y);
    }
  }
}

TEST_CASE("input size helpers follow PaddleOCR and tfjs-models", "[text_detection]") {
  const auto big = garden::text::paddle_det_input_size(1920, 1080);  // 960 x 540 -> 544
  CHECK(big.width == 960);
  CHECK(big.height == 544);
  const auto tiny = garden::text::paddle_det_input_size(10, 20);
  CHECK(tiny.width == 32);
  CHECK(tiny.height == 32);
  const auto pse = garden::text::pse_input_size(640, 480, 256);  // 256 x 192
  CHECK(pse.width == 256);
  CHECK(pse.height == 192);
  CHECK_THROWS_AS(garden::text::paddle_det_input_size(0, 10), garden::Error);
  CHECK_THROWS_AS(garden::text::pse_input_size(10, 10, 0), garden::Error);
}
