// Tests of the TFLite importer: small models built here (tflite_builder.h)
// checked against direct loops over TFLite's op definitions, hostile files
// (truncated, bit-flipped, out-of-range indices), and MediaPipe's selfie
// segmentation model against TF.js (fixture from scripts/make-fixtures).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>

#include "garden/error.h"
#include "garden/session.h"
#include "graph/half.h"
#include "graph/reference.h"
#include "import/importers.h"
#include "import/tflite/tflite_associated_files.h"
#include "support/fixtures.h"
#include "support/graph_builder.h"
#include "tflite_builder.h"

using namespace garden;
using namespace garden_test;

namespace {

constexpr int8_t kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kInt8 = 9;
constexpr int32_t kOpConv2D = 3, kOpDepthwise = 4, kOpDequantize = 6, kOpCustom = 32, kOpLshProjection = 15;
constexpr uint8_t kConv2DOptions = 1, kDepthwiseOptions = 2;

// Input [1,5,5,2] -> DEQUANTIZE(f16 weights) -> DEPTHWISE_CONV_2D (multiplier 2,
// SAME, stride 2, RELU6) -> [1,3,3,4] -> CONV_2D (int8 per-channel weights, 1x1,
// VALID) -> [1,3,3,3].
struct SmallModel {
  std::vector<float> depthwise_weights = random_values(3 * 3 * 4, 1);  // [1,3,3,4], f16-exact after rounding
  std::vector<float> depthwise_bias{0.1f, -0.2f, 0.3f, 0.f};
  std::vector<int8_t> conv_weights;  // [3,1,1,4]
  std::vector<float> conv_scales{0.01f, 0.02f, 0.005f};
  std::vector<int64_t> conv_zero_points{0, 3, -2};
  std::vector<float> conv_bias{0.5f, -0.5f, 0.25f};
  TfliteModel model;

  SmallModel() {
    std::vector<uint16_t> halves;
    for (float& w : depthwise_weights) {
      w *= 3.f;  // large enough that RELU6 clamps some outputs
      halves.push_back(float_to_half(w));
      w = half_to_float(halves.back());
    }
    for (int i = 0; i < 12; ++i) conv_weights.push_back(static_cast<int8_t>(i * 23 % 255 - 127));
    model.tensors = {
        {{1, 5, 5, 2}},                                                              // 0 input
        {{1, 3, 3, 4}, kFloat16, bytes_of(halves)},                                  // 1 f16 weights
        {{1, 3, 3, 4}},                                                              // 2 dequantized
        {{4}, kFloat32, bytes_of(depthwise_bias)},                                   // 3 bias
        {{1, 3, 3, 4}},                                                              // 4 depthwise out
        {{3, 1, 1, 4}, kInt8, bytes_of(conv_weights), conv_scales, conv_zero_points, 0},  // 5 int8 weights
        {{3}, kFloat32, bytes_of(conv_bias)},                                        // 6 bias
        {{1, 3, 3, 3}},                                                              // 7 output
    };
    TfliteOp dequantize{kOpDequantize, "", {1}, {2}};
    TfliteOp depthwise{kOpDepthwise, "", {0, 2, 3}, {4}, kDepthwiseOptions, [](flatbuffers::FlatBufferBuilder& b) {
                         return tfl::CreateDepthwiseConv2DOptions(b, 0, 2, 2, 2, 3).Union();  // SAME, RELU6
                       }};
    TfliteOp conv{kOpConv2D, "", {4, 5, 6}, {7}, kConv2DOptions, [](flatbuffers::FlatBufferBuilder& b) {
                    return tfl::CreateConv2DOptions(b, 1, 1, 1, 0).Union();  // VALID, no activation
                  }};
    model.ops = {dequantize, depthwise, conv};
    model.inputs = {0};
    model.outputs = {7};
  }

