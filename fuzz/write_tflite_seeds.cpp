// Writes small, valid .tflite files that seed the fuzzers (scripts/fuzz): the
// real TFLite models the project uses are hundreds of KB, far too large to
// mutate quickly. Together the seeds reach every TFLite operator the importer
// translates. Each seed is loaded once here, so a seed the importer rejects is
// reported instead of silently seeding only the error paths.
//
//   write_tflite_seeds OUT_DIR
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/model.h"
#include "graph/half.h"
#include "tflite_builder.h"

namespace {

using garden_test::bytes_of;
using garden_test::TfliteModel;
using garden_test::TfliteOp;
using garden_test::TfliteTensor;
namespace tfl = garden::tflite_schema;
using Builder = flatbuffers::FlatBufferBuilder;

// TensorType, BuiltinOperator and BuiltinOptions values of the TFLite format.
constexpr int8_t kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kInt8 = 9;
enum : int32_t {
  kAdd = 0, kAveragePool = 1, kConcat = 2, kConv = 3, kDepthwise = 4, kDequantize = 6, kFullyConnected = 9,
  kLogistic = 14, kMaxPool = 17, kMul = 18, kRelu6 = 21, kReshape = 22, kResizeBilinear = 23, kSoftmax = 25,
  kCustom = 32, kPad = 34, kMean = 40, kSub = 41, kDiv = 42, kSin = 66, kTransposeConv = 67, kReduceProd = 81,
  kReduceMax = 82, kReduceMin = 89, kCos = 108, kHardSwish = 117, kAtan2 = 156, kSign = 158,
};
enum : uint8_t {
  kConvOptions = 1, kDepthwiseOptions = 2, kPoolOptions = 5, kFullyConnectedOptions = 8, kSoftmaxOptions = 9,
  kConcatOptions = 10, kAddOptions = 11, kResizeBilinearOptions = 15, kMulOptions = 21, kReducerOptions = 27,
  kSubOptions = 28, kDivOptions = 29, kTransposeConvOptions = 49, kAtan2Options = 122,
};
constexpr int8_t kSame = 0, kValid = 1, kNoActivation = 0, kActivationRelu6 = 3;

std::vector<uint8_t> floats(size_t count, float scale) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = scale * static_cast<float>(static_cast<int>(i * 37 % 17) - 8) / 8.f;
  return bytes_of(values);
}

std::vector<uint8_t> ints(const std::vector<int32_t>& values) { return bytes_of(values); }

TfliteOp binary(int32_t op, uint8_t options_type, std::vector<int32_t> inputs, int32_t output) {
  return {op, "", std::move(inputs), {output}, options_type,
          [](Builder& b) { return tfl::CreateActivationOptions(b, kNoActivation).Union(); }};
}

// [1,5,5,2] -> DEQUANTIZE (f16 weights) -> DEPTHWISE_CONV_2D (multiplier 2,
// stride 2, RELU6) -> CONV_2D (int8 per-channel weights) -> [1,3,3,3].
TfliteModel quantized_chain() {
  std::vector<uint16_t> halves;
  for (size_t i = 0; i < 36; ++i) halves.push_back(garden::float_to_half(static_cast<float>(i % 7) / 7.f - 0.4f));
  const std::vector<int8_t> conv_weights{-127, -90, -40, 0, 12, 50, 90, 127, -3, 7, -60, 33};
  TfliteModel m;
  m.tensors = {
      {{1, 5, 5, 2}},
      {{1, 3, 3, 4}, kFloat16, bytes_of(halves)},
      {{1, 3, 3, 4}},
      {{4}, kFloat32, floats(4, 0.1f)},
      {{1, 3, 3, 4}},
      {{3, 1, 1, 4}, kInt8, bytes_of(conv_weights), {0.01f, 0.02f, 0.005f}, {0, 3, -2}, 0},
      {{3}, kFloat32, floats(3, 0.5f)},
      {{1, 3, 3, 3}},
  };
  m.ops = {
      {kDequantize, "", {1}, {2}},
      {kDepthwise, "", {0, 2, 3}, {4}, kDepthwiseOptions,
       [](Builder& b) { return tfl::CreateDepthwiseConv2DOptions(b, kSame, 2, 2, 2, kActivationRelu6).Union(); }},
      {kConv, "", {4, 5, 6}, {7}, kConvOptions,
       [](Builder& b) { return tfl::CreateConv2DOptions(b, kValid, 1, 1, kNoActivation).Union(); }},
  };
  m.inputs = {0};
  m.outputs = {7};
  return m;
}

