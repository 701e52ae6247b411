// The classification runner on the EfficientNet-B0 fixture (torchvision's
// architecture with seeded random weights, so no class is meaningful): its
// top-k must be the softmax of a direct Session run on the same resized input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "classification/classifier.h"
#include "garden/error.h"
#include "garden/image.h"
#include "garden/session.h"
#include "labels/labels.h"
#include "runners/synthetic_image.h"
#include "support/errors.h"
#include "packed_classifier.h"

namespace cls = garden::classification;
using garden_test::SyntheticImage;

namespace {

const std::string kModel = std::string(GARDEN_FIXTURE_DIR) + "/efficientnet_b0/model.onnx";

// A smooth color field with some structure, so the resize has work to do.
SyntheticImage test_image(int width, int height) {
  return {width, height, [&](int x, int y) {
            return garden_test::Rgb{x * 255 / width, y * 255 / height, ((x / 16 + y / 16) % 2) * 200};
          }};
}

}  // namespace

TEST_CASE("classifier top-k equals softmax + argmax of a direct Session run", "[classification]") {
  const garden::Model model = garden::load_model_file(kModel);
  const SyntheticImage pixels = test_image(300, 200);
  const garden::ImageView image = pixels.view();

  cls::Classifier classifier(model, cls::preset("efficientnet-b0"));
  CHECK(classifier.input_width() == 224);
  CHECK(classifier.input_height() == 224);
  const std::vector<cls::Prediction> top = classifier.classify(image, 5);
  REQUIRE(top.size() == 5);

  // Sorted, a distribution, named from ImageNet.
  float sum = 0.f;
  for (size_t i = 0; i < top.size(); ++i) {
    if (i > 0) CHECK(top[i - 1].probability >= top[i].probability);
    CHECK(top[i].probability >= 0.f);
    sum += top[i].probability;
    REQUIRE(top[i].index >= 0);
    REQUIRE(top[i].index < 1000);
    CHECK(top[i].class_name == garden::labels::imagenet()[static_cast<size_t>(top[i].index)]);
  }
  CHECK(sum <= 1.f + 1e-5f);

  // The same input by hand: stretch to 224x224, ImageNet mean/std, NCHW.
  garden::Session session(model);
  garden::resize_normalize(image, 224, 224, garden::Layout::kNCHW, garden::imagenet_normalization(),
                           session.input(0).data);
  session.run();
  std::vector<float> probabilities(1000);
  garden::softmax(session.output(0).data, probabilities.size(), probabilities.data());
  const auto best = std::max_element(probabilities.begin(), probabilities.end());
  CHECK(top[0].index == static_cast<int>(best - probabilities.begin()));
  // Same kernels, same input: only summation order may differ.
  CHECK(top[0].probability == Approx(*best).margin(1e-6));
  const float total = std::accumulate(probabilities.begin(), probabilities.end(), 0.f);
  CHECK(total == Approx(1.f).margin(1e-4));

  // A second call on the same frame gives the same answer (buffers reused).
  const std::vector<cls::Prediction> again = classifier.classify(image, 5);
  for (size_t i = 0; i < top.size(); ++i) {
    CHECK(again[i].index == top[i].index);
    CHECK(again[i].probability == top[i].probability);
  }
}

TEST_CASE("classifier rejects top_k outside [1, classes] and bad images", "[classification]") {
  const garden::Model model = garden::load_model_file(kModel);
  cls::Classifier classifier(model, cls::preset("efficientnet-b0"));
  const SyntheticImage pixels = test_image(8, 8);
  const garden::ImageView image = pixels.view();
  for (const int k : {0, -1, 1001}) {
    INFO("top_k " << k);
    CHECK(garden_test::error_code_of([&] { classifier.classify(image, k); }) == garden::ErrorCode::kInvalidArgument);
  }
  CHECK(classifier.classify(image, 1000).size() == 1000);
  const garden::ImageView empty{pixels.rgba.data(), 0, 8, 32};
  CHECK_THROWS_AS(classifier.classify(empty, 1), garden::Error);
}

