// The segmentation runner on the DeepLabv3-MobileNetV2 (width 0.5) fixture
// (torchvision's architecture, seeded random weights): its class map must be
// the argmax of a direct Session run over the content area, its legend
// exactly the classes present; plus Pascal's published colormap values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/image.h"
#include "garden/session.h"
#include "runners/synthetic_image.h"
#include "segmentation/segmenter.h"
#include "support/errors.h"

namespace seg = garden::segmentation;
using Color = std::array<uint8_t, 3>;
using garden_test::SyntheticImage;

namespace {

// Blocks of different colors, so a random-weight network still varies its answer.
SyntheticImage test_image(int width, int height) {
  return SyntheticImage(width, height,
                        [&](int x, int y) { return garden_test::Rgb{(x / 40) * 50, (y / 30) * 60, 255 - x * 255 / width}; });
}

const std::string kModel = std::string(GARDEN_FIXTURE_DIR) + "/deeplabv3_mnv2_050/model.onnx";

}  // namespace

TEST_CASE("pascal colormap has the published values", "[segmentation]") {
  const auto colors = seg::pascal_colormap(256);
  CHECK(colors[0] == Color{0, 0, 0});
  CHECK(colors[1] == Color{128, 0, 0});
  CHECK(colors[2] == Color{0, 128, 0});
  CHECK(colors[3] == Color{128, 128, 0});
  CHECK(colors[4] == Color{0, 0, 128});
  CHECK(colors[15] == Color{192, 128, 128});
  CHECK(colors[20] == Color{0, 64, 128});
  CHECK(colors[255] == Color{224, 224, 192});  // VOC's "void" border color
  CHECK(seg::pascal_colormap(0).empty());
  CHECK_THROWS_AS(seg::pascal_colormap(257), garden::Error);
  CHECK_THROWS_AS(seg::pascal_colormap(-1), garden::Error);
}

TEST_CASE("segmenter presets", "[segmentation]") {
  const seg::SegmenterOptions pascal = seg::preset("pascal");
  REQUIRE(pascal.labels.size() == 21);
  CHECK(pascal.labels[15] == "person");
  CHECK(pascal.colormap == seg::pascal_colormap(21));
  CHECK(pascal.fit == garden::Fit::kKeepAspect);
  CHECK(seg::preset("cityscapes").labels.size() == 19);
  CHECK(seg::preset("cityscapes").colormap.size() == 19);
  CHECK(seg::preset("ade20k").labels.size() == 151);
  const seg::SegmenterOptions selfie = seg::preset("selfie");
  CHECK(selfie.binary_soft_mask);
  CHECK(selfie.labels == std::vector<std::string>{"background", "person"});
  CHECK(garden_test::error_code_of([] { seg::preset("coco"); }) == garden::ErrorCode::kInvalidArgument);
}

TEST_CASE("segmenter class map is the argmax of the Session output over the content area",
          "[segmentation]") {
  const garden::Model model = garden::load_model_file(kModel);
  const int width = 400, height = 300;  // landscape: the tensor's bottom rows are padding
  const SyntheticImage pixels = test_image(width, height);
  const garden::ImageView image = pixels.view();

  seg::Segmenter segmenter(model, seg::preset("pascal"));
  CHECK(segmenter.colormap() == seg::pascal_colormap(21));
  const seg::SegmentationResult& result = segmenter.segment(image);

  // tfjs-models' rule: longest side to 513, aspect kept → 513 x 385.
  const garden::Letterbox box = garden::fit_image(width, height, 513, 513, garden::Fit::kKeepAspect);
  REQUIRE(box.content_width == 513);
  REQUIRE(box.content_height == 385);
  REQUIRE(result.width == 513);
  REQUIRE(result.height == 385);
  REQUIRE(result.class_map.size() == size_t{513} * 385);
  REQUIRE(result.rgba.size() == result.class_map.size() * 4);

  // The same by hand: resize into a padded tensor, run, argmax everything, crop.
  garden::Session session(model);
  garden::Resizer resizer;
  resizer.resize_normalize(image, box, 513, 513, garden::Layout::kNCHW, garden::symmetric_normalization(),
                           session.input(0).data);
  session.run();
  std::vector<uint8_t> full(size_t{513} * 513);
  garden::argmax_channels(session.output(0).data, 513, 513, 21, garden::Layout::kNCHW, full.data());
  size_t differing = 0;
  std::set<int> present;
  for (int y = 0; y < 385; ++y)
    for (int x = 0; x < 513; ++x) {
      const uint8_t expected = full[static_cast<size_t>(y) * 513 + x];
      differing += result.class_map[static_cast<size_t>(y) * 513 + x] != expected;
      present.insert(expected);
    }
  CHECK(differing == 0);
  INFO("classes present: " << present.size());

  // The legend lists exactly the classes of the map, by index, with names and colors.
  REQUIRE(result.legend.size() == present.size());
  const auto colors = seg::pascal_colormap(21);
  size_t i = 0;
  for (const int index : present) {
    CHECK(result.legend[i].index == index);
    CHECK(result.legend[i].name == seg::preset("pascal").labels[static_cast<size_t>(index)]);
    CHECK(result.legend[i].color == colors[static_cast<size_t>(index)]);
    ++i;
  }
  // RGBA is the colormap of the class map, opaque.
  for (size_t p = 0; p < result.class_map.size(); p += 997) {
    const Color& c = colors[result.class_map[p]];
    CHECK(result.rgba[p * 4 + 0] == c[0]);
    CHECK(result.rgba[p * 4 + 1] == c[1]);
    CHECK(result.rgba[p * 4 + 2] == c[2]);
    CHECK(result.rgba[p * 4 + 3] == 255);
  }
  CHECK(result.confidence.empty());  // not asked for

  // Asked for, the confidence is the softmax probability of each pixel's class.
  const std::vector<uint8_t> classes = result.class_map;
  const seg::SegmentationResult& confident = segmenter.segment(image, {false, true});
  CHECK(confident.class_map == classes);
  REQUIRE(confident.confidence.size() == classes.size());
  const float* scores = session.output(0).data;
  double worst = 0;
  std::vector<float> pixel_scores(21), probabilities(21);
  for (int y = 0; y < 385; ++y)
    for (int x = 0; x < 513; x += 7) {
      for (int c = 0; c < 21; ++c) pixel_scores[c] = scores[(static_cast<size_t>(c) * 513 + y) * 513 + x];
      garden::softmax(pixel_scores.data(), 21, probabilities.data());
      const size_t at = static_cast<size_t>(y) * 513 + x;
      worst = std::max(worst, std::abs(double{confident.confidence[at]} - probabilities[classes[at]]));
      CHECK(probabilities[classes[at]] == *std::max_element(probabilities.begin(), probabilities.end()));
    }
  // Tolerance: f32 exp and sums of 21 terms.
  CHECK(worst <= 1e-5);
}

