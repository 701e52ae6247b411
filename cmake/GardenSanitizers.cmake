# Sanitizer and fuzzer builds (native only; scripts/sanitize and scripts/fuzz
# drive them):
#
#   -DGARDEN_SANITIZE=address   AddressSanitizer + UndefinedBehaviorSanitizer,
#                               any UB report is fatal
#   -DGARDEN_SANITIZE=thread    ThreadSanitizer
#   -DGARDEN_FUZZ=ON            libFuzzer targets under fuzz/ (clang only);
#                               every object gets fuzzer coverage, so combine
#                               it with GARDEN_SANITIZE=address
#   -DGARDEN_TSAN_PTHREADPOOL=<file>  a ThreadSanitizer-instrumented
#                               libpthreadpool.a to link instead of the plain
#                               one, so TSan sees the pool's synchronization
#
# The prebuilt XNNPACK is not instrumented: ASan still checks every access our
# code makes, and the buffers XNNPACK writes are ours.

set(GARDEN_SANITIZE "" CACHE STRING "sanitizer build: '', address or thread")
set_property(CACHE GARDEN_SANITIZE PROPERTY STRINGS "" address thread)
option(GARDEN_FUZZ "build the libFuzzer targets under fuzz/ (clang)" OFF)
set(GARDEN_TSAN_PTHREADPOOL "" CACHE FILEPATH "TSan-instrumented libpthreadpool.a")

if(GARDEN_WASM)
  if(GARDEN_SANITIZE OR GARDEN_FUZZ)
    message(FATAL_ERROR "GARDEN_SANITIZE and GARDEN_FUZZ are native-only options")
  endif()
  return()
endif()

# Keep frames for readable reports; -O1 keeps the run time reasonable.
set(garden_sanitizer_common -fno-omit-frame-pointer -g -O1)

if(GARDEN_SANITIZE STREQUAL "address")
  add_compile_options(${garden_sanitizer_common} -fsanitize=address,undefined
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(GARDEN_SANITIZE STREQUAL "thread")
  add_compile_options(${garden_sanitizer_common} -fsanitize=thread)
  add_link_options(-fsanitize=thread)
elseif(NOT GARDEN_SANITIZE STREQUAL "")
  message(FATAL_ERROR "GARDEN_SANITIZE must be empty, 'address' or 'thread' (got '${GARDEN_SANITIZE}')")
endif()

if(GARDEN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "GARDEN_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Swaps the pool library under garden::xnnpack (GardenDeps, included before
# this file, imports it).
if(GARDEN_TSAN_PTHREADPOOL)
  if(NOT EXISTS "${GARDEN_TSAN_PTHREADPOOL}")
    message(FATAL_ERROR "GARDEN_TSAN_PTHREADPOOL=${GARDEN_TSAN_PTHREADPOOL} does not exist: run scripts/sanitize tsan")
  endif()
  set_target_properties(garden::pthreadpool PROPERTIES IMPORTED_LOCATION "${GARDEN_TSAN_PTHREADPOOL}")
  message(STATUS "pthreadpool (ThreadSanitizer): ${GARDEN_TSAN_PTHREADPOOL}")
endif()
