// A classifier's embedding: the features its classification head reads,
// from the same run as its scores. The check that it is that tensor: the
// head's own weights applied to the embedding give the classifier's
// probabilities back. (The Node tests compare nsfwjs' embedding with TF.js.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "classification/classifier.h"
#include "garden/error.h"
#include "garden/image.h"
#include "packed_classifier.h"
#include "runner/image_runner.h"
#include "runners/synthetic_image.h"
#include "support/errors.h"

namespace cls = garden::classification;
using garden::Graph;
using garden::TensorId;
using garden_test::SyntheticImage;

namespace {

std::string fixture(const std::string& path) { return std::string(GARDEN_FIXTURE_DIR) + "/" + path; }

SyntheticImage test_image(int width, int height) {
  return {width, height, [&](int x, int y) {
            return garden_test::Rgb{x * 255 / width, (x + y) * 127 / (width + height), ((x / 16 + y / 16) % 2) * 200};
          }};
}

// The FullyConnected that reads `features`.
const garden::Node& head_of(const Graph& graph, TensorId features) {
  for (const garden::Node& node : graph.nodes)
    if (node.op == garden::OpType::kFullyConnected && node.inputs[0] == features) return node;
  FAIL("no FullyConnected reads the embedding");
  return graph.nodes.front();
}

// softmax(W e + b) (or W e + b for a model whose classify() reads its output
// as probabilities already and that ends in a softmax: applied here too).
std::vector<float> head_probabilities(const Graph& graph, const garden::Node& head, const std::vector<float>& e) {
  const garden::Tensor& weight = graph.tensor(head.inputs[1]);
  const size_t classes = static_cast<size_t>(weight.shape[0]);
  REQUIRE(static_cast<size_t>(weight.shape[1]) == e.size());
  REQUIRE_FALSE(head.attrs.has_activation());
  std::vector<double> logits(classes);
  for (size_t k = 0; k < classes; ++k) {
    double sum = head.inputs.size() > 2 ? graph.tensor(head.inputs[2]).f32()[k] : 0.0;
    for (size_t i = 0; i < e.size(); ++i) sum += double(weight.f32()[k * e.size() + i]) * e[i];
    logits[k] = sum;
  }
  const double top = *std::max_element(logits.begin(), logits.end());
  double total = 0.0;
  for (double& l : logits) total += (l = std::exp(l - top));
  std::vector<float> probabilities;
  for (double l : logits) probabilities.push_back(static_cast<float>(l / total));
  return probabilities;
}

// Every class's probability by index.
std::vector<float> by_index(const std::vector<cls::Prediction>& ranked) {
  std::vector<float> probabilities(ranked.size());
  for (const cls::Prediction& p : ranked) probabilities[static_cast<size_t>(p.index)] = p.probability;
  return probabilities;
}

void check_embedding_feeds_the_head(const std::string& path, const std::string& preset, size_t features) {
  INFO(path);
  const garden::Model model = garden::load_model_file(fixture(path));
  const TensorId head_input = garden::runner::classification_head_input(model.graph);
  REQUIRE(head_input >= 0);
  const garden::Node& head = head_of(model.graph, head_input);

  cls::Classifier classifier(model, cls::preset(preset));
  REQUIRE(classifier.embedding_size() == features);
  const SyntheticImage pixels = test_image(320, 240);
  const std::vector<float> embedding = classifier.embed(pixels.view());
  const int classes = static_cast<int>(model.graph.tensor(head.inputs[1]).shape[0]);
  const std::vector<float> probabilities = by_index(classifier.classify(pixels.view(), classes));
  const std::vector<float> expected = head_probabilities(model.graph, head, embedding);
  for (size_t k = 0; k < expected.size(); ++k) {
    INFO("class " << k);
    // Tolerance: f32 sums of ~1280 products in a different order than XNNPACK's.
    CHECK(probabilities[k] == Approx(expected[k]).margin(1e-5));
  }
  // classify() in between did not change what embed() gives for the frame.
  CHECK(classifier.embed(pixels.view()) == embedding);
}

}  // namespace

