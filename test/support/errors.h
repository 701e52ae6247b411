// The typed error an action ends in, for tests of bad input.
#pragma once

#include <catch2/catch.hpp>

#include <functional>

#include "garden/error.h"

namespace garden_test {

// The code of the garden::Error `action` throws; fails the test if it throws
// none.
inline garden::ErrorCode error_code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const garden::Error& error) {
    return error.code();
  }
  FAIL("expected garden::Error");
  return garden::ErrorCode::kBackend;
}

}  // namespace garden_test
