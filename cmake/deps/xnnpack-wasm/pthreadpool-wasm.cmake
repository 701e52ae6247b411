# pthreadpool for Emscripten threads. Upstream's CMake builds only its
# single-threaded shim under Emscripten; this builds the real pool with futex
# waits (emscripten_futex_wait/wake on shared memory).
#
# Idle workers must wait, not spin: a pool that spins long collapses when
# another process takes a core. Upstream spins 1,000,000 iterations (about
# 0.5 ms in V8) before it waits, so the sources are copied with that bound made
# overridable and set to GARDEN_PTHREADPOOL_SPIN_ITERATIONS: 30,000, about
# 16 us, the gap between two operators of one run. Without it every operator
# woke its workers from a futex wait, which cost the PP-OCRv4 recognizer
# (274 operators) 15 % and EfficientNet-B0 20 % at 2 threads; with it, two
# busy processes on the 2 cores slow a run no more than waiting does. Between
# runs nothing spins: the last operator of a run yields the workers
# (XNN_FLAG_YIELD_WORKERS in core/src/xnn/xnn_runtime.cpp).
set(GARDEN_PTHREADPOOL_SPIN_ITERATIONS 30000 CACHE STRING "pthreadpool spin iterations before a futex wait")

set(pool_src "${CMAKE_CURRENT_BINARY_DIR}/pthreadpool-src")
file(GLOB pool_files RELATIVE "${PTHREADPOOL_SOURCE_DIR}/src" "${PTHREADPOOL_SOURCE_DIR}/src/*")
foreach(name ${pool_files})
  configure_file("${PTHREADPOOL_SOURCE_DIR}/src/${name}" "${pool_src}/${name}" COPYONLY)
endforeach()
set(spin_define "#define PTHREADPOOL_SPIN_WAIT_ITERATIONS 1000000")
file(READ "${pool_src}/threadpool-common.h" common_header)
string(FIND "${common_header}" "${spin_define}" spin_at)
if(spin_at EQUAL -1)
  message(FATAL_ERROR "pthreadpool: '${spin_define}' not found in threadpool-common.h; revisit pthreadpool-wasm.cmake")
endif()
string(REPLACE "${spin_define}"
  "#ifndef PTHREADPOOL_SPIN_WAIT_ITERATIONS\n${spin_define}\n#endif"
  common_header "${common_header}")
file(WRITE "${pool_src}/threadpool-common.h" "${common_header}")

add_library(pthreadpool STATIC
  "${pool_src}/portable-api.c" "${pool_src}/memory.c" "${pool_src}/pthreads.c")
set_target_properties(pthreadpool PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_include_directories(pthreadpool
  PUBLIC "${PTHREADPOOL_SOURCE_DIR}/include"
  PRIVATE "${pool_src}" "${FXDIV_SOURCE_DIR}/include")
target_compile_definitions(pthreadpool PRIVATE
  PTHREADPOOL_USE_FUTEX=1 PTHREADPOOL_USE_GCD=0 PTHREADPOOL_USE_EVENT=0
  PTHREADPOOL_USE_FASTPATH=0 PTHREADPOOL_NO_DEPRECATED_API=1 _GNU_SOURCE=1
  PTHREADPOOL_SPIN_WAIT_ITERATIONS=${GARDEN_PTHREADPOOL_SPIN_ITERATIONS})
