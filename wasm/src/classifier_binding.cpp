// Embind for the classification runner (models/classification).
//
//   const cls = new Module.Classifier(bytes, { preset: 'efficientnet-b0', threads: 2 });
//   pixels.view(w, h).set(rgba);
//   cls.classify(pixels, 5);   // [{ className, probability }], most likely first
//   cls.embed(pixels);         // a Float32Array view of the embedding (the runner's buffer: copy it)
#include <emscripten/bind.h>

#include <string>
#include <vector>

#include "classification/classifier.h"
#include "js_error.h"
#include "js_runner.h"
#include "js_values.h"
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

class JsClassifier : public JsHandle<cls::Classifier> {
 public:
  JsClassifier(const val& bytes, const val& options) : JsHandle("classifier") {
    call_guarded([&] {
      const std::string preset = string_option(options, "preset", "efficientnet-b0");
      cls::ClassifierOptions classifier_options = cls::preset(preset);
      classifier_options.session.threads = threads_option(options);
      const std::vector<std::string> labels = string_list(option(options, "labels"));
      if (!labels.empty()) classifier_options.labels = labels;
      classifier_options.embedding_output =
          string_option(options, "embeddingOutput", classifier_options.embedding_output);
      const int size = input_size_option(options);
      load(bytes, size, size, classifier_options, options);
    });
  }

  val classify(const PixelBuffer& pixels, int top_k) {
    return call_guarded([&] {
      return js_array(get().classify(pixels.image(), top_k), [](const cls::Prediction& prediction) {
        return js_object({{"className", val(prediction.class_name)}, {"probability", val(prediction.probability)}});
      });
    });
  }

  val embed(const PixelBuffer& pixels) {
    return call_guarded([&] {
      const std::vector<float>& embedding = get().embed(pixels.image());
      return val(emscripten::typed_memory_view(embedding.size(), embedding.data()));
    });
  }

  // 0: the model has no embedding.
  int embedding_size() const {
    return call_guarded([&] { return static_cast<int>(get().embedding_size()); });
  }
};

}  // namespace

EMSCRIPTEN_BINDINGS(garden_classifier) {
  bind_class<JsClassifier>("Classifier", "classify", &JsClassifier::classify)
      .function("embed", &JsClassifier::embed)
      .function("embeddingSize", &JsClassifier::embedding_size);
}

}  // namespace garden_js
