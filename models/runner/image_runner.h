// What every runner shares: taking its model (lent or handed over), checking
// the task the model was made for, reading the model's ports, and turning
// one image into the model's input and running it.
//
//   ImageRunner runner(model, {"classifier", "classification"}, options, imagenet_normalization());
//   const Letterbox box = runner.run(image, Fit::kStretch);   // validate, fit, resize, normalize, run
//   const float* scores = runner.output_data();
//
// Ports are read in the layout the session shows them in (TensorView.layout
// and shape), NCHW or NHWC alike. A 4-D port whose layout is not declared
// (Layout::kAny) is read by where its expected channel count stands: at axis
// 1 it is NCHW, at axis 3 NHWC; at both, or for a port whose channel count is
// the model's to choose, the port is refused (kUnsupportedModel).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "garden/graph.h"
#include "garden/image.h"
#include "garden/session.h"

namespace garden {
namespace runner {

// A model lent to a runner (const Model&: the runner packs its own copy of the
// weights) or handed over (Model&&: its weights are freed once packed, see
// Session(Model&&)). Implicit, so a runner takes either with one constructor;
// only for constructor parameters, as it refers to the caller's model.
class ModelRef {
 public:
  ModelRef(const Model& model) : lent_(&model) {}
  ModelRef(Model&& model) : given_(&model) {}

  const Graph& graph() const { return (given_ ? given_ : lent_)->graph; }
  const ModelInfo& info() const { return graph().info; }
  // The session on this model: a handed-over model moves into it.
  Session open(const SessionOptions& options) const;

 private:
  const Model* lent_ = nullptr;
  Model* given_ = nullptr;
};

// Options every runner has.
struct RunnerOptions {
  // Unset: the model's own (ModelInfo::mean/std, unless they are the identity
  // defaults), else the runner's default. The model's values keep the
  // default's channel order (bgr).
  std::optional<Normalization> normalization;
  SessionOptions session;
};

// Which runner, for error messages, and the ModelInfo.task of the models it runs.
struct Task {
  const char* runner;  // "classifier"
  const char* name;    // "classification"
};

// Channel count of a port that the model chooses (classes, kernels).
constexpr int kAnyChannels = 0;

// A batch-1 4-D port: [1,C,H,W] in NCHW, [1,H,W,C] in NHWC.
struct MapShape {
  Layout layout = Layout::kNCHW;
  int channels = 0;
  int height = 0;
  int width = 0;
};

// Reads a batch-1 4-D port of `channels` channels (or kAnyChannels), by its
// declared layout or, undeclared, by where `channels` stands (see above).
// `port_name` ("input", "output") names it in errors.
MapShape read_map_shape(const TensorView& port, int channels, const Task& task, const char* port_name);

// "[1,3,224,224]", for error messages.
std::string shape_string(const Shape& shape);

// Whether the graph's first output is a Softmax's, through any reshapes
// (TFLite models often squeeze the probabilities after it): its scores are
// probabilities already.
bool ends_in_softmax(const Graph& graph);

// The features a classification head reads: from the first output back
// through Softmax, Sigmoid, Reshape and Transpose to the first
// FullyConnected, or 1x1 Conv2D on a 1x1 map (TF-slim's logits), the tensor
// that node reads. -1 when there is no such head, or what it reads is not
// computed by the model (a graph input).
TensorId classification_head_input(const Graph& graph);

// The caller's labels, else the model's own (ModelInfo.labels).
std::vector<std::string> choose_labels(const std::vector<std::string>& given, const ModelInfo& info);

class ImageRunner {
 public:
  // Refuses a model made for another task (ModelInfo.task) before anything is
  // packed, then opens the session and reads its image input: one input of 3
  // channels, batch 1, and at least one output.
  ImageRunner(ModelRef model, const Task& task, const RunnerOptions& options,
              const Normalization& default_normalization);

  // The model's metadata, as it was before the session took the model.
  const ModelInfo& info() const { return info_; }
  const MapShape& input() const { return input_; }
  // The first output read as a map (see read_map_shape) no larger than the input.
  MapShape output_map(int channels);
  // The model's outputs, then RunnerOptions::session.extra_outputs.
  TensorView output(size_t index = 0) { return session_.output(index); }
  size_t output_count() const { return session_.output_count(); }
  // The first output's values after run(); the buffer lives as long as the runner.
  const float* output_data() const { return output_data_; }
  // The model's input as the last run() wrote it.
  TensorView input_tensor() { return session_.input(0); }

  // Checks the image, fits it into the input (where it lands is returned),
  // resizes and normalizes it there, and runs the model.
  Letterbox run(const ImageView& image, Fit fit);

 private:
  Task task_;
  ModelInfo info_;  // before session_: read before the model moves there
  Normalization normalization_;
  Session session_;
  MapShape input_;
  float* input_data_ = nullptr;
  const float* output_data_ = nullptr;
  Resizer resizer_;
};

}  // namespace runner
}  // namespace garden
