// Builds small .tflite files with the FlatBuffers builder and our TFLite
// schema subset (core/schema/tflite.fbs): the fuzzers' seeds and the TFLite
// importer's tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tflite_generated.h"

namespace garden_test {

namespace tfl = garden::tflite_schema;

struct TfliteTensor {
  std::vector<int32_t> shape;
  int8_t type = 0;            // FLOAT32
  std::vector<uint8_t> data;  // non-empty: a constant with its own buffer
  std::vector<float> scales;  // quantization (empty: none)
  std::vector<int64_t> zero_points;
  int32_t quantized_dimension = 0;
};

struct TfliteOp {
  int32_t builtin = 0;
  std::string custom_code;  // for builtin 32 (CUSTOM)
  std::vector<int32_t> inputs, outputs;
  uint8_t options_type = 0;
  std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)> options;
  std::vector<uint8_t> custom_options;
};

struct TfliteModel {
  std::vector<TfliteTensor> tensors;
  std::vector<TfliteOp> ops;
  std::vector<int32_t> inputs, outputs;
  uint32_t opcode_index_offset = 0;  // added to every operator's opcode index (for hostile files)
  uint32_t buffer_index_offset = 0;  // added to every constant's buffer index
};

template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

inline std::vector<uint8_t> build_tflite(const TfliteModel& m) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers{tfl::CreateBuffer(b)};
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const TfliteTensor& t = m.tensors[i];
    uint32_t buffer = 0;
    if (!t.data.empty()) {
      buffer = static_cast<uint32_t>(buffers.size()) + m.buffer_index_offset;
      buffers.push_back(tfl::CreateBuffer(b, b.CreateVector(t.data)));
    }
    flatbuffers::Offset<tfl::QuantizationParameters> q;
    if (!t.scales.empty())
      q = tfl::CreateQuantizationParameters(b, 0, 0, b.CreateVector(t.scales), b.CreateVector(t.zero_points), 0, 0,
                                            t.quantized_dimension);
    tensors.push_back(tfl::CreateTensor(b, b.CreateVector(t.shape), t.type, buffer,
                                        b.CreateString("t" + std::to_string(i)), q));
  }
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes;
  std::vector<flatbuffers::Offset<tfl::Operator>> ops;
  for (const TfliteOp& op : m.ops) {
    const auto custom = op.custom_code.empty() ? 0 : b.CreateString(op.custom_code);
    const int8_t small_code = static_cast<int8_t>(op.builtin < 127 ? op.builtin : 127);
    codes.push_back(tfl::CreateOperatorCode(b, small_code, custom, 1, op.builtin));
    const flatbuffers::Offset<tfl::OpaqueTable> options(op.options ? op.options(b).o : 0);
    const auto custom_options = op.custom_options.empty() ? 0 : b.CreateVector(op.custom_options);
    ops.push_back(tfl::CreateOperator(b, static_cast<uint32_t>(codes.size() - 1) + m.opcode_index_offset,
                                      b.CreateVector(op.inputs), b.CreateVector(op.outputs), op.options_type, options,
                                      custom_options));
  }
  const auto subgraph = tfl::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(m.inputs),
                                            b.CreateVector(m.outputs), b.CreateVector(ops), b.CreateString("main"));
  const std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs{subgraph};
  const auto model = tfl::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs), b.CreateString("test"),
                                      b.CreateVector(buffers));
  tfl::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

}  // namespace garden_test