  // TFLite's definitions, written out directly.
  std::vector<float> expected(const std::vector<float>& x) const {
    std::vector<float> mid(3 * 3 * 4);
    for (int oy = 0; oy < 3; ++oy)
      for (int ox = 0; ox < 3; ++ox)
        for (int o = 0; o < 4; ++o) {
          float sum = depthwise_bias[o];
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;  // SAME: total pad 2, 1 at the top/left
              if (iy < 0 || iy >= 5 || ix < 0 || ix >= 5) continue;
              sum += x[(iy * 5 + ix) * 2 + o / 2] * depthwise_weights[(ky * 3 + kx) * 4 + o];
            }
          mid[(oy * 3 + ox) * 4 + o] = std::min(6.f, std::max(0.f, sum));
        }
    std::vector<float> out(3 * 3 * 3);
    for (int p = 0; p < 9; ++p)
      for (int o = 0; o < 3; ++o) {
        float sum = conv_bias[o];
        for (int i = 0; i < 4; ++i)
          sum += mid[p * 4 + i] * conv_scales[o] * static_cast<float>(conv_weights[o * 4 + i] - conv_zero_points[o]);
        out[p * 3 + o] = sum;
      }
    return out;
  }
};

Model load(const std::vector<uint8_t>& bytes) { return load_model_bytes(bytes.data(), bytes.size(), ModelFormat::kTflite); }

template <typename F>
void require_error(F f, ErrorCode code, const std::string& part) {
  try {
    f();
    FAIL("expected an error containing '" << part << "'");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == code);
    CHECK(std::string(e.what()).find(part) != std::string::npos);
  }
}

double max_abs_diff(const float* a, const std::vector<float>& b) {
  double diff = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    const double d = std::fabs(double(a[i]) - b[i]);
    diff = std::isnan(d) ? INFINITY : std::max(diff, d);
  }
  return diff;
}

// Loading either works (and then the model runs) or throws garden::Error.
void load_and_run_or_error(const std::vector<uint8_t>& bytes, bool run) {
  try {
    const Model model = load(bytes);
    if (!run) return;
    Session session(model);
    for (size_t i = 0; i < session.input_count(); ++i) {
      TensorView in = session.input(i);
      std::fill(in.data, in.data + element_count(in.shape), 0.5f);
    }
    session.run();
  } catch (const Error&) {
  }
}

const std::string kSelfieDir = std::string(GARDEN_FIXTURE_DIR) + "/selfie_tflite";

}  // namespace

TEST_CASE("TFLite: f16 DEQUANTIZE, depthwise with multiplier, SAME padding, RELU6, int8 per-channel conv",
          "[tflite]") {
  const SmallModel small;
  const Model model = load(build_tflite(small.model));
  REQUIRE(model.graph.inputs.size() == 1);
  CHECK(model.graph.tensor(model.graph.inputs[0]).layout == Layout::kNHWC);
  const std::vector<float> x = random_values(50, 7);
  for (int threads : {1, 2}) {
    Session session(model, {threads, false});
    REQUIRE(session.output(0).shape == Shape{1, 3, 3, 3});
    std::copy(x.begin(), x.end(), session.input(0).data);
    session.run();
    // Tolerance: f32 rounding of 9- and 4-term sums.
    CHECK(max_abs_diff(session.output(0).data, small.expected(x)) <= 1e-5);
  }
}