TEST_CASE("segmenter maps back to the image size with nearest sampling", "[segmentation]") {
  const garden::Model model = garden::load_model_file(kModel);
  const int width = 200, height = 260;  // portrait: the tensor's right columns are padding
  const SyntheticImage pixels = test_image(width, height);
  const garden::ImageView image = pixels.view();

  seg::Segmenter at_model_size(model, seg::preset("pascal"));
  const seg::SegmentationResult small = at_model_size.segment(image);  // a copy
  seg::SegmenterOptions options = seg::preset("pascal");
  options.output_at_image_size = true;
  seg::Segmenter at_image_size(model, options);
  const seg::SegmentationResult& big = at_image_size.segment(image);

  REQUIRE(big.width == width);
  REQUIRE(big.height == height);
  const garden::Letterbox box = garden::fit_image(width, height, 513, 513, garden::Fit::kKeepAspect);
  REQUIRE(small.width == box.content_width);
  REQUIRE(small.height == 513);
  // How many image pixels differ from the model-size map's pixel their center falls in.
  const auto differing_from_nearest = [&](const auto& at_image, const auto& at_model) {
    size_t differing = 0;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        // The pixel center, in map pixels (the map has the tensor's size here).
        const int mx = std::min(static_cast<int>((x + 0.5) * box.scale_x), small.width - 1);
        const int my = std::min(static_cast<int>((y + 0.5) * box.scale_y), small.height - 1);
        differing += at_image[static_cast<size_t>(y) * width + x] != at_model[static_cast<size_t>(my) * small.width + mx];
      }
    return differing;
  };
  CHECK(differing_from_nearest(big.class_map, small.class_map) == 0);
  // A per-call request gives the same maps as the option, and the confidence samples like the classes.
  const seg::SegmentationResult requested = at_model_size.segment(image, {true, true});  // a copy
  CHECK(requested.class_map == big.class_map);
  REQUIRE(requested.confidence.size() == big.class_map.size());
  const seg::SegmentationResult& small_confidence = at_model_size.segment(image, {false, true});
  REQUIRE(small_confidence.class_map == small.class_map);
  CHECK(differing_from_nearest(requested.confidence, small_confidence.confidence) == 0);
  // Nearest sampling only drops classes, never invents one.
  for (const seg::LegendEntry& entry : big.legend)
    CHECK(std::any_of(small.legend.begin(), small.legend.end(),
                      [&](const seg::LegendEntry& e) { return e.index == entry.index; }));
}

TEST_CASE("segmenter refuses a classifier-shaped model", "[segmentation]") {
  const garden::Model model =
      garden::load_model_file(std::string(GARDEN_FIXTURE_DIR) + "/efficientnet_b0/model.onnx");
  CHECK(garden_test::error_code_of([&] { seg::Segmenter segmenter(model, seg::preset("pascal")); }) ==
        garden::ErrorCode::kUnsupportedModel);
}
