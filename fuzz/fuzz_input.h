// What every fuzz target shares: run one input through a loader and accept
// only two outcomes, success or a garden::Error. Anything else (another
// exception, a sanitizer report, a crash) is a bug the fuzzer reports.
#pragma once

#include <cstddef>
#include <cstdint>

#include "garden/error.h"

namespace garden::fuzz {

// Calls load(data, size) and swallows garden::Error, the documented answer to
// bad input. Other exceptions escape to libFuzzer, which reports them.
template <typename Load>
int run_one(const uint8_t* data, size_t size, Load load) {
  try {
    load(data, size);
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace garden::fuzz
