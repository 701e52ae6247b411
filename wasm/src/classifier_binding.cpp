// Embind for the classification runner (models/classification).
//
//   const cls = new Module.Classifier(bytes, { preset: 'efficientnet-b0', threads: 2 });
//   pixels.view(w, h).set(rgba);
//   cls.classify(pixels, 5);   // [{ className, probability }], most likely first
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "classification/classifier.h"
#include "js_error.h"
#include "model_bytes.h"
#include "pixels.h"

namespace garden_js {
namespace {

namespace cls = garden::classification;

std::vector<std::string> string_list(const val& list) {
  std::vector<std::string> strings;
  if (!is_set(list)) return strings;
  garden::require(list.isArray(), garden::ErrorCode::kInvalidArgument, "labels must be an array of strings");
  for (int i = 0, n = list["length"].as<int>(); i < n; ++i) {
    garden::require(list[i].isString(), garden::ErrorCode::kInvalidArgument, "labels must be strings");
    strings.push_back(list[i].as<std::string>());
  }
  return strings;
}

class JsClassifier {
 public:
  JsClassifier(const val& bytes, const val& options) {
    call_guarded([&] {
      const std::string preset = string_option(options, "preset", "efficientnet-b0");
      cls::ClassifierOptions classifier_options = cls::preset(preset);
      classifier_options.session.threads = int_option(options, "threads", 1, 1, 64);
      const std::vector<std::string> labels = string_list(option(options, "labels"));
      if (!labels.empty()) classifier_options.labels = labels;
      // Only models with dynamic spatial dims take the size; fixed ones keep theirs.
      const int size = int_option(options, "inputSize", 0, 0, garden::kMaxImageSide);
      // The copied file bytes are freed at the end of this statement, before
      // the graph moves into the runner, which frees its weights once packed.
      garden::Model model = load_model(copy_bytes(bytes), size, size);
      classifier_ = std::make_unique<cls::Classifier>(std::move(model), classifier_options);
    });
  }

  val classify(const PixelBuffer& pixels, int top_k) {
    return call_guarded([&] {
      garden::require(classifier_ != nullptr, garden::ErrorCode::kInvalidArgument, "classifier was disposed");
      val list = val::array();
      for (const cls::Prediction& prediction : classifier_->classify(pixels.image(), top_k)) {
        val entry = val::object();
        entry.set("className", val(prediction.class_name));
        entry.set("probability", val(prediction.probability));
        list.call<void>("push", entry);
      }
      return list;
    });
  }

  void dispose() { classifier_.reset(); }

 private:
  std::unique_ptr<cls::Classifier> classifier_;
};

}  // namespace
}  // namespace garden_js

EMSCRIPTEN_BINDINGS(garden_classifier) {
  emscripten::class_<garden_js::JsClassifier>("Classifier")
      .constructor<const emscripten::val&, const emscripten::val&>()
      .function("classify", &garden_js::JsClassifier::classify)
      .function("dispose", &garden_js::JsClassifier::dispose);
}
