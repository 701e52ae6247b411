// What the three runners share through their base (models/runner): the rule
// for a port whose layout is undeclared, the task a model's metadata names,
// and normalization and labels taken from that metadata.
//
// Most cases use a hand-built model that passes the first channel of its
// image input through (Slice), so the output shows exactly what the runner
// wrote into the input: with an identity normalization and an image of the
// input's size, output pixel i is the red value of image pixel i / 255.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "classification/classifier.h"
#include "garden/error.h"
#include "garden/model.h"
#include "garden/session.h"
#include "runners/synthetic_image.h"
#include "segmentation/segmenter.h"
#include "support/fixtures.h"
#include "text_detection/text_detector.h"

namespace cls = garden::classification;
namespace seg = garden::segmentation;
namespace text = garden::text;
using garden_test::Rgb;
using garden_test::SyntheticImage;

namespace {

constexpr int kSide = 32;

// Input `input_shape` with no declared layout, sliced to its first channel
// along `channel_axis`.
garden::Model first_channel_model(const garden::Shape& input_shape, int channel_axis) {
  garden::Graph graph;
  garden::Tensor input;
  input.name = "image";
  input.shape = input_shape;
  garden::Tensor output;
  output.name = "first_channel";
  output.shape = input_shape;
  output.shape[static_cast<size_t>(channel_axis)] = 1;
  garden::Node slice{garden::OpType::kSlice, "slice", {graph.add_tensor(input)}, {graph.add_tensor(output)}, {}};
  slice.attrs.ints = {0, 0, 0, 0};
  slice.attrs.ints.insert(slice.attrs.ints.end(), output.shape.begin(), output.shape.end());
  graph.inputs = slice.inputs;
  graph.outputs = slice.outputs;
  graph.nodes.push_back(std::move(slice));
  return garden::Model{std::move(graph)};
}

garden::Model nchw_model() { return first_channel_model({1, 3, kSide, kSide}, 1); }
garden::Model nhwc_model() { return first_channel_model({1, kSide, kSide, 3}, 3); }

// A bright red bar (x 8..23, y 12..19) on a dark ground; green and blue vary
// so that a channel read from the wrong place shows.
int red_at(int x, int y) { return x >= 8 && x <= 23 && y >= 12 && y <= 19 ? 230 : 10; }
const SyntheticImage kImage(kSide, kSide, [](int x, int y) { return Rgb{red_at(x, y), 60 + x, 120 + y}; });

float red_value(int pixel) { return static_cast<float>(red_at(pixel % kSide, pixel / kSide)) / 255.f; }

cls::ClassifierOptions raw_classifier() {
  cls::ClassifierOptions options;
  options.normalization = garden::Normalization{};
  options.output_is_logits = false;  // the scores are the pixels themselves
  return options;
}

seg::SegmenterOptions mask_segmenter() {
  seg::SegmenterOptions options;
  options.normalization = garden::Normalization{};
  options.fit = garden::Fit::kStretch;
  options.binary_soft_mask = true;
  return options;
}

text::TextDetectorOptions db_detector() {
  text::TextDetectorOptions options;
  options.normalization = garden::Normalization{};  // red first, not PaddleOCR's BGR
  return options;
}

// Every class is a pixel; its probability that pixel's red value, transformed.
template <typename Transform>
void check_classifier_scores(cls::Classifier& classifier, Transform expected) {
  const std::vector<cls::Prediction> all = classifier.classify(kImage.view(), kSide * kSide);
  for (const cls::Prediction& prediction : all)
    CHECK(prediction.probability == Approx(expected(red_value(prediction.index))).margin(1e-5));
}

void check_layout_is_read(const garden::Model& model) {
  cls::Classifier classifier(model, raw_classifier());
  check_classifier_scores(classifier, [](float red) { return red; });

  seg::Segmenter segmenter(model, mask_segmenter());
  const seg::SegmentationResult& result = segmenter.segment(kImage.view());
  REQUIRE(result.width == kSide);
  REQUIRE(result.height == kSide);
  for (int i = 0; i < kSide * kSide; ++i) {
    CHECK(result.confidence[i] == Approx(red_value(i)).margin(1e-5));
    CHECK(result.class_map[i] == (red_value(i) > 0.5f ? 1 : 0));
  }

  text::TextDetector detector(model, db_detector());
  const std::vector<text::TextBox> boxes = detector.detect(kImage.view());
  REQUIRE(boxes.size() == 1);
  float center_x = 0.f, center_y = 0.f;
  for (const auto& point : boxes[0].points) {
    center_x += point.x / 4;
    center_y += point.y / 4;
  }
  CHECK(center_x == Approx(15.5f).margin(0.5f));
  CHECK(center_y == Approx(15.5f).margin(0.5f));
}

template <typename Build>
void check_refused(Build build, const std::string& reason) {
  try {
    build();
    FAIL("accepted a model whose " << reason);
  } catch (const garden::Error& error) {
    INFO(error.what());
    CHECK(error.code() == garden::ErrorCode::kUnsupportedModel);
    CHECK(std::string(error.what()).find(reason) != std::string::npos);
  }
}

void check_every_runner_refuses(const garden::Model& model, const std::string& reason) {
  check_refused([&] { cls::Classifier(model, raw_classifier()); }, reason);
  check_refused([&] { seg::Segmenter(model, mask_segmenter()); }, reason);
  check_refused([&] { text::TextDetector(model, db_detector()); }, reason);
}

}  // namespace

