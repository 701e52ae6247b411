# Compile and link flags of the WebAssembly build (under emcmake); nothing
# natively, where XNNPACK picks its kernels at run time (no -march=native).
#
#   garden_wasm_test_link_options(target)   link options of a test run by Node
#   GARDEN_WASM_EXCEPTIONS_FLAG             -fwasm-exceptions, else -fexceptions

function(garden_wasm_test_link_options target)
endfunction()

if(NOT GARDEN_WASM)
  return()
endif()

# Debian's emcc needs Node modules (acorn) from /usr/share/nodejs when it links:
# for configure-time checks here, and for every link rule of the build.
set(ENV{NODE_PATH} "/usr/share/nodejs")
set_property(GLOBAL PROPERTY RULE_LAUNCH_LINK "${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs")

include(GardenEmccDirect)  # compiles run emcc's clang command without emcc's start-up

# emcmake sets the emulator to `node --experimental-wasm-threads`, which Node 20
# rejects; Node's global fetch breaks Emscripten's loader, hence no fetch.
find_program(GARDEN_NODE NAMES node nodejs REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${GARDEN_NODE};--no-experimental-fetch" CACHE STRING
  "runs wasm executables (tests) under Node" FORCE)

# Plain SIMD128 (clang 14's relaxed SIMD is rejected by Node 20) and threads,
# unless this is the single-thread build (GARDEN_WASM_THREADS, GardenDeps).
if(GARDEN_WASM_THREADS)
  add_compile_options(-msimd128 -pthread)
  add_link_options(-pthread -Wno-pthreads-mem-growth)
else()
  add_compile_options(-msimd128)
endif()

# Native wasm exception handling is smaller and faster than the JS-based
# -fexceptions; use it when it compiles, links and runs with threads here.
if(NOT DEFINED GARDEN_WASM_EXCEPTIONS_FLAG)
  set(garden_check_source "${CMAKE_BINARY_DIR}/garden-checks/wasm_exceptions.cpp")
  file(WRITE "${garden_check_source}" [=[
// Configure-time check: C++ exceptions thrown and caught on the main thread
// and on a worker thread of a -pthread build, run under Node.
#include <stdexcept>
#include <thread>

static bool throws_and_catches() {
  try {
    throw std::runtime_error("expected");
  } catch (const std::runtime_error&) {
    return true;
  }
  return false;
}

int main() {
  bool worker_ok = false;
  std::thread worker([&worker_ok] { worker_ok = throws_and_catches(); });
  worker.join();
  return (throws_and_catches() && worker_ok) ? 0 : 1;
}
]=])
  set(garden_check_flags -fwasm-exceptions -pthread -msimd128)
  try_run(garden_eh_run garden_eh_compiled
    "${CMAKE_BINARY_DIR}/garden-checks/wasm-exceptions"
    "${garden_check_source}"
    COMPILE_DEFINITIONS ${garden_check_flags}
    LINK_OPTIONS ${garden_check_flags} -sPTHREAD_POOL_SIZE=1 -sEXIT_RUNTIME=1
    CXX_STANDARD 17
    COMPILE_OUTPUT_VARIABLE garden_eh_compile_output
    RUN_OUTPUT_VARIABLE garden_eh_run_output)
  if(garden_eh_compiled AND garden_eh_run EQUAL 0)
    set(flag -fwasm-exceptions)
  else()
    set(flag -fexceptions)
    message(STATUS "-fwasm-exceptions unusable here (compiled: ${garden_eh_compiled}, run: ${garden_eh_run}); using -fexceptions")
  endif()
  set(GARDEN_WASM_EXCEPTIONS_FLAG ${flag} CACHE STRING "C++ exception mode of the wasm build")
endif()
message(STATUS "wasm C++ exceptions: ${GARDEN_WASM_EXCEPTIONS_FLAG}")
add_compile_options($<$<COMPILE_LANGUAGE:CXX>:${GARDEN_WASM_EXCEPTIONS_FLAG}>)
add_link_options(${GARDEN_WASM_EXCEPTIONS_FLAG})

# Tests run under Node: they read fixtures from disk (NODERAWFS), use up to 4
# pool threads, grow memory as models need, exit (ending the workers) when main
# returns, and get a main stack deep enough for Catch2.
function(garden_wasm_test_link_options target)
  target_link_options(${target} PRIVATE
    -sNODERAWFS=1
    -sPTHREAD_POOL_SIZE=4
    -sALLOW_MEMORY_GROWTH=1
    -sINITIAL_MEMORY=67108864          # 64 MiB
    -sMAXIMUM_MEMORY=2147483648        # 2 GiB
    -sTOTAL_STACK=8388608              # 8 MiB main-thread stack
    -sDEFAULT_PTHREAD_STACK_SIZE=2097152
    -sEXIT_RUNTIME=1)
endfunction()
