// Importers: a published model format -> Graph (before passes).
// Each throws garden::Error: kInvalidModel for a malformed file, kUnsupportedOp
// naming the op and node for an op we do not implement.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "garden/graph.h"

namespace garden {

struct ImportOptions {
  // Sizes for dynamic input dimensions (e.g. PP-OCR's [1,3,?,?]); 0 = no override.
  int64_t input_height = 0;
  int64_t input_width = 0;
};

Graph import_onnx(const uint8_t* data, size_t size, const ImportOptions& options = {});

// TF.js graph model: the text of model.json and the bytes of the weight files
// its weightsManifest names, every group's "paths" in manifest order (see
// tfjs_weight_paths). Weights may be float32, int32, float16, or uint8/uint16
// quantized; all are dequantized to float32 here.
Graph import_tfjs(const std::string& model_json, const std::vector<std::vector<uint8_t>>& weight_files,
                  const ImportOptions& options = {});
// The weight file names of model.json (relative to its folder), in the order
// import_tfjs takes them. Throws Error(kInvalidModel) for malformed JSON.
std::vector<std::string> tfjs_weight_paths(const std::string& model_json);

// A .tflite FlatBuffer (subgraph 0). TFLite shapes are fixed: a non-zero input
// size in `options` must match the model's. Quantized weights are dequantized
// to f32 and quantized activations run in f32.
Graph import_tflite(const uint8_t* data, size_t size, const ImportOptions& options = {});

// What each importer translates, sorted: ONNX op types, TF.js op names,
// TFLite builtin (and custom) operator names.
std::vector<std::string> onnx_op_types();
std::vector<std::string> tfjs_op_types();
std::vector<std::string> tflite_op_names();

// The README's "Supported ops" section: the graph ops (from the op cards) and
// each format's list above, as Markdown (supported_ops.cpp).
std::string supported_ops_markdown();

}  // namespace garden
