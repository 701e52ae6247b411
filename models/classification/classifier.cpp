// The classification runner (see classifier.h).
#include "classification/classifier.h"

#include <algorithm>
#include <string>
#include <utility>

#include "garden/error.h"
#include "labels/labels.h"

namespace garden {
namespace classification {
namespace {

struct Family {
  const char* name;
  int input_size;
};

// Input sizes the families were trained at (torchvision / TF model cards).
constexpr Family kFamilies[] = {
    {"efficientnet-b0", 224},   {"efficientnet-b1", 240},   {"efficientnet-b2", 260},
    {"efficientnet-b3", 300},   {"efficientnet-b4", 380},   {"efficientnet-b5", 456},
    {"efficientnet-b6", 528},   {"efficientnet-b7", 600},   {"efficientnet-lite0", 224},
    {"efficientnet-lite1", 240}, {"efficientnet-lite2", 260}, {"efficientnet-lite3", 280},
    {"efficientnet-lite4", 300}, {"mobilenet-v2", 224},      {"nsfwjs", 224},
};

const Family& find_family(const std::string& name) {
  for (const Family& family : kFamilies)
    if (name == family.name) return family;
  std::string known;
  for (const Family& family : kFamilies) known += (known.empty() ? "" : ", ") + std::string(family.name);
  fail(ErrorCode::kInvalidArgument, "classifier: unknown model '" + name + "'; known: " + known);
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// TFLite's uint8-trained EfficientNet-Lite: (pixel - 127) / 128.
Normalization tflite_lite_normalization() {
  Normalization norm;
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = 127.f / 255.f;
    norm.std[c] = 128.f / 255.f;
  }
  return norm;
}

std::string shape_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// Labels given in the options, else the model's own. Read in the member
// initializers, before the model moves into the session.
ClassifierOptions with_model_labels(ClassifierOptions options, const Model& model) {
  if (options.labels.empty()) options.labels = model.graph.info.labels;
  return options;
}

}  // namespace

int preset_input_size(const std::string& model_name) { return find_family(model_name).input_size; }

ClassifierOptions preset(const std::string& model_name) {
  find_family(model_name);  // rejects unknown names
  ClassifierOptions options;
  if (starts_with(model_name, "efficientnet-lite")) {
    options.normalization = tflite_lite_normalization();
    options.labels = labels::imagenet();
  } else if (starts_with(model_name, "efficientnet-b")) {
    options.normalization = imagenet_normalization();  // torchvision weights
    options.labels = labels::imagenet();
  } else if (model_name == "mobilenet-v2") {
    options.normalization = symmetric_normalization();
    options.labels = labels::imagenet();
    options.label_offset = 1;  // 1001 outputs, 0 = background
  } else {  // nsfwjs: [0, 1] input, softmax inside the graph
    options.normalization = Normalization{};
    options.labels = {"Drawing", "Hentai", "Neutral", "Porn", "Sexy"};
    options.output_is_logits = false;
  }
  return options;
}

Classifier::Classifier(const Model& model, const ClassifierOptions& options)
    : options_(with_model_labels(options, model)), session_(model, options.session) {
  read_ports();
}

Classifier::Classifier(Model&& model, const ClassifierOptions& options)
    : options_(with_model_labels(options, model)), session_(std::move(model), options.session) {
  read_ports();
}

void Classifier::read_ports() {
  require(session_.input_count() == 1 && session_.output_count() >= 1,
          ErrorCode::kUnsupportedModel, "classifier: needs one input and an output");
  const TensorView input = session_.input(0);
  require(input.shape.size() == 4 && input.shape[0] == 1, ErrorCode::kUnsupportedModel,
          "classifier: input must be [1,3,H,W] or [1,H,W,3], got " + shape_string(input.shape));
  // ONNX models declare NCHW, TF.js/TFLite NHWC; an undeclared layout is
  // recognized by where the 3 channels are.
  const bool nhwc = input.layout == Layout::kNHWC ||
                    (input.layout != Layout::kNCHW && input.shape[3] == 3 && input.shape[1] != 3);
  input_layout_ = nhwc ? Layout::kNHWC : Layout::kNCHW;
  require((nhwc ? input.shape[3] : input.shape[1]) == 3, ErrorCode::kUnsupportedModel,
          "classifier: input must have 3 channels, got " + shape_string(input.shape));
  input_height_ = static_cast<int>(nhwc ? input.shape[1] : input.shape[2]);
  input_width_ = static_cast<int>(nhwc ? input.shape[2] : input.shape[3]);

  const TensorView output = session_.output(0);
  const int64_t outputs = element_count(output.shape);
  require(options_.label_offset >= 0 && outputs > options_.label_offset, ErrorCode::kUnsupportedModel,
          "classifier: output " + shape_string(output.shape) + " has no class after label_offset " +
              std::to_string(options_.label_offset));
  probabilities_.resize(static_cast<size_t>(outputs - options_.label_offset));
}

std::vector<Prediction> Classifier::classify(const ImageView& image, int top_k) {
  const int classes = static_cast<int>(probabilities_.size());
  require(top_k >= 1 && top_k <= classes, ErrorCode::kInvalidArgument,
          "classifier: top_k must be in [1, " + std::to_string(classes) + "], got " +
              std::to_string(top_k));
  validate_image(image);
  const Letterbox box = fit_image(image.width, image.height, input_width_, input_height_, options_.fit);
  resizer_.resize_normalize(image, box, input_width_, input_height_, input_layout_,
                            options_.normalization, session_.input(0).data);
  session_.run();

  // The background class of 1001-way models is dropped before the softmax,
  // as tfjs-models' MobileNet does.
  const float* scores = session_.output(0).data + options_.label_offset;
  if (options_.output_is_logits)
    softmax(scores, probabilities_.size(), probabilities_.data());
  else
    std::copy(scores, scores + probabilities_.size(), probabilities_.begin());

  std::vector<Prediction> predictions;
  for (const ScoredIndex& best : garden::top_k(probabilities_.data(), probabilities_.size(),
                                               static_cast<size_t>(top_k))) {
    const size_t index = static_cast<size_t>(best.index);
    std::string name = index < options_.labels.size() ? options_.labels[index]
                                                      : "class " + std::to_string(index);
    predictions.push_back({best.index, std::move(name), best.score});
  }
  return predictions;
}

int Classifier::input_width() const { return input_width_; }
int Classifier::input_height() const { return input_height_; }

}  // namespace classification
}  // namespace garden
