// Models (garden/model.h): format detection, file reading, the per-format
// paths to an optimized graph, and writing .garden files.
#include "garden/model.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "format/garden_format.h"
#include "graph/quantize_weights.h"
#include "garden/error.h"
#include "import/importers.h"
#include "ops/op_card.h"

namespace garden {
namespace {

bool has_identifier(const uint8_t* data, size_t size, const char identifier[4]) {
  // FlatBuffers put the 4-byte file identifier right after the root offset.
  return data != nullptr && size >= 8 && std::memcmp(data + 4, identifier, 4) == 0;
}

std::string lowercase_extension(const std::string& path) {
  const size_t slash = path.find_last_of("/\\");
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// An ONNX ModelProto starts with the tag of one of its fields; exporters write
// ir_version (field 1, varint) first.
bool looks_like_onnx(const uint8_t* data, size_t size) {
  if (data == nullptr || size < 2) return false;
  static const uint8_t kModelProtoTags[] = {0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42};
  return std::find(std::begin(kModelProtoTags), std::end(kModelProtoTags), data[0]) !=
         std::end(kModelProtoTags);
}

bool looks_like_json_object(const uint8_t* data, size_t size) {
  for (size_t i = 0; data != nullptr && i < size; ++i) {
    if (std::isspace(data[i])) continue;
    return data[i] == '{';
  }
  return false;
}

ModelFormat format_from_extension(const std::string& path) {
  const std::string ext = lowercase_extension(path);
  if (ext == ".garden") return ModelFormat::kGarden;
  if (ext == ".onnx") return ModelFormat::kOnnx;
  if (ext == ".tflite") return ModelFormat::kTflite;
  if (ext == ".json") return ModelFormat::kTfjs;
  return ModelFormat::kUnknown;
}

std::vector<uint8_t> read_file(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  require(in.good(), ErrorCode::kIo, "cannot open model file '" + path + "'");
  const std::streamoff end = in.tellg();
  require(end >= 0, ErrorCode::kIo, "cannot read model file '" + path + "'");
  require(static_cast<uint64_t>(end) <= max_bytes, ErrorCode::kLimitExceeded,
          "model file '" + path + "' is " + std::to_string(end) + " bytes (limit " +
              std::to_string(max_bytes) + ")");
  std::vector<uint8_t> bytes(static_cast<size_t>(end));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  require(in.good() || bytes.empty(), ErrorCode::kIo, "cannot read model file '" + path + "'");
  return bytes;
}

const char* format_name(ModelFormat format) {
  switch (format) {
    case ModelFormat::kTflite:
      return "TFLite";
    case ModelFormat::kTfjs:
      return "TF.js graph model";
    default:
      return "this";
  }
}

// The weight files model.json names, read from its folder. Names are plain
// file names (TF.js writes "group1-shard1of2"): anything that could leave the
// folder is refused.
std::vector<std::vector<uint8_t>> read_tfjs_weight_files(const std::string& json_path, const std::string& model_json,
                                                         size_t max_bytes) {
  const size_t slash = json_path.find_last_of("/\\");
  const std::string folder = slash == std::string::npos ? "" : json_path.substr(0, slash + 1);
  std::vector<std::vector<uint8_t>> files;
  for (const std::string& name : tfjs_weight_paths(model_json)) {
    require(!name.empty() && name.find("..") == std::string::npos && name[0] != '/' &&
                name.find('\\') == std::string::npos,
            ErrorCode::kInvalidModel, "weight file name '" + name + "' is not a plain relative path");
    files.push_back(read_file(folder + name, max_bytes));
  }
  return files;
}

// An importer's graph meets the same op contracts as a .garden file's before
// the passes run on it.
Model optimize_imported(Graph graph) {
  ops::validate_graph(graph);
  return optimize(std::move(graph));
}

ImportOptions import_options_from(const LoadOptions& options) {
  ImportOptions import_options;
  import_options.input_height = options.input_height;
  import_options.input_width = options.input_width;
  return import_options;
}

// A TF.js graph model in one buffer (how the wasm package hands over a
// model.json it fetched with its weight files): model.json's text, then, if
// it names weight files, a NUL byte (never part of JSON text) and each file
// in manifest order as a little-endian uint64 byte count and the bytes.
Model load_tfjs_bundle(const uint8_t* data, size_t size, const LoadOptions& options) {
  const uint8_t* end = data + size;
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const std::string model_json(data, nul != nullptr ? nul : end);
  std::vector<std::vector<uint8_t>> weight_files;
  if (nul == nullptr) {
    require(tfjs_weight_paths(model_json).empty(), ErrorCode::kInvalidArgument,
            "a TF.js graph model needs its weight files: use load_tfjs_model or load_model_file");
  }
  for (const uint8_t* at = nul != nullptr ? nul + 1 : end; at != end;) {
    require(end - at >= 8, ErrorCode::kInvalidModel, "TF.js bundle: a weight file's length is cut short");
    uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | at[i];
    at += 8;
    require(length <= static_cast<uint64_t>(end - at), ErrorCode::kInvalidModel,
            "TF.js bundle: a weight file runs past the end of the buffer");
    weight_files.emplace_back(at, at + length);
    at += length;
  }
  return load_tfjs_model(model_json, weight_files, options);
}

}  // namespace

ModelFormat detect_format(const std::string& path, const uint8_t* data, size_t size) {
  if (has_identifier(data, size, "GRDN")) return ModelFormat::kGarden;
  if (has_identifier(data, size, "TFL3")) return ModelFormat::kTflite;
  const ModelFormat by_name = format_from_extension(path);
  if (by_name != ModelFormat::kUnknown) return by_name;
  if (looks_like_json_object(data, size)) return ModelFormat::kTfjs;
  if (looks_like_onnx(data, size)) return ModelFormat::kOnnx;
  return ModelFormat::kUnknown;
}

Model load_model_bytes(const uint8_t* data, size_t size, ModelFormat format,
                       const LoadOptions& options) {
  require(data != nullptr || size == 0, ErrorCode::kInvalidArgument, "model bytes are null");
  // The same bound load_model_file applies, for bytes that came another way
  // (fetched by the browser, embedded).
  require(size <= options.max_file_bytes, ErrorCode::kLimitExceeded,
          "model of " + std::to_string(size) + " bytes exceeds the limit of " +
              std::to_string(options.max_file_bytes) + " bytes");
  switch (format) {
    case ModelFormat::kGarden:
      // .garden files hold graphs that already went through the passes.
      return Model{read_garden(data, size)};
    case ModelFormat::kOnnx: {
      ImportOptions import_options;
      import_options.input_height = options.input_height;
      import_options.input_width = options.input_width;
      return optimize_imported(import_onnx(data, size, import_options));
    }
    case ModelFormat::kTflite: {
      Model model = optimize_imported(import_tflite(data, size, import_options_from(options)));
      run_published_int8(model);
      return model;
    }
    case ModelFormat::kTfjs:
      return load_tfjs_bundle(data, size, options);
    case ModelFormat::kUnknown:
      break;
  }
  fail(ErrorCode::kInvalidModel, "not a model in any supported format (.garden, .onnx, .tflite)");
}

Model load_model_bytes(const uint8_t* data, size_t size, ModelFormat format) {
  return load_model_bytes(data, size, format, LoadOptions{});
}

Model load_tfjs_model(const std::string& model_json, const std::vector<std::vector<uint8_t>>& weight_files,
                      const LoadOptions& options) {
  return optimize_imported(import_tfjs(model_json, weight_files, import_options_from(options)));
}

Model load_model_file(const std::string& path, const LoadOptions& options) {
  const std::vector<uint8_t> bytes = read_file(path, options.max_file_bytes);
  const ModelFormat format = detect_format(path, bytes.data(), bytes.size());
  try {
    if (format == ModelFormat::kTfjs) {
      const std::string model_json(bytes.begin(), bytes.end());
      return load_tfjs_model(model_json, read_tfjs_weight_files(path, model_json, options.max_file_bytes), options);
    }
    return load_model_bytes(bytes.data(), bytes.size(), format, options);
  } catch (const Error& error) {
    // Name the file: the caller may be loading several.
    throw Error(error.code(), path + ": " + error.what());
  }
}

Model load_model_file(const std::string& path) { return load_model_file(path, LoadOptions{}); }

Model load_garden_in_parts(uint64_t file_size, const GardenFileReader& read) {
  return Model{read_garden_in_parts(file_size, read)};
}

std::vector<uint8_t> save_model_bytes(const Model& model) { return write_garden(model.graph); }

uint32_t garden_format_version() { return kGardenFormatVersion; }

size_t save_model_file(const Model& model, const std::string& path) {
  const std::vector<uint8_t> bytes = save_model_bytes(model);
  // PATH.tmp.<pid>, renamed over PATH (atomic on POSIX file systems).
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      fail(ErrorCode::kIo, "cannot write '" + temp + "'");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    fail(ErrorCode::kIo, "cannot rename '" + temp + "' to '" + path + "'");
  }
  return bytes.size();
}

}  // namespace garden
