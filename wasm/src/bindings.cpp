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
// `code` property ("INVALID_MODEL", "UNSUPPORTED_OP", ...). Nothing here
// aborts the module on bad input.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "garden/error.h"
#include "garden/session.h"

namespace {

using emscripten::val;

struct PendingError {
  std::string code;
  std::string message;
};

[[noreturn]] void throw_garden_error(const PendingError& pending) {
  val error = val::global("Error").new_(val(pending.message));
  error.set("name", val("GardenError"));
  error.set("code", val(pending.code));
  error.throw_();
}

// Runs `body` and turns any C++ exception into a GardenError. The JS error is
// thrown after the C++ handler has finished: a JS exception leaving a live
// catch block would leak the caught C++ exception object.
template <typename Body>
auto call_guarded(Body&& body) -> decltype(body()) {
  PendingError pending;
  try {
    return body();
  } catch (const garden::Error& error) {
    pending = {garden::error_code_name(error.code()), error.what()};
  } catch (const std::bad_alloc&) {
    pending = {"OUT_OF_MEMORY", "out of memory"};
  } catch (const std::exception& error) {
    pending = {"INTERNAL", error.what()};
  }
  throw_garden_error(pending);
}

// Copies a Uint8Array / ArrayBuffer view into wasm memory in one bulk `set`.
std::vector<uint8_t> copy_bytes(const val& bytes) {
  garden::require(bytes["byteLength"].isNumber(), garden::ErrorCode::kInvalidArgument,
                  "model bytes must be a Uint8Array or ArrayBuffer");
  const size_t length = bytes["byteLength"].as<size_t>();
  std::vector<uint8_t> buffer(length);
  // A byte window on the caller's memory (no copy), whatever view type it is.
  val source = bytes.instanceof(val::global("ArrayBuffer"))
                   ? val::global("Uint8Array").new_(bytes)
                   : val::global("Uint8Array").new_(bytes["buffer"], bytes["byteOffset"], bytes["byteLength"]);
  val(emscripten::typed_memory_view(length, buffer.data())).call<void>("set", source);
  return buffer;
}

bool has_options(const val& options) { return !options.isUndefined() && !options.isNull(); }

int int_option(const val& options, const char* name, int fallback) {
  if (!has_options(options)) return fallback;
  val value = options[name];
  if (value.isUndefined() || value.isNull()) return fallback;
  garden::require(value.isNumber(), garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be a number");
  const double number = value.as<double>();
  garden::require(number >= 0 && number <= 1 << 20 && number == static_cast<int>(number),
                  garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be a small non-negative integer");
  return static_cast<int>(number);
}

// Dynamic input sizes (PP-OCR's [1,3,?,?]) are fixed at import time.
garden::Model load_model(const std::vector<uint8_t>& bytes, int input_height, int input_width) {
  garden::require((input_height > 0) == (input_width > 0), garden::ErrorCode::kInvalidArgument,
                  "give both inputHeight and inputWidth, or neither");
  garden::LoadOptions options;
  options.input_height = input_height;
  options.input_width = input_width;
  const garden::ModelFormat format = garden::detect_format("", bytes.data(), bytes.size());
  return garden::load_model_bytes(bytes.data(), bytes.size(), format, options);
}

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
      const int threads = int_option(options, "threads", 1);
      garden::require(threads >= 1, garden::ErrorCode::kInvalidArgument, "threads must be >= 1");
      const garden::Model model = load_model(copy_bytes(bytes), int_option(options, "inputHeight", 0),
                                             int_option(options, "inputWidth", 0));
      garden::SessionOptions session_options;
      session_options.threads = threads;
      session_options.profile = has_options(options) && options["profile"].isTrue();
      session_ = std::make_unique<garden::Session>(model, session_options);
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
