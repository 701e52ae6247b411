// What the JS classes share, whether they hold a task runner (Classifier,
// Segmenter, TextDetector) or a bare Session (Model): the object is built
// from the model's bytes and options, lives until dispose(), and any use
// after that is a GardenError.
//
//   class JsClassifier : public JsHandle<Classifier> {
//     JsClassifier(const val& bytes, const val& options) : JsHandle("classifier") {
//       call_guarded([&] { load(bytes, size, size, classifier_options); });
//     }
//     val classify(...) { ... get().classify(...) ... }   // "classifier was disposed" once disposed
//   };
//   EMSCRIPTEN_BINDINGS(garden_classifier) { bind_class<JsClassifier>("Classifier", "classify", &JsClassifier::classify); }
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <utility>

#include "garden/error.h"
#include "garden/image.h"
#include "js_error.h"
#include "model_bytes.h"

namespace garden_js {

inline int threads_option(const val& options) { return int_option(options, "threads", 1, 1, 64); }

// The side of a square input for models with dynamic spatial dims (0: the
// model's own); models with fixed dims keep theirs.
inline int input_size_option(const val& options) {
  return int_option(options, "inputSize", 0, 0, garden::kMaxImageSide);
}

template <typename Held>
class JsHandle {
 public:
  // Frees the held object (weights, arena, thread pool) now rather than at delete().
  void dispose() { held_.reset(); }

 protected:
  explicit JsHandle(const char* name) : name_(name) {}

  // Loads the model in `source` (a ModelSource: its bytes, or its cached
  // import; dynamic input dims set to height x width, or left when both are
  // 0; its weights quantized as `js_options.quantize` says) and builds
  // Held(model, options) on it.
  template <typename Options>
  void load(const val& source, int input_height, int input_width, const Options& options, const val& js_options) {
    // A statement of its own: the copied file bytes are freed at its end,
    // before the graph moves into the runner, which frees its weights once packed.
    garden::Model model = ModelSource(source).load(input_height, input_width, quantize_option(js_options));
    notes_ = model.graph.info.notes;
    held_ = std::make_unique<Held>(std::move(model), options);
  }

  // What the import changed that users should know (a graph cut at a loop), or "".
  const std::string& notes() const { return notes_; }

  // Holds a runner built otherwise (from several models).
  void hold(std::unique_ptr<Held> held) { held_ = std::move(held); }

  bool loaded() const { return held_ != nullptr; }
  Held& get() const {
    garden::require(loaded(), garden::ErrorCode::kInvalidArgument, std::string(name_) + " was disposed");
    return *held_;
  }

 private:
  const char* name_;  // "classifier", for the error after dispose()
  std::unique_ptr<Held> held_;
  std::string notes_;
};

// Registers a JS class made with `new Module.Name(bytes, options)`, with
// dispose() and its main method; further methods chain on the result.
template <typename JsClass, typename Method>
emscripten::class_<JsClass> bind_class(const char* name, const char* method_name, Method method) {
  emscripten::class_<JsClass> js_class(name);
  // Cast to JsClass's own member: Embind binds a method to the class its
  // member pointer names, and dispose() is JsHandle's.
  js_class.template constructor<const val&, const val&>()
      .function("dispose", static_cast<void (JsClass::*)()>(&JsClass::dispose))
      .function(method_name, method);
  return js_class;
}

}  // namespace garden_js
