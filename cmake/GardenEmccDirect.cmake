# Under emcmake: compile through cmake/emcc_direct.py, which runs the clang
# command emcc would run for a file's flags (asked of emcc once per set of
# flags) instead of starting emcc's Python driver for every file. The objects
# are the same; otherwise most of a wasm build's compile time is that start-up.
# Used by this project and by the XNNPACK wasm builds (cmake/deps/xnnpack-wasm*).
# -DGARDEN_EMCC_DIRECT=OFF compiles with emcc itself, as does a launcher of the
# user's own (-DCMAKE_CXX_COMPILER_LAUNCHER=ccache, say), which is kept.
option(GARDEN_EMCC_DIRECT "compile wasm objects with emcc's clang command directly" ON)
if(GARDEN_EMCC_DIRECT AND NOT CMAKE_C_COMPILER_LAUNCHER AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  # The system's python3 ahead of any shim on PATH: it starts for every file.
  find_program(GARDEN_EMCC_DIRECT_PYTHON NAMES python3 HINTS /usr/bin REQUIRED)
  set(garden_emcc_direct
    "${GARDEN_EMCC_DIRECT_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/emcc_direct.py" "${CMAKE_BINARY_DIR}/emcc-direct")
  set(CMAKE_C_COMPILER_LAUNCHER ${garden_emcc_direct})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${garden_emcc_direct})
endif()
