// Typed errors for everything the runtime can refuse: a bad model file, an
// unsupported op, a wrong option. Every public entry point throws only
// garden::Error, so bindings can map it to a GardenError with a code.
#pragma once
#include <stdexcept>
#include <string>

namespace garden {

enum class ErrorCode {
  kInvalidModel,      // the file is not a well-formed model of its format
  kUnsupportedOp,     // a well-formed model uses an op we do not implement
  kUnsupportedModel,  // well-formed, known ops, but attributes/shapes we cannot run
  kInvalidArgument,   // a caller passed a wrong option, shape or buffer
  kLimitExceeded,     // a size bound (bytes, rank, elements, depth) was exceeded
  kIo,                // a file could not be read or written
  kBackend,           // XNNPACK refused or failed
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) {
  throw Error(code, message);
}

// Checks a condition that depends on untrusted input.
inline void require(bool condition, ErrorCode code, const std::string& message) {
  if (!condition) fail(code, message);
}

}  // namespace garden