// A quantized TFLite model's symmetric per-channel int8 weights run in int8
// as published: the layer's weights stay the file's int8 values (its scales
// are max |q| / 127 per channel, as TFLite's quantizer makes them), and the
// input is quantized per image at run time (XNNPACK's QD8 layers).
TEST_CASE("TFLite: int8 per-channel conv weights run in int8 as the file stores them", "[tflite][quantize]") {
  constexpr int kIn = 32, kOut = 8, kPixels = 16;
  std::vector<int8_t> q(kOut * kIn);
  std::vector<float> scales(kOut), bias(kOut);
  for (int o = 0; o < kOut; ++o) {
    scales[o] = 0.004f * float(o + 1);
    bias[o] = 0.1f * float(o) - 0.3f;
    for (int i = 0; i < kIn; ++i) q[o * kIn + i] = static_cast<int8_t>((o * 37 + i * 11) % 255 - 127);
    q[o * kIn + o] = o % 2 ? 127 : -127;  // the channel's largest |q| is 127
  }
  TfliteModel m;
  m.tensors = {
      {{1, 4, 4, kIn}},                                                        // 0 input
      {{kOut, 1, 1, kIn}, kInt8, bytes_of(q), scales, std::vector<int64_t>(kOut, 0), 0},  // 1 int8 weights
      {{kOut}, kFloat32, bytes_of(bias)},                                      // 2 bias
      {{1, 4, 4, kOut}},                                                       // 3 output
  };
  m.ops = {TfliteOp{kOpConv2D, "", {0, 1, 2}, {3}, kConv2DOptions, [](flatbuffers::FlatBufferBuilder& b) {
                      return tfl::CreateConv2DOptions(b, 1, 1, 1, 0).Union();  // VALID, no activation
                    }}};
  m.inputs = {0};
  m.outputs = {3};
  const Model model = load(build_tflite(m));
  const garden::Node& conv = model.graph.nodes.back();
  REQUIRE(conv.op == OpType::kConv2D);
  const Tensor& w = model.graph.tensor(conv.inputs[1]);
  REQUIRE(w.dtype == DType::kQI8);
  CHECK(std::equal(q.begin(), q.end(), reinterpret_cast<const int8_t*>(w.data.data())));
  for (int o = 0; o < kOut; ++o) CHECK(w.scales[o] == Approx(scales[o]).epsilon(1e-6));
  CHECK(model.graph.info.int8_weights.empty());

  // Against the conv on the dequantized weights in f64. Tolerance, per
  // output: the input, quantized to 8 bits over its range [0, 1), is off by
  // at most half a step (0.5 / 255) in each of the 32 products, so the
  // output by at most 0.5 / 255 x the sum of |w| (plus f32 rounding);
  // measured 0.029 where the bounds are 0.08 to 0.25 (outputs up to 15).
  const std::vector<float> x = random_values(kPixels * kIn, 3);
  std::vector<float> input(x.size());
  for (size_t i = 0; i < x.size(); ++i) input[i] = std::fabs(x[i]) - std::floor(std::fabs(x[i]));
  std::vector<double> expected(kPixels * kOut), bound(kOut, 1e-4);
  for (int o = 0; o < kOut; ++o)
    for (int i = 0; i < kIn; ++i) bound[o] += 0.5 / 255 * std::fabs(double(scales[o]) * q[o * kIn + i]);
  for (int p = 0; p < kPixels; ++p)
    for (int o = 0; o < kOut; ++o) {
      double sum = bias[o];
      for (int i = 0; i < kIn; ++i) sum += double(input[p * kIn + i]) * scales[o] * q[o * kIn + i];
      expected[p * kOut + o] = sum;
    }
  for (int threads : {1, 2}) {
    Session session(model, {threads, false});
    std::copy(input.begin(), input.end(), session.input(0).data);
    session.run();
    const float* out = session.output(0).data;
    double largest_error = 0;
    for (size_t k = 0; k < expected.size(); ++k) {
      const double error = std::fabs(out[k] - expected[k]);
      largest_error = std::max(largest_error, error);
      INFO("output " << k << ": " << out[k] << " against " << expected[k]);
      CHECK(error <= bound[k % kOut]);
    }
    CHECK(largest_error > 1e-5);  // quantized arithmetic, not the f32 path
  }
}

// Weights with zero points are not symmetric: they are dequantized and the
// layer runs in f32 (SmallModel's conv), as before.
TEST_CASE("TFLite: int8 weights with zero points run in f32", "[tflite][quantize]") {
  const Model model = load(build_tflite(SmallModel().model));
  CHECK(model.graph.tensor(model.graph.nodes.back().inputs[1]).dtype == DType::kF32);
}