// The same chain with symmetric int8 conv weights (no zero points), which
// load keeps in int8 and runs as XNNPACK's QD8 convolution.
TfliteModel published_int8_chain() {
  TfliteModel m = quantized_chain();
  m.tensors[5].zero_points = {0, 0, 0};
  return m;
}

// [1,8,8,4] through convolution, pooling, element-wise, concatenation, resize,
// transposed convolution, reduction and a classifier head -> [1,3].
TfliteModel mixed_ops() {
  TfliteModel m;
  m.tensors = {
      {{1, 8, 8, 4}},                                    // 0 input
      {{4, 3, 3, 4}, kFloat32, floats(144, 0.3f)},       // 1 conv weights [O,H,W,I]
      {{4}, kFloat32, floats(4, 0.1f)},                  // 2 conv bias
      {{1, 8, 8, 4}},                                    // 3 conv
      {{1, 8, 8, 4}},                                    // 4 hard swish
      {{1, 4, 4, 4}},                                    // 5 max pool
      {{1, 4, 4, 4}},                                    // 6 average pool
      {{1, 4, 4, 4}},                                    // 7 add
      {{4}, kFloat32, floats(4, 2.f)},                   // 8 scale
      {{1, 4, 4, 4}},                                    // 9 mul
      {{1, 4, 4, 4}},                                    // 10 logistic
      {{1, 4, 4, 8}},                                    // 11 concat
      {{2}, kInt32, ints({8, 8})},                       // 12 resize size
      {{1, 8, 8, 8}},                                    // 13 resize
      {{4}, kInt32, ints({1, 16, 16, 4})},               // 14 transpose conv output shape
      {{4, 2, 2, 8}, kFloat32, floats(128, 0.2f)},       // 15 transpose conv weights [O,H,W,I]
      {{1, 16, 16, 4}},                                  // 16 transpose conv
      {{2}, kInt32, ints({1, 2})},                       // 17 mean axes
      {{1, 1, 1, 4}},                                    // 18 mean
      {{2}, kInt32, ints({1, 4})},                       // 19 reshape shape
      {{1, 4}},                                          // 20 reshape
      {{3, 4}, kFloat32, floats(12, 0.5f)},              // 21 fc weights
      {{3}, kFloat32, floats(3, 0.1f)},                  // 22 fc bias
      {{1, 3}},                                          // 23 fc
      {{1, 3}},                                          // 24 softmax
      {{4, 2}, kInt32, ints({0, 0, 1, 1, 1, 1, 0, 0})},  // 25 pad amounts
      {{1, 10, 10, 4}},                                  // 26 pad (a second output)
      {{1, 4, 4, 4}},                                    // 27 sub
      {{1, 4, 4, 4}},                                    // 28 div
      {{1, 4, 4, 4}},                                    // 29 relu6 (a third output)
  };
  const auto pool = [](int8_t padding, int32_t stride) {
    return [=](Builder& b) { return tfl::CreatePool2DOptions(b, padding, stride, stride, 2, 2, kNoActivation).Union(); };
  };
  m.ops = {
      {kConv, "", {0, 1, 2}, {3}, kConvOptions,
       [](Builder& b) { return tfl::CreateConv2DOptions(b, kSame, 1, 1, kActivationRelu6).Union(); }},
      {kHardSwish, "", {3}, {4}},
      {kMaxPool, "", {4}, {5}, kPoolOptions, pool(kValid, 2)},
      {kAveragePool, "", {5}, {6}, kPoolOptions, pool(kSame, 1)},
      binary(kAdd, kAddOptions, {5, 6}, 7),
      binary(kMul, kMulOptions, {7, 8}, 9),
      {kLogistic, "", {9}, {10}},
      {kConcat, "", {9, 10}, {11}, kConcatOptions,
       [](Builder& b) { return tfl::CreateConcatenationOptions(b, 3, kNoActivation).Union(); }},
      {kResizeBilinear, "", {11, 12}, {13}, kResizeBilinearOptions,
       [](Builder& b) { return tfl::CreateResizeBilinearOptions(b, 0, 0, false, true).Union(); }},
      {kTransposeConv, "", {14, 15, 13}, {16}, kTransposeConvOptions,
       [](Builder& b) { return tfl::CreateTransposeConvOptions(b, kSame, 2, 2, kNoActivation).Union(); }},
      {kMean, "", {16, 17}, {18}, kReducerOptions, [](Builder& b) { return tfl::CreateReducerOptions(b, true).Union(); }},
      {kReshape, "", {18, 19}, {20}},
      {kFullyConnected, "", {20, 21, 22}, {23}, kFullyConnectedOptions,
       [](Builder& b) { return tfl::CreateFullyConnectedOptions(b, kNoActivation).Union(); }},
      {kSoftmax, "", {23}, {24}, kSoftmaxOptions, [](Builder& b) { return tfl::CreateSoftmaxOptions(b, 1.f).Union(); }},
      {kPad, "", {0, 25}, {26}},
      binary(kSub, kSubOptions, {7, 6}, 27),
      binary(kDiv, kDivOptions, {27, 8}, 28),
      {kRelu6, "", {28}, {29}},
  };
  m.inputs = {0};
  m.outputs = {24, 26, 29};
  return m;
}