TEST_CASE("classifier presets: sizes, normalization, labels", "[classification]") {
  const int sizes[] = {224, 240, 260, 300, 380, 456, 528, 600};
  for (int b = 0; b < 8; ++b)
    CHECK(cls::preset_input_size("efficientnet-b" + std::to_string(b)) == sizes[b]);
  const int lite_sizes[] = {224, 240, 260, 280, 300};
  for (int l = 0; l < 5; ++l)
    CHECK(cls::preset_input_size("efficientnet-lite" + std::to_string(l)) == lite_sizes[l]);

  const cls::ClassifierOptions b3 = cls::preset("efficientnet-b3");
  REQUIRE(b3.normalization);
  CHECK(b3.normalization->mean[0] == Approx(0.485f));
  CHECK(b3.normalization->std[2] == Approx(0.225f));
  CHECK(b3.preset_labels.size() == 1000);
  CHECK(b3.output_is_logits);

  // (pixel - 127) / 128: pixel 255 → 1.0, pixel 127 → 0.
  const cls::ClassifierOptions lite = cls::preset("efficientnet-lite2");
  REQUIRE(lite.normalization);
  CHECK((1.f - lite.normalization->mean[0]) / lite.normalization->std[0] == Approx(1.f));
  CHECK((127.f / 255.f - lite.normalization->mean[1]) / lite.normalization->std[1] == Approx(0.f).margin(1e-6));

  const cls::ClassifierOptions mobilenet = cls::preset("mobilenet-v2");
  CHECK(mobilenet.label_offset == 1);
  CHECK(mobilenet.preset_labels.size() == 1000);

  const cls::ClassifierOptions nsfw = cls::preset("nsfwjs");
  CHECK_FALSE(nsfw.output_is_logits);
  CHECK(nsfw.preset_labels == std::vector<std::string>{"Drawing", "Hentai", "Neutral", "Porn", "Sexy"});
  REQUIRE(nsfw.normalization);
  CHECK(nsfw.normalization->mean[0] == 0.f);
  CHECK(nsfw.normalization->std[0] == 1.f);

  try {
    cls::preset("resnet-50");
    FAIL("unknown preset accepted");
  } catch (const garden::Error& error) {
    CHECK(error.code() == garden::ErrorCode::kInvalidArgument);
    CHECK(std::string(error.what()).find("efficientnet-b0") != std::string::npos);
  }
}

// The model's own labels (packed in the .tflite) name the classes, not the
// preset's ImageNet labels; its own softmax is not applied a second time.
TEST_CASE("a classifier names classes by the labels its .tflite packs, and reads its softmax as probabilities",
          "[classification][labels]") {
  const garden_test::PackedClassifier classifier;
  const std::vector<uint8_t> file = classifier.file("tench\ngoldfish\nshark\nhen\nostrich\n");
  const garden::Model model = garden::load_model_bytes(file.data(), file.size(), garden::ModelFormat::kTflite);
  const cls::ClassifierOptions options = cls::preset("efficientnet-lite0");
  REQUIRE(options.preset_labels.size() == 1000);
  cls::Classifier runner(model, options);
  const garden_test::Rgb color{200, 40, 90};
  const SyntheticImage frame(32, 24, [&](int, int) { return color; });
  const std::vector<cls::Prediction> ranked = runner.classify(frame.view(), classifier.classes);
  float input[3];
  for (int c = 0; c < 3; ++c) input[c] = (color[c] / 255.f - options.normalization->mean[c]) / options.normalization->std[c];
  const std::vector<float> expected = classifier.expected(input);
  const std::vector<std::string> names{"tench", "goldfish", "shark", "hen", "ostrich"};
  REQUIRE(ranked.size() == expected.size());
  for (const cls::Prediction& prediction : ranked) {
    // Tolerance: f32 rounding of a 3-term sum and a 5-way softmax.
    CHECK(prediction.probability == Approx(expected[prediction.index]).margin(1e-5));
    CHECK(prediction.class_name == names[prediction.index]);
  }
  // The caller's labels still win over the model's.
  cls::ClassifierOptions given = options;
  given.labels = {"a", "b", "c", "d", "e"};
  CHECK(cls::Classifier(model, given).classify(frame.view(), 1)[0].class_name == given.labels[ranked[0].index]);
}

// Labels that name every output, the background class too, are read from the
// same index as the probabilities (label_offset 1 drops both).
TEST_CASE("a classifier with a background class reads labels that include it", "[classification][labels]") {
  const garden_test::PackedClassifier classifier;
  const std::vector<uint8_t> file = classifier.file("background\ntench\ngoldfish\nshark\nhen\n");
  const garden::Model model = garden::load_model_bytes(file.data(), file.size(), garden::ModelFormat::kTflite);
  cls::ClassifierOptions options = cls::preset("mobilenet-v2");
  REQUIRE(options.label_offset == 1);
  const SyntheticImage frame(8, 8, [](int, int) { return garden_test::Rgb{10, 250, 120}; });
  const std::vector<cls::Prediction> ranked = cls::Classifier(model, options).classify(frame.view(), 4);
  const std::vector<std::string> names{"tench", "goldfish", "shark", "hen"};
  for (const cls::Prediction& prediction : ranked) CHECK(prediction.class_name == names[prediction.index]);
}
