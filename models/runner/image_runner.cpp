// The runner base (see image_runner.h).
#include "runner/image_runner.h"

#include <algorithm>
#include <utility>

#include "garden/error.h"

namespace garden {
namespace runner {
namespace {

constexpr int kImageChannels = 3;

std::string prefix(const Task& task) { return std::string(task.runner) + ": "; }

// The layout of a 4-D port: declared, or told by where `channels` stands.
Layout layout_of(const TensorView& port, int channels, const Task& task, const char* port_name) {
  if (port.layout == Layout::kNCHW || port.layout == Layout::kNHWC) return port.layout;
  const std::string where = prefix(task) + port_name + " " + shape_string(port.shape);
  require(channels != kAnyChannels, ErrorCode::kUnsupportedModel,
          where + " does not declare its layout (NCHW or NHWC)");
  const bool at_axis_1 = port.shape[1] == channels, at_axis_3 = port.shape[3] == channels;
  require(at_axis_1 || at_axis_3, ErrorCode::kUnsupportedModel,
          where + " must have " + std::to_string(channels) + " channel(s)");
  require(at_axis_1 != at_axis_3, ErrorCode::kUnsupportedModel,
          where + " does not declare its layout and could be NCHW or NHWC");
  return at_axis_1 ? Layout::kNCHW : Layout::kNHWC;
}

ModelInfo checked_info(const ModelRef& model, const Task& task) {
  const ModelInfo& info = model.info();
  require(info.task.empty() || info.task == task.name, ErrorCode::kUnsupportedModel,
          prefix(task) + "the model is made for " + info.task + " (its metadata's task), not " + task.name);
  return info;
}

Normalization choose_normalization(const std::optional<Normalization>& given, const ModelInfo& info,
                                   const Normalization& runner_default) {
  if (given) return *given;
  const ModelInfo identity;
  if (info.mean == identity.mean && info.std == identity.std) return runner_default;
  Normalization from_model = runner_default;
  std::copy(info.mean.begin(), info.mean.end(), from_model.mean);
  std::copy(info.std.begin(), info.std.end(), from_model.std);
  return from_model;
}

// Runners read NHWC ports as they read NCHW ones, so they take NHWC and the
// session skips the transposes at both ends of every run.
SessionOptions with_nhwc_ports(SessionOptions options) {
  options.port_layout = PortLayout::kNhwc;
  return options;
}

}  // namespace

Session ModelRef::open(const SessionOptions& options) const {
  if (given_) return Session(std::move(*given_), options);
  return Session(*lent_, options);
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

MapShape read_map_shape(const TensorView& port, int channels, const Task& task, const char* port_name) {
  require(port.shape.size() == 4 && port.shape[0] == 1, ErrorCode::kUnsupportedModel,
          prefix(task) + port_name + " must be [1,C,H,W] or [1,H,W,C], got " + shape_string(port.shape));
  MapShape map;
  map.layout = layout_of(port, channels, task, port_name);
  const bool nhwc = map.layout == Layout::kNHWC;
  map.channels = static_cast<int>(nhwc ? port.shape[3] : port.shape[1]);
  map.height = static_cast<int>(nhwc ? port.shape[1] : port.shape[2]);
  map.width = static_cast<int>(nhwc ? port.shape[2] : port.shape[3]);
  require(channels == kAnyChannels || map.channels == channels, ErrorCode::kUnsupportedModel,
          prefix(task) + port_name + " must have " + std::to_string(channels) + " channel(s), got " +
              shape_string(port.shape));
  return map;
}

bool ends_in_softmax(const Graph& graph) {
  if (graph.outputs.empty()) return false;
  TensorId tensor = graph.outputs[0];
  for (auto node = graph.nodes.rbegin(); node != graph.nodes.rend(); ++node) {
    if (node->outputs.empty() || node->outputs[0] != tensor) continue;
    if (node->op == OpType::kSoftmax) return true;
    if (node->op != OpType::kReshape || node->inputs.empty()) return false;
    tensor = node->inputs[0];
  }
  return false;
}

TensorId classification_head_input(const Graph& graph) {
  if (graph.outputs.empty()) return -1;
  TensorId tensor = graph.outputs[0];
  for (auto node = graph.nodes.rbegin(); node != graph.nodes.rend(); ++node) {
    if (node->outputs.empty() || node->outputs[0] != tensor) continue;
    if (node->inputs.empty()) return -1;
    const TensorId read = node->inputs[0];
    const Tensor& features = graph.tensor(read);
    const bool pointwise_on_one_pixel = node->op == OpType::kConv2D && node->inputs.size() >= 2 &&
                                        graph.tensor(node->inputs[1]).shape.size() == 4 &&
                                        graph.tensor(node->inputs[1]).shape[1] == 1 &&
                                        graph.tensor(node->inputs[1]).shape[2] == 1 && !features.shape.empty() &&
                                        element_count(features.shape) == features.shape.back();
    if (node->op == OpType::kFullyConnected || pointwise_on_one_pixel) {
      const bool computed = !features.is_constant() &&
                            std::find(graph.inputs.begin(), graph.inputs.end(), read) == graph.inputs.end();
      return computed ? read : -1;
    }
    const bool passes_scores_through = node->op == OpType::kSoftmax || node->op == OpType::kSigmoid ||
                                       node->op == OpType::kReshape || node->op == OpType::kTranspose;
    if (!passes_scores_through) return -1;
    tensor = read;
  }
  return -1;
}

std::vector<std::string> choose_labels(const std::vector<std::string>& given, const ModelInfo& info) {
  return given.empty() ? info.labels : given;
}

ImageRunner::ImageRunner(ModelRef model, const Task& task, const RunnerOptions& options,
                         const Normalization& default_normalization)
    : task_(task),
      info_(checked_info(model, task)),
      normalization_(choose_normalization(options.normalization, info_, default_normalization)),
      session_(model.open(with_nhwc_ports(options.session))) {
  require(session_.input_count() == 1 && session_.output_count() >= 1, ErrorCode::kUnsupportedModel,
          prefix(task) + "needs one input and an output");
  const TensorView input = session_.input(0);
  input_ = read_map_shape(input, kImageChannels, task, "input");
  input_data_ = input.data;
  output_data_ = session_.output(0).data;
}

MapShape ImageRunner::output_map(int channels) {
  const MapShape map = read_map_shape(session_.output(0), channels, task_, "output");
  require(map.width > 0 && map.height > 0 && map.width <= input_.width && map.height <= input_.height,
          ErrorCode::kUnsupportedModel, prefix(task_) + "output maps larger than the input are not supported");
  return map;
}

Letterbox ImageRunner::run(const ImageView& image, Fit fit) {
  validate_image(image);
  const Letterbox box = fit_image(image.width, image.height, input_.width, input_.height, fit);
  resizer_.resize_normalize(image, box, input_.width, input_.height, input_.layout, normalization_, input_data_);
  session_.run();
  return box;
}

}  // namespace runner
}  // namespace garden
