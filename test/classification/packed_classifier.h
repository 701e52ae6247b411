// A classifier in MediaPipe's file format, small enough to build in a test:
// [1,S,S,3] -> MEAN over the pixels -> FULLY_CONNECTED to `classes` ->
// SOFTMAX, with its labels packed after the model as TFLite's metadata
// writers pack them (a ZIP holding labels.txt). Its weights are fixed
// pseudo-random values, so a colour's probabilities can be worked out
// directly (expected()).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tflite_builder.h"

namespace garden_test {

struct PackedClassifier {
  int side = 4;
  int classes = 5;

  // Weight [k][c] of class k on channel c, then the bias of class k: values in [-2, 2).
  float weight(int k, int c) const { return static_cast<float>((k * 37 + c * 101 + 13) % 97) / 24.25f - 2.f; }
  float bias(int k) const { return static_cast<float>((k * 53 + 7) % 31) / 15.5f - 1.f; }

  std::vector<uint8_t> file(const std::string& labels) const {
    namespace tfl = garden::tflite_schema;
    constexpr int8_t kFloat32 = 0, kInt32 = 2;
    std::vector<float> weights, biases;
    for (int k = 0; k < classes; ++k) {
      for (int c = 0; c < 3; ++c) weights.push_back(weight(k, c));
      biases.push_back(bias(k));
    }
    TfliteModel m;
    m.tensors = {{{1, side, side, 3}},
                 {{2}, kInt32, bytes_of(std::vector<int32_t>{1, 2})},
                 {{1, 3}},
                 {{classes, 3}, kFloat32, bytes_of(weights)},
                 {{classes}, kFloat32, bytes_of(biases)},
                 {{1, classes}},
                 {{1, classes}}};
    // MEAN (40, ReducerOptions 27), FULLY_CONNECTED (9, options 8), SOFTMAX (25, options 9).
    m.ops = {{40, "", {0, 1}, {2}, 27, [](flatbuffers::FlatBufferBuilder& b) { return tfl::CreateReducerOptions(b, false).Union(); }},
             {9, "", {2, 3, 4}, {5}, 8, [](flatbuffers::FlatBufferBuilder& b) { return tfl::CreateFullyConnectedOptions(b, 0).Union(); }},
             {25, "", {5}, {6}, 9, [](flatbuffers::FlatBufferBuilder& b) { return tfl::CreateSoftmaxOptions(b, 1.f).Union(); }}};
    m.inputs = {0};
    m.outputs = {6};
    std::vector<uint8_t> bytes = build_tflite(m);
    append_zip(bytes, {{"labels.txt", labels}});
    return bytes;
  }

  // The probabilities for a frame of one colour whose channels, normalized,
  // are `input` (the mean over its pixels is that colour).
  std::vector<float> expected(const float input[3]) const {
    std::vector<double> logits(classes);
    double largest = -1e30, sum = 0;
    for (int k = 0; k < classes; ++k) {
      logits[k] = bias(k);
      for (int c = 0; c < 3; ++c) logits[k] += static_cast<double>(weight(k, c)) * input[c];
      largest = std::max(largest, logits[k]);
    }
    for (double& logit : logits) sum += (logit = std::exp(logit - largest));
    std::vector<float> probabilities;
    for (double value : logits) probabilities.push_back(static_cast<float>(value / sum));
    return probabilities;
  }
};

}  // namespace garden_test
