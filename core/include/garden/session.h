// The public runtime API: load a model once, run it many times.
//
//   garden::Model model = garden::load_model_file("m.onnx");  // any supported format
//   garden::Session session(model, {.threads = 2});
//   std::copy(pixels..., session.input(0).data);
//   session.run();
//   const float* out = session.output(0).data;
//
// Buffers returned by input()/output() stay valid for the session's lifetime:
// nothing is allocated per run.
#pragma once

#include <cstdint>
#include <memory>
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

struct SessionOptions {
  int threads = 1;       // 1 = run on the calling thread only
  bool profile = false;  // collect per-node times (see Session::profile)
  // Bound on the activation memory a model may declare: the f32 values of
  // every tensor that is not a weight (inputs, outputs, intermediates),
  // summed as if none shared memory, so what XNNPACK allocates for them stays
  // below it whatever its memory plan. A model over it is refused with
  // Error(kLimitExceeded) before any activation memory is allocated. The sum
  // is well above what runs need (PP-OCRv4 at 960x960 declares 831 MiB, of
  // which 70 MiB are live at once): raise the bound for very large inputs.
  // 2 GiB by default, natively and in wasm (whose sizes are 32-bit).
  uint64_t max_activation_bytes = kDefaultMaxActivationBytes;

  static constexpr uint64_t kDefaultMaxActivationBytes = uint64_t{1} << 31;
};

struct TensorView {
  std::string name;
  Shape shape;    // declared layout (as the source model had it)
  Layout layout;  // kNCHW, kNHWC or kAny
  float* data;    // element_count(shape) floats
};

struct NodeTime {
  std::string name;
  double milliseconds;
};

class Session {
 public:
  Session(const Model& model, const SessionOptions& options = {});
  // Takes the model and frees its weights as soon as they are packed, before
  // the activation memory is allocated: loading then needs about one copy of
  // the weights less at its peak (in wasm, memory once grown is never returned).
  Session(Model&& model, const SessionOptions& options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  size_t input_count() const;
  size_t output_count() const;
  TensorView input(size_t index);
  TensorView output(size_t index);

  void run();
  // Per-operator times of the last run (needs options.profile).
  std::vector<NodeTime> profile() const;
  int threads() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace garden