// Found by load_model_fuzzer: FlatBuffers reads through typed pointers, so a
// model at an odd address (a slice of a larger buffer) was misaligned access.
TEST_CASE("TFLite: a model at an unaligned address loads as it does aligned", "[tflite][hostile]") {
  const SmallModel small;
  const std::vector<uint8_t> bytes = build_tflite(small.model);
  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 1);
  const Model model = load_model_bytes(shifted.data() + 1, bytes.size(), ModelFormat::kTflite);
  const std::vector<float> x = random_values(50, 7);
  Session session(model, {1, false});
  std::copy(x.begin(), x.end(), session.input(0).data);
  session.run();
  CHECK(max_abs_diff(session.output(0).data, small.expected(x)) <= 1e-5);
}

TEST_CASE("TFLite: element-wise unary builtins become their graph ops", "[tflite]") {
  const std::vector<std::pair<int32_t, OpType>> builtins = {
      {8, OpType::kFloor}, {47, OpType::kExp},   {59, OpType::kNeg}, {73, OpType::kLog},  {75, OpType::kSqrt},
      {101, OpType::kAbs}, {104, OpType::kCeil}, {111, OpType::kElu}, {116, OpType::kRound}, {66, OpType::kSin},
      {108, OpType::kCos}, {158, OpType::kSign}};
  for (const auto& [code, op] : builtins) {
    SmallModel small;
    small.model.ops[2] = TfliteOp{code, "", {4}, {7}};
    small.model.tensors[7].shape = {1, 3, 3, 4};
    const Model model = load(build_tflite(small.model));
    INFO("builtin " << code);
    CHECK(model.graph.nodes.back().op == op);
  }
  SmallModel small;
  small.model.ops[2] = TfliteOp{98, "", {4}, {7}, 75, [](flatbuffers::FlatBufferBuilder& b) {
                                  return tfl::CreateLeakyReluOptions(b, 0.3f).Union();  // LEAKY_RELU
                                }};
  small.model.tensors[7].shape = {1, 3, 3, 4};
  const Model model = load(build_tflite(small.model));
  REQUIRE(model.graph.nodes.back().op == OpType::kLeakyRelu);
  CHECK(model.graph.nodes.back().attrs.alpha == 0.3f);
}

TEST_CASE("TFLite: MEAN, REDUCE_MAX, REDUCE_MIN and REDUCE_PROD become reductions over their axes", "[tflite]") {
  const std::vector<std::pair<int32_t, OpType>> builtins = {
      {40, OpType::kMean}, {82, OpType::kReduceMax}, {89, OpType::kReduceMin}, {81, OpType::kReduceProd}};
  for (const auto& [code, op] : builtins) {
    for (bool keep_dims : {true, false}) {
      SmallModel small;
      const std::vector<int32_t> axes{-1, 1};
      small.model.tensors.push_back({{2}, kInt32, bytes_of(axes)});  // 8: the axes
      small.model.ops[2] = TfliteOp{code, "", {4, 8}, {7}, 27, [keep_dims](flatbuffers::FlatBufferBuilder& b) {
                                      return tfl::CreateReducerOptions(b, keep_dims).Union();
                                    }};
      small.model.tensors[7].shape = keep_dims ? std::vector<int32_t>{1, 1, 3, 1} : std::vector<int32_t>{1, 3};
      const Model model = load(build_tflite(small.model));
      INFO("builtin " << code << " keep_dims " << keep_dims);
      const garden::Node& reduction = model.graph.nodes[keep_dims ? model.graph.nodes.size() - 1 : model.graph.nodes.size() - 2];
      REQUIRE(reduction.op == op);
      CHECK(reduction.attrs.ints == std::vector<int64_t>{1, 3});
      CHECK(model.graph.tensor(model.graph.outputs[0]).shape == (keep_dims ? Shape{1, 1, 3, 1} : Shape{1, 3}));
    }
  }
}

