// JavaScript bindings (Embind) for the low-level model API.
//
//   const model = new Module.Model(bytes, { threads: 2, inputHeight: 640, inputWidth: 640 });
//   model.inputView(0).set(pixels);   // Float32Array on the wasm heap
//   model.run();
//   const scores = model.outputView(0);
//   model.delete();
//
// Views are windows on the wasm heap. Any call that may allocate (loading
// another model, for one) can grow the heap and replace its buffer, so read
// the views again after such a call instead of keeping them.
//
// Errors: every garden::Error becomes a JS `Error` named "GardenError" with a
// `code` property (js_error.h). Nothing here aborts the module on bad input.
//
// The task runners have their own bindings (text_detector_binding.cpp, ...);
// the RGBA frames they read go through a PixelBuffer (pixels.h).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>

#include "garden/session.h"
#include "js_error.h"
#include "js_runner.h"
#include "js_values.h"
#include "pixels.h"

namespace garden_js {
namespace {

const char* layout_name(garden::Layout layout) {
  switch (layout) {
    case garden::Layout::kNCHW: return "NCHW";
    case garden::Layout::kNHWC: return "NHWC";
    case garden::Layout::kAny: break;
  }
  return "any";
}

val describe(const garden::TensorView& view) {
  return js_object({{"name", val(view.name)},
                    {"shape", js_array(view.shape, [](int64_t dim) { return val(static_cast<double>(dim)); })},
                    {"layout", val(layout_name(view.layout))},
                    {"dtype", val(garden::value_type_name(view.type))}});
}

val float_view(const garden::TensorView& view) {
  const size_t count = static_cast<size_t>(garden::element_count(view.shape));
  return val(emscripten::typed_memory_view(count, view.data));
}

class JsModel : public JsHandle<garden::Session> {
 public:
  JsModel(const val& bytes, const val& options) : JsHandle("model") {
    call_guarded([&] {
      garden::SessionOptions session_options;
      session_options.threads = threads_option(options);
      session_options.profile = has_options(options) && options["profile"].isTrue();
      load(bytes, int_option(options, "inputHeight", 0), int_option(options, "inputWidth", 0), session_options, options);
    });
  }

  val inputs() { return call_guarded([&] { return describe_all(get().input_count(), true); }); }
  val outputs() { return call_guarded([&] { return describe_all(get().output_count(), false); }); }
  std::string notes() { return JsHandle::notes(); }

  val input_view(size_t index) {
    return call_guarded([&] { return float_view(get().input(index)); });
  }
  val output_view(size_t index) {
    return call_guarded([&] { return float_view(get().output(index)); });
  }

  void run() { call_guarded([&] { get().run(); }); }
  int threads() { return call_guarded([&] { return get().threads(); }); }

  // [{name, milliseconds}] of the last run; needs {profile: true} at load.
  val profile() {
    return call_guarded([&] {
      return js_array(get().profile(), [](const garden::NodeTime& time) {
        return js_object({{"name", val(time.name)}, {"milliseconds", val(time.milliseconds)}});
      });
    });
  }

 private:
  val describe_all(size_t count, bool is_input) {
    val list = val::array();
    for (size_t i = 0; i < count; ++i) list.call<void>("push", describe(is_input ? get().input(i) : get().output(i)));
    return list;
  }
};

}  // namespace
}  // namespace garden_js

EMSCRIPTEN_BINDINGS(garden_model) {
  using garden_js::JsModel;
  garden_js::bind_class<JsModel>("Model", "run", &JsModel::run)
      .function("inputs", &JsModel::inputs)
      .function("outputs", &JsModel::outputs)
      .function("notes", &JsModel::notes)
      .function("inputView", &JsModel::input_view)
      .function("outputView", &JsModel::output_view)
      .function("threads", &JsModel::threads)
      .function("profile", &JsModel::profile);
}

EMSCRIPTEN_BINDINGS(garden_imports) {
  emscripten::function("importCacheVersion", &garden_js::import_cache_version);
}

EMSCRIPTEN_BINDINGS(garden_pixels) {
  emscripten::class_<garden_js::PixelBuffer>("PixelBuffer")
      .constructor<>()
      .function("view", &garden_js::PixelBuffer::view);
}
