# Source lists of XNNPACK for wasm SIMD, all relative to XNNPACK_SOURCE_DIR:
#   GARDEN_XNN_MICROKERNEL_SRCS  production scalar + wasm + wasmsimd kernels
#   GARDEN_XNN_TABLE_SRCS        lookup tables the kernels use
#   GARDEN_XNN_LIBRARY_SRCS      operators, subgraph, configs, ...
# Tables go with the kernels, as upstream does, so the archives link in order.

foreach(isa scalar wasm wasmsimd)
  include("${XNNPACK_SOURCE_DIR}/cmake/gen/${isa}_microkernels.cmake")
endforeach()
set(GARDEN_XNN_MICROKERNEL_SRCS
  ${PROD_SCALAR_MICROKERNEL_SRCS} ${PROD_WASM_MICROKERNEL_SRCS} ${PROD_WASMSIMD_MICROKERNEL_SRCS})

# Reads `SET(<name> ...)` from XNNPACK's CMakeLists.txt, keeping the src/ paths.
function(garden_xnn_upstream_list name out_var)
  string(REGEX MATCH "SET\\(${name}[ \t\r\n]([^)]*)\\)" block "${GARDEN_XNN_UPSTREAM_CMAKE}")
  string(REGEX MATCHALL "src/[^ \t\r\n\")]+" files "${CMAKE_MATCH_1}")
  if(NOT files)
    message(FATAL_ERROR "no ${name} found in ${XNNPACK_SOURCE_DIR}/CMakeLists.txt")
  endif()
  set(${out_var} ${files} PARENT_SCOPE)
endfunction()

file(READ "${XNNPACK_SOURCE_DIR}/CMakeLists.txt" GARDEN_XNN_UPSTREAM_CMAKE)
set(GARDEN_XNN_LIBRARY_SRCS "")
garden_xnn_upstream_list(TABLE_SRCS GARDEN_XNN_TABLE_SRCS)
foreach(list_name OPERATOR_SRCS REFERENCE_SRCS SUBGRAPH_SRCS LOGGING_SRCS XNNPACK_SRCS)
  garden_xnn_upstream_list(${list_name} files)
  list(APPEND GARDEN_XNN_LIBRARY_SRCS ${files})
endforeach()
# Single-file object libraries upstream declares as ADD_LIBRARY(<name> OBJECT src/<file>).
string(REGEX MATCHALL "ADD_LIBRARY\\([a-z-]+ OBJECT src/[^ \t\r\n)]+\\)" object_libs "${GARDEN_XNN_UPSTREAM_CMAKE}")
foreach(decl ${object_libs})
  string(REGEX MATCH "src/[^ \t\r\n)]+" file "${decl}")
  list(APPEND GARDEN_XNN_LIBRARY_SRCS "${file}")
endforeach()
list(REMOVE_DUPLICATES GARDEN_XNN_LIBRARY_SRCS)

foreach(file ${GARDEN_XNN_MICROKERNEL_SRCS} ${GARDEN_XNN_TABLE_SRCS} ${GARDEN_XNN_LIBRARY_SRCS})
  if(NOT EXISTS "${XNNPACK_SOURCE_DIR}/${file}")
    message(FATAL_ERROR "XNNPACK source list names ${file}, which is not in ${XNNPACK_SOURCE_DIR}")
  endif()
endforeach()
list(LENGTH GARDEN_XNN_MICROKERNEL_SRCS kernel_count)
list(LENGTH GARDEN_XNN_LIBRARY_SRCS library_count)
message(STATUS "XNNPACK wasm: ${kernel_count} microkernel sources, ${library_count} library sources")