TEST_CASE("an undeclared layout is read from where the channels stand, in every runner", "[runners]") {
  SECTION("channels at axis 1: NCHW") { check_layout_is_read(nchw_model()); }
  SECTION("channels at axis 3: NHWC") { check_layout_is_read(nhwc_model()); }
  SECTION("3 at both axes: refused") {
    check_every_runner_refuses(first_channel_model({1, 3, kSide, 3}, 1), "could be NCHW or NHWC");
  }
  SECTION("3 at neither axis: refused") {
    check_every_runner_refuses(first_channel_model({1, 4, kSide, kSide}, 1), "must have 3 channel");
  }
}

TEST_CASE("a runner refuses a model made for another task", "[runners]") {
  garden::Model model = nchw_model();
  model.graph.info.task = "segmentation";
  check_refused([&] { cls::Classifier(model, raw_classifier()); }, "made for segmentation");
  CHECK_NOTHROW(seg::Segmenter(model, mask_segmenter()));
  model.graph.info.task = "classification";
  check_refused([&] { text::TextDetector(model, db_detector()); }, "made for classification");
  CHECK_NOTHROW(cls::Classifier(model, raw_classifier()));
  model.graph.info.task = "text_detection";
  check_refused([&] { seg::Segmenter(model, mask_segmenter()); }, "made for text_detection");
  CHECK_NOTHROW(text::TextDetector(model, db_detector()));
}

TEST_CASE("the model's normalization applies unless the options give one", "[runners]") {
  garden::Model model = nhwc_model();
  model.graph.info.mean = {0.2f, 0.2f, 0.2f};
  model.graph.info.std = {0.5f, 0.5f, 0.5f};
  auto from_model = [](float red) { return (red - 0.2f) / 0.5f; };

  cls::ClassifierOptions unset = raw_classifier();
  unset.normalization.reset();
  cls::Classifier with_model_values(model, unset);
  check_classifier_scores(with_model_values, from_model);
  cls::Classifier with_given_values(model, raw_classifier());
  check_classifier_scores(with_given_values, [](float red) { return red; });

  seg::SegmenterOptions segmenter_options = mask_segmenter();
  segmenter_options.normalization.reset();
  seg::Segmenter segmenter(model, segmenter_options);
  const seg::SegmentationResult& result = segmenter.segment(kImage.view());
  for (int i = 0; i < kSide * kSide; ++i) CHECK(result.confidence[i] == Approx(from_model(red_value(i))).margin(1e-5));
}

// EfficientNet-B0 written as a .garden file with its preprocessing and class
// names in its metadata classifies as the same model given them as options.
TEST_CASE("a .garden model's metadata gives the classifier its normalization and labels", "[runners]") {
  const garden::Model onnx = garden::load_model_file(garden_test::fixture_path("efficientnet_b0/model.onnx"));
  std::vector<std::string> labels;
  for (int i = 0; i < 1000; ++i) labels.push_back("kind " + std::to_string(i));
  garden::Normalization normalization;
  for (int c = 0; c < 3; ++c) {
    normalization.mean[c] = 0.3f + 0.1f * c;
    normalization.std[c] = 0.2f + 0.05f * c;
  }

  garden::Model described = onnx;
  described.graph.info.task = "classification";
  described.graph.info.labels = labels;
  described.graph.info.mean = {normalization.mean[0], normalization.mean[1], normalization.mean[2]};
  described.graph.info.std = {normalization.std[0], normalization.std[1], normalization.std[2]};
  const std::vector<uint8_t> file = garden::save_model_bytes(described);
  const garden::Model loaded = garden::load_model_bytes(file.data(), file.size(), garden::ModelFormat::kGarden);

  const SyntheticImage image(120, 90, [](int x, int y) { return Rgb{x * 2, y * 2, (x + y) % 256}; });
  cls::Classifier from_metadata(loaded, cls::ClassifierOptions{});
  cls::ClassifierOptions given;
  given.normalization = normalization;
  given.labels = labels;
  cls::Classifier from_options(onnx, given);
  const std::vector<cls::Prediction> expected = from_options.classify(image.view(), 5);
  const std::vector<cls::Prediction> ranked = from_metadata.classify(image.view(), 5);
  REQUIRE(ranked.size() == expected.size());
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    CHECK(ranked[rank].index == expected[rank].index);
    CHECK(ranked[rank].probability == Approx(expected[rank].probability).margin(1e-6));
    CHECK(ranked[rank].class_name == expected[rank].class_name);
    CHECK(ranked[rank].class_name == labels[static_cast<size_t>(ranked[rank].index)]);
  }
  // The metadata made a difference: without it, ImageNet's mean/std apply.
  cls::Classifier without_metadata(onnx, cls::ClassifierOptions{});
  CHECK(without_metadata.classify(image.view(), 1)[0].probability != Approx(ranked[0].probability).margin(1e-6));
}
