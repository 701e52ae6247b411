// Builds small .tflite files with the FlatBuffers builder and our TFLite
// schema subset (core/schema/tflite.fbs): the fuzzers' seeds and the TFLite
// importer's tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "import/tflite/tflite_associated_files.h"
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

struct PackedFile {
  std::string name;
  std::string contents;
};

// Appends a ZIP archive of `files`, stored, to a model, as TFLite's metadata
// writers pack associated files (Python's zipfile appending to the model).
// Offsets are recorded from the archive's start, as zipfile does when it
// appends to a file that is not an archive, or from the file's start.
inline void append_zip(std::vector<uint8_t>& bytes, const std::vector<PackedFile>& files,
                       bool offsets_from_file_start = false) {
  const auto put16 = [](std::vector<uint8_t>& out, uint32_t v) { out.insert(out.end(), {uint8_t(v), uint8_t(v >> 8)}); };
  const auto put32 = [&](std::vector<uint8_t>& out, uint32_t v) { put16(out, v & 0xffff); put16(out, v >> 16); };
  const size_t start = bytes.size();
  const uint32_t base = offsets_from_file_start ? 0 : static_cast<uint32_t>(start);
  std::vector<uint8_t> directory;
  for (const PackedFile& file : files) {
    const auto* data = reinterpret_cast<const uint8_t*>(file.contents.data());
    const uint32_t crc = garden::tflite::zip_crc32(data, file.contents.size());
    const uint32_t size = static_cast<uint32_t>(file.contents.size()), name = static_cast<uint32_t>(file.name.size());
    const uint32_t offset = static_cast<uint32_t>(bytes.size()) - base;
    put32(bytes, 0x04034b50);
    for (uint32_t v : {20u, 0u, 0u, 0u, 0u}) put16(bytes, v);  // version, flags, stored, time, date
    for (uint32_t v : {crc, size, size}) put32(bytes, v);
    for (uint32_t v : {name, 0u}) put16(bytes, v);
    bytes.insert(bytes.end(), file.name.begin(), file.name.end());
    bytes.insert(bytes.end(), data, data + size);
    put32(directory, 0x02014b50);
    for (uint32_t v : {20u, 20u, 0u, 0u, 0u, 0u}) put16(directory, v);  // made by, needed, flags, stored, time, date
    for (uint32_t v : {crc, size, size}) put32(directory, v);
    for (uint32_t v : {name, 0u, 0u, 0u, 0u}) put16(directory, v);  // name, extra, comment, disk, internal attrs
    for (uint32_t v : {0u, offset}) put32(directory, v);             // external attrs, local header
    directory.insert(directory.end(), file.name.begin(), file.name.end());
  }
  const uint32_t directory_offset = static_cast<uint32_t>(bytes.size()) - base;
  bytes.insert(bytes.end(), directory.begin(), directory.end());
  put32(bytes, 0x06054b50);
  for (uint32_t v : {0u, 0u, uint32_t(files.size()), uint32_t(files.size())}) put16(bytes, v);
  for (uint32_t v : {uint32_t(directory.size()), directory_offset}) put32(bytes, v);
  put16(bytes, 0);  // comment
}

}  // namespace garden_test