TEST_CASE("TFLite: element-wise binary builtins become their graph ops", "[tflite]") {
  // {code, BuiltinOptions tag of its (empty) options table, op}; PRELU has no options.
  struct Builtin {
    int32_t code;
    uint8_t options_type;
    OpType op;
  };
  const Builtin builtins[] = {{54, 0, OpType::kPRelu},
                              {55, 39, OpType::kMaximum},
                              {57, 39, OpType::kMinimum},
                              {78, 56, OpType::kPow},
                              {99, 76, OpType::kSquaredDifference},
                              {156, 122, OpType::kAtan2}};
  for (const Builtin& builtin : builtins) {
    SmallModel small;
    small.model.ops[2] = TfliteOp{builtin.code, "", {4, 3}, {7}, builtin.options_type, nullptr};
    if (builtin.options_type != 0) {
      small.model.ops[2].options = [](flatbuffers::FlatBufferBuilder& b) {
        return flatbuffers::Offset<void>(b.EndTable(b.StartTable()));
      };
    }
    small.model.tensors[7].shape = {1, 3, 3, 4};
    const Model model = load(build_tflite(small.model));
    INFO("builtin " << builtin.code);
    REQUIRE(model.graph.nodes.back().op == builtin.op);
    CHECK(model.graph.nodes.back().inputs.size() == 2);
  }
}

TEST_CASE("TFLite: unsupported ops are named", "[tflite]") {
  SmallModel small;
  small.model.ops[2] = TfliteOp{kOpLshProjection, "", {4}, {7}};
  small.model.tensors[7].shape = {1, 3, 3, 4};
  require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kUnsupportedOp,
                "unsupported TFLite op 'builtin op 15' (operator 2)");
  small.model.ops[2] = TfliteOp{kOpCustom, "MyCustomOp", {4}, {7}};
  require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kUnsupportedOp,
                "unsupported TFLite custom op 'MyCustomOp' (operator 2)");
}

TEST_CASE("TFLite: out-of-range indices are invalid models", "[tflite][hostile]") {
  SECTION("operator input tensor index") {
    SmallModel small;
    small.model.ops[1].inputs[0] = 99;
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "tensor index 99 is out of range");
  }
  SECTION("negative operator output tensor index") {
    SmallModel small;
    small.model.ops[1].outputs[0] = -5;
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "tensor index -5 is out of range");
  }
  SECTION("graph input and output indices") {
    SmallModel small;
    small.model.inputs = {8};
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "tensor index 8 is out of range");
    small.model.inputs = {0};
    small.model.outputs = {1000};
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "tensor index 1000 is out of range");
  }
  SECTION("buffer index") {
    SmallModel small;
    small.model.buffer_index_offset = 40;
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "buffer index 41 is out of range");
  }
  SECTION("operator code index") {
    SmallModel small;
    small.model.opcode_index_offset = 5;
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel,
                  "operator code index 5 is out of range");
  }
  SECTION("a tensor read before it is written") {
    SmallModel small;
    std::swap(small.model.ops[1], small.model.ops[2]);
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "before any operator writes it");
  }
  SECTION("a declared shape that does not follow from the inputs") {
    SmallModel small;
    small.model.tensors[4].shape = {1, 5, 5, 4};  // SAME with stride 2 gives 3x3
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "DEPTHWISE_CONV_2D (operator 1)");
  }
  SECTION("a constant with the wrong byte count") {
    SmallModel small;
    small.model.tensors[3].data.pop_back();
    require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kInvalidModel, "bytes; its shape needs");
  }
}

TEST_CASE("TFLite: a declared shape too large to count is refused, not overflowed", "[tflite][hostile]") {
  // Each dimension within the per-dimension limit (2^24); their product
  // (2^96) beyond int64. Found by load_model_fuzzer as a signed overflow.
  SmallModel small;
  small.model.tensors[0].shape = {1 << 24, 1 << 24, 1 << 24, 1 << 24};
  require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kLimitExceeded,
                "has more than 1073741824 elements");
  small.model.tensors[0].shape = {1 << 10, 1 << 10, 1 << 10, 2};  // 2^31: countable, over the limit
  require_error([&] { load(build_tflite(small.model)); }, ErrorCode::kLimitExceeded, "has more than 1073741824 elements");
}

