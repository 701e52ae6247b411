// Models: format detection, loading from any supported format, the standard
// passes, and writing the result as a .garden file.
//
//   garden::Model model = garden::load_model_file("m.onnx");  // any supported format
//   garden::save_model_file(model, "m.garden");               // loads again without the passes
//
// Running a model is garden/session.h's part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "garden/error.h"
#include "garden/graph.h"

namespace garden {

// A model ready to run: the optimized graph (NHWC inside, declared layout at
// its inputs and outputs).
struct Model {
  Graph graph;
};

enum class ModelFormat { kGarden, kOnnx, kTflite, kTfjs, kUnknown };

// Guesses from the file name and the first bytes.
ModelFormat detect_format(const std::string& path, const uint8_t* data, size_t size);

// Imports any supported format and runs the standard passes.
Model load_model_file(const std::string& path);
Model load_model_bytes(const uint8_t* data, size_t size, ModelFormat format);

// Options for importing a model from a source format (ignored for .garden
// files, whose shapes are already fixed).
struct LoadOptions {
  // Sizes for dynamic input dimensions (e.g. PP-OCR's [1,3,?,?]); 0 = no override.
  int64_t input_height = 0;
  int64_t input_width = 0;
  // Files larger than this are refused with Error(kLimitExceeded).
  size_t max_file_bytes = size_t{1} << 31;
};

Model load_model_file(const std::string& path, const LoadOptions& options);
// For kTfjs, `data` is model.json's text, and, when it names weight files, a
// NUL byte followed by each file in manifest order as a little-endian uint64
// byte count and the bytes (one buffer a browser can hand over).
Model load_model_bytes(const uint8_t* data, size_t size, ModelFormat format,
                       const LoadOptions& options);

// A TF.js graph model from memory: the text of model.json and the bytes of
// the weight files its weightsManifest names, every group's "paths" in
// manifest order. (load_model_file reads them from model.json's folder.)
Model load_tfjs_model(const std::string& model_json, const std::vector<std::vector<uint8_t>>& weight_files,
                      const LoadOptions& options = {});

// Runs the standard pass pipeline on an imported graph.
Model optimize(Graph graph);

// How a model's weights are stored (garden-convert --quantize).
enum class WeightStorage {
  kF32,
  // The f32 weights of convolutions and fully connected layers as float16
  // (close to half the bytes), widened at load; the arithmetic stays f32.
  kF16,
  // The weights of convolutions (groups 1) and fully connected layers as
  // int8, one scale per output channel: a quarter of the bytes, and those
  // layers run in int8 (their input quantized per image at run time).
  // Other weights stay as they are.
  kInt8,
};

struct QuantizationReport {
  size_t bytes_before = 0;   // constants' bytes
  size_t bytes_after = 0;
  int int8_layers = 0;       // layers whose weights became int8
  // Layers with weights that stay in floating point, and why ("Conv2D
  // 'name': depthwise (no int8 kernel)").
  std::vector<std::string> float_layers;
};

// Rewrites the model's weights for `storage` (kF32: nothing changes).
QuantizationReport quantize_weights(Model& model, WeightStorage storage);

// Copies bytes [offset, offset + size) of a file into `out` (or throws a
// garden::Error).
using GardenFileReader = std::function<void(uint64_t offset, uint64_t size, uint8_t* out)>;

// A .garden file of `file_size` bytes that is not in memory as a whole (wasm
// reading a file JavaScript holds): read through `read` a part at a time,
// each constant straight into the graph, so the file's bytes and the graph
// never take memory together. Checked as load_model_bytes(kGarden) checks it;
// the FlatBuffer part must end before the weight section, as
// save_model_bytes writes it.
Model load_garden_in_parts(uint64_t file_size, const GardenFileReader& read);

// The model as a .garden file, which load_model_bytes(kGarden) reads back to
// the same graph. Error(kInvalidModel) for a graph the format's checks refuse,
// Error(kLimitExceeded) beyond the format's bounds.
std::vector<uint8_t> save_model_bytes(const Model& model);
// The .garden format version save_model_bytes writes, the only one this runtime reads.
uint32_t garden_format_version();
// Writes save_model_bytes(model) to `path` through a temporary file next to it
// renamed into place, so a failed write never leaves a partial file behind
// (Error(kIo)). Returns the file's size in bytes.
size_t save_model_file(const Model& model, const std::string& path);

}  // namespace garden
