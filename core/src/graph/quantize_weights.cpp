// quantize_weights (garden/model.h): the weights of a model stored as
// float16, or as per-channel int8 for the layers XNNPACK runs in int8; and
// run_published_int8 (quantize_weights.h), for weights the source file
// stored in int8 already.
#include "graph/quantize_weights.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_set>

#include "garden/model.h"
#include "graph/graph_utils.h"
#include "graph/half.h"

namespace garden {
namespace {

size_t constant_bytes(const Graph& graph) {
  size_t bytes = 0;
  for (const Tensor& t : graph.tensors) bytes += t.data.size() + t.scales.size() * sizeof(float);
  return bytes;
}

void store_as_f16(Tensor& tensor) {
  const std::vector<float> values = constant_as_f32(tensor);
  tensor.data.resize(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint16_t bits = float_to_half(values[i]);
    std::memcpy(tensor.data.data() + 2 * i, &bits, 2);
  }
  tensor.dtype = DType::kF16;
}

// Symmetric per output channel (axis 0): scale = max |w| / 127, q = round(w / scale).
void store_as_int8(Tensor& tensor) {
  const std::vector<float> values = constant_as_f32(tensor);
  const size_t channels = static_cast<size_t>(tensor.shape[0]);
  const size_t per_channel = values.size() / channels;
  tensor.scales.assign(channels, 1.f);
  tensor.data.resize(values.size());
  for (size_t c = 0; c < channels; ++c) {
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(c * per_channel);
    float largest = 0.f;
    for (auto v = first; v != first + static_cast<std::ptrdiff_t>(per_channel); ++v) largest = std::max(largest, std::fabs(*v));
    // A channel of zeros keeps scale 1 (its values are 0 either way), and so
    // does one whose values are all below 127 x FLT_MIN: its scale would not
    // be a normal float (XNNPACK refuses those), and rounding makes it zeros.
    if (std::isnormal(largest / 127.f)) tensor.scales[c] = largest / 127.f;
    for (size_t i = 0; i < per_channel; ++i) {
      const float q = std::nearbyint(first[static_cast<std::ptrdiff_t>(i)] / tensor.scales[c]);
      tensor.data[c * per_channel + i] = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(q, -127.f, 127.f)));
    }
  }
  tensor.dtype = DType::kQI8;
}

constexpr int64_t kMinInt8InputChannels = 16;

// Convolutions and fully connected layers: their input 1 is their weights.
bool has_weights(const Node& node) {
  const bool weighted = node.op == OpType::kConv2D || node.op == OpType::kConvTranspose2D ||
                        node.op == OpType::kFullyConnected;
  return weighted && node.inputs.size() >= 2;
}

// Why a layer's weights cannot be int8 (XNNPACK has no kernel for it, or
// they are not one float constant of its own), or "".
std::string no_int8_reason(const Graph& graph, const Node& node, const std::vector<int>& readers) {
  const Tensor& w = graph.tensor(node.inputs[1]);
  if (!w.is_constant() || (w.dtype != DType::kF32 && w.dtype != DType::kF16)) return "weights are not float constants";
  if (readers[static_cast<size_t>(node.inputs[1])] != 1) return "its weights are shared";
  if (node.op == OpType::kConv2D && node.attrs.groups != 1)
    return node.attrs.groups == w.shape[0] ? "depthwise (no int8 kernel)" : "grouped (no int8 kernel)";
  if (node.op == OpType::kConvTranspose2D) return "transposed convolution (no int8 kernel)";
  return "";
}

// Why a layer with weights keeps them in floating point, or "" when they can be int8.
std::string float_reason(const Graph& graph, const Node& node, const std::vector<int>& readers) {
  const std::string reason = no_int8_reason(graph, node, readers);
  if (!reason.empty()) return reason;
  const Tensor& w = graph.tensor(node.inputs[1]);
  // Measured on PP-OCRv4's detector: its few layers this narrow (the first
  // ones, on the image) cost the most accuracy in int8 (the street sign's
  // boxes: F 0.78 against f32's with them in int8, 1.0 without) and little time.
  if (w.shape.back() <= kMinInt8InputChannels) return "16 or fewer input channels (kept for accuracy)";
  return "";
}

}  // namespace

QuantizationReport quantize_weights(Model& model, WeightStorage storage) {
  Graph& graph = model.graph;
  QuantizationReport report;
  report.bytes_before = constant_bytes(graph);
  if (storage == WeightStorage::kF16) {
    // The weights of the layers that have them; biases and the other small
    // constants keep f32 (they are a few percent of the bytes, and a bias
    // rounded to f16 shifts a whole channel).
    for (const Node& node : graph.nodes) {
      if (!has_weights(node)) continue;
      Tensor& w = graph.tensor(node.inputs[1]);
      if (w.is_constant() && w.dtype == DType::kF32) store_as_f16(w);
    }
  } else if (storage == WeightStorage::kInt8) {
    const std::vector<int> readers = reader_counts(graph);
    for (const Node& node : graph.nodes) {
      if (!has_weights(node)) continue;
      const std::string reason = float_reason(graph, node, readers);
      if (!reason.empty()) {
        report.float_layers.push_back(std::string(op_name(node.op)) + " '" + node.name + "': " + reason);
        continue;
      }
      store_as_int8(graph.tensor(node.inputs[1]));
      ++report.int8_layers;
    }
  }
  graph.validate();
  report.bytes_after = constant_bytes(graph);
  return report;
}

int run_published_int8(Model& model) {
  Graph& graph = model.graph;
  const std::unordered_set<std::string> published(graph.info.int8_weights.begin(), graph.info.int8_weights.end());
  graph.info.int8_weights.clear();
  if (published.empty()) return 0;
  const std::vector<int> readers = reader_counts(graph);
  int layers = 0;
  for (const Node& node : graph.nodes) {
    if (!has_weights(node) || published.count(graph.tensor(node.inputs[1]).name) == 0) continue;
    if (!no_int8_reason(graph, node, readers).empty()) continue;
    // The file's scales are max |q| / 127 per channel (TFLite's symmetric
    // quantizer), so requantizing its dequantized values gives back its int8
    // values exactly.
    store_as_int8(graph.tensor(node.inputs[1]));
    ++layers;
  }
  graph.validate();
  return layers;
}

}  // namespace garden