TEST_CASE("TFLite: every truncation of a small model is refused", "[tflite][hostile]") {
  const std::vector<uint8_t> bytes = build_tflite(SmallModel().model);
  REQUIRE_NOTHROW(load(bytes));
  for (size_t size = 0; size < bytes.size(); ++size) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    INFO("prefix of " << size << " bytes");
    require_error([&] { load(prefix); }, ErrorCode::kInvalidModel, "");
  }
}

TEST_CASE("TFLite: random bit flips give a model or a garden::Error, never a crash", "[tflite][hostile]") {
  const std::vector<uint8_t> bytes = build_tflite(SmallModel().model);
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> flipped = bytes;
    for (int k = 0; k <= trial % 3; ++k) flipped[rng() % flipped.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    load_and_run_or_error(flipped, true);
  }
}

TEST_CASE("TFLite: the CRC-32 of packed files is ZIP's", "[tflite][labels]") {
  const std::string check = "123456789";  // the standard check input of CRC-32/ISO-HDLC
  CHECK(tflite::zip_crc32(reinterpret_cast<const uint8_t*>(check.data()), check.size()) == 0xcbf43926u);
  CHECK(tflite::zip_crc32(nullptr, 0) == 0u);
}

// MediaPipe's and Model Maker's models append a ZIP of associated files; a
// classifier's labels.txt among them become the model's labels.
TEST_CASE("TFLite: labels packed after the model become its labels", "[tflite][labels]") {
  const std::vector<uint8_t> plain = build_tflite(SmallModel().model);
  const std::vector<float> x = random_values(50, 7);
  const auto outputs = [&](const Model& model) {
    Session session(model, {1, false});
    std::copy(x.begin(), x.end(), session.input(0).data);
    session.run();
    return std::vector<float>(session.output(0).data, session.output(0).data + 27);
  };
  const std::vector<float> expected = outputs(load(plain));
  for (bool from_file_start : {false, true}) {
    INFO("offsets from the " << (from_file_start ? "file's" : "archive's") << " start");
    std::vector<uint8_t> packed = plain;
    append_zip(packed, {{"vocab.json", "{}"}, {"labels.txt", "cat\r\ndog\n\nbird\n"}}, from_file_start);
    const Model model = load(packed);
    // Windows line ends are cut; an empty line keeps its index.
    CHECK(model.graph.info.labels == std::vector<std::string>{"cat", "dog", "", "bird"});
    CHECK(outputs(model) == expected);
  }
  // Without labels.txt, the one .txt file; two are ambiguous: no labels.
  std::vector<uint8_t> one = plain, two = plain;
  append_zip(one, {{"classes.txt", "a\nb"}, {"README", "x"}});
  append_zip(two, {{"en.txt", "a"}, {"fr.txt", "b"}});
  CHECK(load(one).graph.info.labels == std::vector<std::string>{"a", "b"});
  CHECK(load(two).graph.info.labels.empty());
  CHECK(load(plain).graph.info.labels.empty());
}

