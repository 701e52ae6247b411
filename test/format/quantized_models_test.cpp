// garden-convert --quantize on every architecture fixture and real model
// (scripts/make-fixtures): the quantized model is written as .garden, read
// back and run on the fixture's input, against the f32 model on the same
// input.
//
//   fp16: the output's signal-to-noise ratio against f32 at least 50 dB (an
//         RMS error of 0.3 %). Rounding a weight to f16's 11 significant bits
//         is about -73 dB; through 50 to 100 layers the outputs measured
//         52.6 dB (PP-OCRv4 det) to 69 dB (EfficientNet-B0), so max|diff| is
//         not within 1e-3 x max|f32| everywhere (DeepLab 3.3e-3, and 0.064 on
//         one pixel of PP-OCRv4's probability map). The weights of layers
//         become f16, nothing else: close to half the weight bytes.
//   int8: weights per channel, inputs of the int8 layers quantized per image
//         at run time, so the error is that of 8-bit activations: the output's
//         signal-to-noise ratio against f32 must reach each model's floor
//         below (measured, then lowered by about 3 dB), and the file's weights
//         shrink to at most the stated share. Real models are also checked
//         for what users see: nsfwjs ranks chelsea.png's classes as in f32,
//         the selfie mask and PP-OCRv4's text map keep their shape.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "format/garden_format.h"
#include "garden/model.h"
#include "garden/session.h"
#include "support/fixtures.h"

namespace {

struct Case {
  const char* fixture;
  const char* file;
  double min_snr_db;          // int8 output against f32
  double max_int8_share;      // int8 weight bytes / f32 weight bytes
};

// The first output of one run on the fixture's input.bin.
std::vector<float> run(const garden::Model& model, const std::vector<float>& input) {
  garden::Session session(model, {2, false});
  REQUIRE(garden::element_count(session.input(0).shape) == static_cast<int64_t>(input.size()));
  std::copy(input.begin(), input.end(), session.input(0).data);
  session.run();
  const garden::TensorView out = session.output(0);
  return std::vector<float>(out.data, out.data + garden::element_count(out.shape));
}

garden::Model load(const Case& c) {
  const std::string dir = garden_test::fixture_path(c.fixture);
  garden::LoadOptions options;
  const garden::Shape shape = garden_test::first_input_shape(garden_test::read_text(dir + "/meta.json"));
  if (shape.size() == 4 && std::string(c.file) == "model.onnx") {  // NCHW: sizes for dynamic inputs
    options.input_height = shape[2];
    options.input_width = shape[3];
  }
  return garden::load_model_file(dir + "/" + c.file, options);
}

// Quantized, written as .garden and read back, as garden-convert does.
garden::Model quantized(const Case& c, garden::WeightStorage storage, garden::QuantizationReport& report) {
  garden::Model model = load(c);
  report = garden::quantize_weights(model, storage);
  const std::vector<uint8_t> bytes = garden::write_garden(model.graph);
  return garden::Model{garden::read_garden(bytes.data(), bytes.size())};
}

double snr_db(const std::vector<float>& reference, const std::vector<float>& test) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    signal += double(reference[i]) * reference[i];
    noise += (double(test[i]) - reference[i]) * (double(test[i]) - reference[i]);
  }
  return noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
}

// Intersection over union of {value > threshold} in both maps.
double iou(const std::vector<float>& a, const std::vector<float>& b, float threshold) {
  size_t both = 0, either = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    both += a[i] > threshold && b[i] > threshold;
    either += a[i] > threshold || b[i] > threshold;
  }
  return either == 0 ? 1.0 : double(both) / either;
}

struct Quantized {
  std::vector<float> f32, fp16, int8;
};

Quantized check_case(const Case& c) {
  INFO(c.fixture);
  const std::vector<float> input = garden_test::read_f32(garden_test::fixture_path(std::string(c.fixture) + "/input.bin"));
  Quantized out;
  out.f32 = run(load(c), input);

  garden::QuantizationReport half;
  out.fp16 = run(quantized(c, garden::WeightStorage::kF16, half), input);
  double diff = 0, largest = 0;
  for (size_t i = 0; i < out.f32.size(); ++i) {
    diff = std::max(diff, std::fabs(double(out.fp16[i]) - out.f32[i]));
    largest = std::max(largest, std::fabs(double(out.f32[i])));
  }
  CHECK(snr_db(out.f32, out.fp16) >= 50);
  CHECK(double(half.bytes_after) <= 0.55 * half.bytes_before);

  garden::QuantizationReport report;
  out.int8 = run(quantized(c, garden::WeightStorage::kInt8, report), input);
  const double snr = snr_db(out.f32, out.int8);
  const double share = double(report.bytes_after) / report.bytes_before;
  std::cout << "quantize " << c.fixture << ": fp16 " << snr_db(out.f32, out.fp16) << " dB, max|diff| " << diff / largest << " x max|f32|; int8 " << snr
            << " dB, weights " << report.bytes_before << " -> " << report.bytes_after << " bytes (" << share
            << "), " << report.int8_layers << " int8 layers, " << report.float_layers.size() << " float" << std::endl;
  CHECK(report.int8_layers > 0);
  CHECK(snr >= c.min_snr_db);
  CHECK(share <= c.max_int8_share);
  return out;
}

}  // namespace

// Architectures with seeded random weights: no meaning, all the layer types.
TEST_CASE("fp16 and int8 weights: architectures", "[convert][quantize]") {
  for (const Case& c : {Case{"efficientnet_b0", "model.onnx", 33, 0.3}, Case{"deeplabv3_mnv2", "model.onnx", 21, 0.28},
                        Case{"psenet_r50", "model.onnx", 24, 0.26}})
    check_case(c);
}

TEST_CASE("fp16 and int8 weights: nsfwjs ranks chelsea.png as in f32", "[convert][quantize]") {
  const Quantized out = check_case({"nsfwjs_mobilenet_v2", "model.json", 17, 0.3});
  std::vector<int> f32_rank(out.f32.size()), int8_rank(out.f32.size());
  std::iota(f32_rank.begin(), f32_rank.end(), 0);
  std::iota(int8_rank.begin(), int8_rank.end(), 0);
  std::sort(f32_rank.begin(), f32_rank.end(), [&](int a, int b) { return out.f32[a] > out.f32[b]; });
  std::sort(int8_rank.begin(), int8_rank.end(), [&](int a, int b) { return out.int8[a] > out.int8[b]; });
  CHECK(int8_rank == f32_rank);
}

TEST_CASE("fp16 and int8 weights: the selfie mask and PP-OCRv4's text map keep their shape", "[convert][quantize]") {
  const Quantized selfie = check_case({"selfie_tflite", "model.tflite", 25, 0.45});
  CHECK(iou(selfie.f32, selfie.int8, 0.5f) >= 0.98);
  const Quantized det = check_case({"ppocrv4_det", "model.onnx", 17, 0.31});
  // DB's box threshold is 0.3 on this map.
  CHECK(iou(det.f32, det.int8, 0.3f) >= 0.95);
}