// SIN, COS, ATAN2 (codes above 127), SIGN and the reductions by maximum,
// minimum and product.
TfliteModel reductions() {
  TfliteModel m;
  m.tensors = {
      {{1, 4, 4, 4}},                // 0 input
      {{1, 4, 4, 4}},                // 1 sin
      {{1, 4, 4, 4}},                // 2 cos
      {{2}, kInt32, ints({1, 2})},   // 3 spatial axes
      {{1, 1, 1, 4}},                // 4 max over H, W (an output)
      {{1}, kInt32, ints({-1})},     // 5 the last axis
      {{1, 4, 4}},                   // 6 min over channels, dropped
      {{2}, kInt32, ints({1, 2})},   // 7 the remaining axes
      {{1, 1, 1}},                   // 8 product (an output)
      {{1, 4, 4, 4}},                // 9 sign of the input
      {{1, 4, 4, 4}},                // 10 atan2(sin, sign) (an output)
  };
  const auto reducer = [](bool keep_dims) {
    return [=](Builder& b) { return tfl::CreateReducerOptions(b, keep_dims).Union(); };
  };
  m.ops = {
      {kSin, "", {0}, {1}},
      {kCos, "", {1}, {2}},
      {kReduceMax, "", {2, 3}, {4}, kReducerOptions, reducer(true)},
      {kReduceMin, "", {2, 5}, {6}, kReducerOptions, reducer(false)},
      {kReduceProd, "", {6, 7}, {8}, kReducerOptions, reducer(true)},
      {kSign, "", {0}, {9}},
      {kAtan2, "", {1, 9}, {10}, kAtan2Options, [](Builder& b) { return flatbuffers::Offset<void>(b.EndTable(b.StartTable())); }},
  };
  m.inputs = {0};
  m.outputs = {4, 8, 10};
  return m;
}

// A model with a ZIP of associated files after it, as MediaPipe's carry
// their labels (see import/tflite/tflite_associated_files.h).
std::vector<uint8_t> with_packed_labels(std::vector<uint8_t> bytes) {
  garden_test::append_zip(bytes, {{"labels.txt", "background\nperson\n"}, {"notes.md", "seed"}});
  return bytes;
}

bool write_seed(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  try {
    garden::load_model_bytes(bytes.data(), bytes.size(), garden::ModelFormat::kTflite);
  } catch (const garden::Error& error) {
    std::fprintf(stderr, "write_tflite_seeds: the importer rejects %s: %s\n", path.c_str(), error.what());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_tflite_seeds OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const bool ok = write_seed(dir + "/quantized_chain.tflite", garden_test::build_tflite(quantized_chain())) &
                  write_seed(dir + "/published_int8.tflite", garden_test::build_tflite(published_int8_chain())) &
                  write_seed(dir + "/mixed_ops.tflite", garden_test::build_tflite(mixed_ops())) &
                  write_seed(dir + "/reductions.tflite", garden_test::build_tflite(reductions())) &
                  write_seed(dir + "/packed_labels.tflite", with_packed_labels(garden_test::build_tflite(quantized_chain())));
  return ok ? 0 : 1;
}