// The archive is an annex: a damaged one leaves the model without labels,
// never unloadable.
TEST_CASE("TFLite: a damaged label archive loads the model without labels", "[tflite][labels][hostile]") {
  std::vector<uint8_t> packed = build_tflite(SmallModel().model);
  const size_t model_size = packed.size();
  append_zip(packed, {{"labels.txt", "cat\ndog\n"}});
  REQUIRE(load(packed).graph.info.labels.size() == 2);
  const size_t data_at = model_size + 30 + 10;  // local header, name
  std::vector<uint8_t> corrupted = packed;
  corrupted[data_at] ^= 1;  // the CRC no longer matches
  CHECK(load(corrupted).graph.info.labels.empty());
  std::vector<uint8_t> deflated = packed;
  deflated[model_size + 8] = 8;  // the local header says deflated; the directory still stored
  CHECK(load(deflated).graph.info.labels.empty());
  const size_t directory_method = packed.size() - 22 - (46 + 10) + 10;
  deflated = packed;
  deflated[directory_method] = 8;  // the directory says deflated: skipped
  CHECK(load(deflated).graph.info.labels.empty());
  for (size_t cut = 1; cut < packed.size() - model_size; ++cut) {
    INFO("archive cut by " << cut << " bytes");
    const std::vector<uint8_t> truncated(packed.begin(), packed.end() - static_cast<std::ptrdiff_t>(cut));
    CHECK(load(truncated).graph.info.labels.empty());
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> flipped = packed;
    flipped[model_size + rng() % (packed.size() - model_size)] ^= static_cast<uint8_t>(1u << (rng() % 8));
    const Model model = load(flipped);
    CHECK(model.graph.info.labels.size() <= 2);
  }
}

TEST_CASE("TFLite: MediaPipe selfie segmentation matches TF.js on a real photo", "[tflite][models]") {
  const std::vector<uint8_t> bytes = read_bytes(kSelfieDir + "/model.tflite");
  const std::vector<float> input = read_f32(kSelfieDir + "/input.bin");
  // TF.js with HardSwish's 1/6 as float32, as the .tflite computes it (see
  // scripts/fixtures/tflite_selfie_reference.mjs); the artifact as published
  // stores 1/6 as float16 and is only reported.
  const std::vector<float> expected = read_f32(kSelfieDir + "/expected_0.bin");
  const std::vector<float> published = read_f32(kSelfieDir + "/expected_published.bin");
  const Model model = load(bytes);
  REQUIRE(input.size() == 256 * 256 * 3);
  REQUIRE(expected.size() == 256 * 256);

  // The XNNPACK session against our reference evaluator on the same graph
  // (tolerance 1e-4: the two differ only in f32 summation order).
  const std::vector<std::vector<float>> reference = evaluate(model.graph, {input});
  for (int threads : {1, 2}) {
    Session session(model, {threads, false});
    REQUIRE(session.output(0).shape == Shape{1, 256, 256, 1});
    std::copy(input.begin(), input.end(), session.input(0).data);
    session.run();
    const double vs_reference = max_abs_diff(session.output(0).data, reference[0]);
    const double vs_tfjs = max_abs_diff(session.output(0).data, expected);
    size_t agree = 0;
    for (size_t i = 0; i < expected.size(); ++i) agree += (session.output(0).data[i] > 0.5f) == (expected[i] > 0.5f);
    std::cout << "selfie_tflite threads=" << threads << ": max|garden - TF.js| = " << vs_tfjs
              << " (tolerance 1e-2), max|xnnpack - reference evaluator| = " << vs_reference
              << ", mask agreement " << agree << "/" << expected.size()
              << "; max|garden - TF.js as published (1/6 in f16)| = "
              << max_abs_diff(session.output(0).data, published) << std::endl;
    CHECK(vs_reference <= 1e-4);
    CHECK(vs_tfjs <= 1e-2);
  }
}

TEST_CASE("TFLite: truncated and bit-flipped selfie models are refused cleanly", "[tflite][hostile]") {
  const std::vector<uint8_t> bytes = read_bytes(kSelfieDir + "/model.tflite");
  for (size_t size = 0; size < bytes.size(); size += 997) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
    INFO("prefix of " << size << " bytes");
    require_error([&] { load(prefix); }, ErrorCode::kInvalidModel, "");
  }
  std::mt19937 rng(7);
  // Half of the flips land in the first 16 KB, the other half anywhere.
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<uint8_t> flipped = bytes;
    const size_t at = trial % 2 == 0 ? rng() % 16384 : rng() % bytes.size();
    flipped[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    load_and_run_or_error(flipped, false);
  }
}
