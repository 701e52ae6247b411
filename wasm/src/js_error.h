// Turning C++ failures into JavaScript errors, shared by every binding.
//
// Every garden::Error becomes a JS `Error` named "GardenError" with a `code`
// property ("INVALID_MODEL", "UNSUPPORTED_OP", ...); the package's JS layer
// rewraps it as its GardenError class. Nothing here aborts the module.
#pragma once

#include <emscripten/val.h>

#include <exception>
#include <new>
#include <string>

#include "garden/error.h"

namespace garden_js {

using emscripten::val;

struct PendingError {
  std::string code;
  std::string message;
};

[[noreturn]] inline void throw_garden_error(const PendingError& pending) {
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

inline bool has_options(const val& options) { return !options.isUndefined() && !options.isNull(); }

// options[name] when it is set, else nullptr-like undefined.
inline val option(const val& options, const char* name) {
  return has_options(options) ? options[name] : val::undefined();
}

inline bool is_set(const val& value) { return !value.isUndefined() && !value.isNull(); }

inline double number_option(const val& options, const char* name, double fallback, double min,
                            double max) {
  const val value = option(options, name);
  if (!is_set(value)) return fallback;
  garden::require(value.isNumber(), garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be a number");
  const double number = value.as<double>();
  garden::require(number >= min && number <= max, garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be in [" + std::to_string(min) + ", " +
                      std::to_string(max) + "], got " + std::to_string(number));
  return number;
}

inline int int_option(const val& options, const char* name, int fallback, int min = 0,
                      int max = 1 << 20) {
  const double number = number_option(options, name, fallback, min, max);
  garden::require(number == static_cast<int>(number), garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be an integer");
  return static_cast<int>(number);
}

inline std::string string_option(const val& options, const char* name, const std::string& fallback) {
  const val value = option(options, name);
  if (!is_set(value)) return fallback;
  garden::require(value.isString(), garden::ErrorCode::kInvalidArgument,
                  std::string("option ") + name + " must be a string");
  return value.as<std::string>();
}

}  // namespace garden_js
