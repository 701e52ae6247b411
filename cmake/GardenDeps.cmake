# Third-party dependencies as imported targets:
#   garden::xnnpack      XNNPACK + its microkernels + pthreadpool (+ cpuinfo natively)
#   garden::flatbuffers  Debian's FlatBuffers headers (header-only use)
#   garden::catch2       Debian's Catch2 v2 single header
#   garden::json         Debian's nlohmann/json (header-only)
#   GARDEN_FLATC         the flatc compiler (always the host's)
#
# XNNPACK is built by scripts/setup outside the checkout. GARDEN_DEPS_DIR points
# at that build (scripts/build passes it); when unset, scripts/setup is asked
# where the build for the current recipe lives.

if(GARDEN_WASM)
  # OFF: the single-thread build (no shared memory), which needs XNNPACK
  # compiled without -pthread too: the wasm-st flavor of scripts/setup.
  option(GARDEN_WASM_THREADS "WebAssembly build with threads (SharedArrayBuffer)" ON)
  if(GARDEN_WASM_THREADS)
    set(garden_deps_flavor wasm)
  else()
    set(garden_deps_flavor wasm-st)
  endif()
else()
  set(garden_deps_flavor native)
endif()

if(NOT GARDEN_DEPS_DIR)
  execute_process(
    COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/setup" --print-deps-dir ${garden_deps_flavor}
    OUTPUT_VARIABLE GARDEN_DEPS_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE garden_deps_result)
  if(NOT garden_deps_result EQUAL 0)
    message(FATAL_ERROR "could not locate the XNNPACK build: run scripts/setup")
  endif()
endif()
if(NOT EXISTS "${GARDEN_DEPS_DIR}/.garden-complete")
  message(FATAL_ERROR
    "XNNPACK (${garden_deps_flavor}) is not built at ${GARDEN_DEPS_DIR}: run scripts/setup")
endif()
message(STATUS "XNNPACK (${garden_deps_flavor}): ${GARDEN_DEPS_DIR}")

# -- garden::xnnpack -----------------------------------------------------------
function(garden_import_archive target file)
  if(NOT EXISTS "${GARDEN_DEPS_DIR}/lib/${file}")
    message(FATAL_ERROR "${GARDEN_DEPS_DIR}/lib/${file} is missing: delete ${GARDEN_DEPS_DIR} and run scripts/setup")
  endif()
  add_library(${target} STATIC IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${GARDEN_DEPS_DIR}/lib/${file}"
    INTERFACE_INCLUDE_DIRECTORIES "${GARDEN_DEPS_DIR}/include")
endfunction()

garden_import_archive(garden::pthreadpool libpthreadpool.a)
garden_import_archive(garden::xnnpack_microkernels libmicrokernels-prod.a)
garden_import_archive(garden::xnnpack libXNNPACK.a)

if(GARDEN_WASM)
  # Threads (if any) come from the global -pthread of GardenWasmFlags.
  set(garden_xnnpack_system_libs "")
else()
  set(THREADS_PREFER_PTHREAD_FLAG ON)
  find_package(Threads REQUIRED)
  find_library(GARDEN_CPUINFO_LIBRARY cpuinfo)
  if(NOT GARDEN_CPUINFO_LIBRARY)
    message(FATAL_ERROR "libcpuinfo not found: run scripts/setup (it installs libcpuinfo-dev)")
  endif()
  set(garden_xnnpack_system_libs "${GARDEN_CPUINFO_LIBRARY}" Threads::Threads m)
endif()
set_property(TARGET garden::pthreadpool PROPERTY INTERFACE_LINK_LIBRARIES ${garden_xnnpack_system_libs})
set_property(TARGET garden::xnnpack PROPERTY INTERFACE_LINK_LIBRARIES
  garden::xnnpack_microkernels garden::pthreadpool ${garden_xnnpack_system_libs})

# -- header-only libraries from /usr/include -----------------------------------
# em++ must not see /usr/include (glibc headers would shadow Emscripten's libc),
# so each library gets a folder holding only a symlink to its own headers.
function(garden_import_system_headers target header_dir)
  if(NOT IS_DIRECTORY "/usr/include/${header_dir}")
    message(FATAL_ERROR "/usr/include/${header_dir} not found: run scripts/setup")
  endif()
  set(root "${CMAKE_BINARY_DIR}/garden-system-headers/${header_dir}")
  file(MAKE_DIRECTORY "${root}")
  file(CREATE_LINK "/usr/include/${header_dir}" "${root}/${header_dir}" SYMBOLIC)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  # Imported include directories are passed as -isystem.
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${root}")
endfunction()

garden_import_system_headers(garden::flatbuffers flatbuffers)
garden_import_system_headers(garden::catch2 catch2)
garden_import_system_headers(garden::json nlohmann)  # nlohmann-json3-dev

find_program(GARDEN_FLATC flatc)
if(NOT GARDEN_FLATC)
  message(FATAL_ERROR "flatc not found: run scripts/setup (it installs flatbuffers-compiler)")
endif()
