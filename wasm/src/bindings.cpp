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

#include <memory>
#include <utility>

#include "garden/error.h"
#include "garden/session.h"
#include "js_error.h"
#include "model_bytes.h"
#include "pixels.h"

namespace {

using emscripten::val;
using garden_js::call_guarded;
using garden_js::has_options;
using garden_js::int_option;

const char* layout_name(garden::Layout layout) {
  switch (layout) {
    case garden::Layout::kNCHW: return "NCHW";
    case garden::Layout::kNHWC: return "NHWC";
    case garden::Layout::kAny: break;
  }
  return "any";
}

val describe(const garden::TensorView& view) {
  val shape = val::array();
  for (int64_t dim : view.shape) shape.call<void>("push", val(static_cast<double>(dim)));
  val descriptor = val::object();
  descriptor.set("name", val(view.name));
  descriptor.set("shape", shape);
  descriptor.set("layout", val(layout_name(view.layout)));
  return descriptor;
}

val float_view(const garden::TensorView& view) {
  const size_t count = static_cast<size_t>(garden::element_count(view.shape));
  return val(emscripten::typed_memory_view(count, view.data));
}

class JsModel {
 public:
  JsModel(const val& bytes, const val& options) {
    call_guarded([&] {
      const int threads = int_option(options, "threads", 1, 1, 64);
      garden::SessionOptions session_options;
      session_options.threads = threads;
      session_options.profile = has_options(options) && options["profile"].isTrue();
      // A statement of its own: the copied file bytes are freed at its end,
      // before the weights are packed.
      garden::Model model =
          garden_js::load_model(garden_js::copy_bytes(bytes), int_option(options, "inputHeight", 0),
                                int_option(options, "inputWidth", 0));
      // The graph moves into the session, which frees its weights once packed.
      session_ = std::make_unique<garden::Session>(std::move(model), session_options);
    });
  }

  val inputs() { return call_guarded([&] { return describe_all(session().input_count(), true); }); }
  val outputs() { return call_guarded([&] { return describe_all(session().output_count(), false); }); }

  val input_view(size_t index) {
    return call_guarded([&] { return float_view(session().input(index)); });
  }
  val output_view(size_t index) {
    return call_guarded([&] { return float_view(session().output(index)); });
  }

  void run() { call_guarded([&] { session().run(); }); }
  int threads() { return call_guarded([&] { return session().threads(); }); }

  // [{name, milliseconds}] of the last run; needs {profile: true} at load.
  val profile() {
    return call_guarded([&] {
      val entries = val::array();
      for (const garden::NodeTime& time : session().profile()) {
        val entry = val::object();
        entry.set("name", val(time.name));
        entry.set("milliseconds", val(time.milliseconds));
        entries.call<void>("push", entry);
      }
      return entries;
    });
  }

  // Frees the session (weights, arena, thread pool) now rather than at delete().
  void dispose() { session_.reset(); }

 private:
  garden::Session& session() {
    garden::require(session_ != nullptr, garden::ErrorCode::kInvalidArgument, "model was disposed");
    return *session_;
  }

  val describe_all(size_t count, bool is_input) {
    val list = val::array();
    for (size_t i = 0; i < count; ++i) {
      list.call<void>("push", describe(is_input ? session().input(i) : session().output(i)));
    }
    return list;
  }

  std::unique_ptr<garden::Session> session_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(garden_model) {
  emscripten::class_<JsModel>("Model")
      .constructor<const val&, const val&>()
      .function("inputs", &JsModel::inputs)
      .function("outputs", &JsModel::outputs)
      .function("inputView", &JsModel::input_view)
      .function("outputView", &JsModel::output_view)
      .function("run", &JsModel::run)
      .function("threads", &JsModel::threads)
      .function("profile", &JsModel::profile)
      .function("dispose", &JsModel::dispose);
}

EMSCRIPTEN_BINDINGS(garden_pixels) {
  emscripten::class_<garden_js::PixelBuffer>("PixelBuffer")
      .constructor<>()
      .function("view", &garden_js::PixelBuffer::view);
}