TEST_CASE("an embedding is what the classification head reads: nsfwjs (TF.js), EfficientNet-B0 (ONNX)",
          "[classification][embedding]") {
  check_embedding_feeds_the_head("nsfwjs_mobilenet_v2/model.json", "nsfwjs", 1792);  // MobileNetV2 x1.4
  check_embedding_feeds_the_head("efficientnet_b0/model.onnx", "efficientnet-b0", 1280);
}

// The catalogue names nsfwjs' tensor (TF Hub's feature_vector); it is the
// one the head reads, so the name and the search agree.
TEST_CASE("the catalogue's embedding tensor for nsfwjs is its head's input", "[classification][embedding]") {
  const garden::Model model = garden::load_model_file(fixture("nsfwjs_mobilenet_v2/model.json"));
  const std::string named = cls::preset("nsfwjs").embedding_output;
  CHECK(named.size() > 30);
  CHECK(model.graph.tensor(garden::runner::classification_head_input(model.graph)).name == named);
  CHECK(cls::preset("efficientnet-b0").embedding_output.empty());
}

// The packed classifier's head reads the mean pixel: a flat colour's
// embedding is its normalized value.
TEST_CASE("a TFLite classifier's embedding is its pooled input", "[classification][embedding]") {
  const garden_test::PackedClassifier packed;
  const std::vector<uint8_t> file = packed.file("a\nb\nc\nd\ne\n");
  const garden::Model model = garden::load_model_bytes(file.data(), file.size(), garden::ModelFormat::kTflite);
  const cls::ClassifierOptions options = cls::preset("efficientnet-lite0");
  cls::Classifier classifier(model, options);
  REQUIRE(classifier.embedding_size() == 3);
  const garden_test::Rgb color{30, 160, 250};
  const SyntheticImage frame(16, 12, [&](int, int) { return color; });
  const std::vector<float> embedding = classifier.embed(frame.view());
  for (int c = 0; c < 3; ++c) {
    const float expected = (color[c] / 255.f - options.normalization->mean[c]) / options.normalization->std[c];
    CHECK(embedding[static_cast<size_t>(c)] == Approx(expected).margin(1e-6));
  }
}

TEST_CASE("embedding_output names any computed tensor; a wrong name or no head is a typed error",
          "[classification][embedding]") {
  const garden::Model model = garden::load_model_file(fixture("nsfwjs_mobilenet_v2/model.json"));
  cls::ClassifierOptions options = cls::preset("nsfwjs");
  const SyntheticImage pixels = test_image(64, 64);

  // The map before pooling: [1, 7, 7, 1792], read NHWC.
  std::string before_pooling;
  for (const garden::Node& node : model.graph.nodes)
    if (node.op == garden::OpType::kGlobalAveragePool2D || node.op == garden::OpType::kMean ||
        node.op == garden::OpType::kAveragePool2D)
      before_pooling = model.graph.tensor(node.inputs[0]).name;
  REQUIRE_FALSE(before_pooling.empty());
  options.embedding_output = before_pooling;
  cls::Classifier spatial(model, options);
  constexpr size_t kChannels = 1792;
  CHECK(spatial.embedding_size() == 7 * 7 * kChannels);
  const std::vector<float> map = spatial.embed(pixels.view());
  // Its mean over the pixels is the pooled embedding.
  const std::vector<float> pooled = cls::Classifier(model, cls::preset("nsfwjs")).embed(pixels.view());
  for (size_t c = 0; c < kChannels; c += 97) {
    double sum = 0;
    for (size_t p = 0; p < 49; ++p) sum += map[p * kChannels + c];
    CHECK(sum / 49 == Approx(pooled[c]).margin(1e-5));
  }

  options.embedding_output = "no/such/tensor";
  CHECK(garden_test::error_code_of([&] { cls::Classifier(model, options); }) == garden::ErrorCode::kInvalidArgument);

  // A segmentation model has no classification head.
  const garden::Model selfie = garden::load_model_file(fixture("selfie_tflite/model.tflite"));
  cls::ClassifierOptions any = cls::preset("efficientnet-b0");
  any.output_is_logits = false;
  try {
    cls::Classifier no_head(selfie, any);
    CHECK(no_head.embedding_size() == 0);
    CHECK(garden_test::error_code_of([&] { no_head.embed(pixels.view()); }) == garden::ErrorCode::kUnsupportedModel);
  } catch (const garden::Error& error) {
    FAIL(error.what());
  }
}
