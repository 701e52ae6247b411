# Runs garden-convert once and checks how it ends.
#   cmake -DCONVERT=<garden-convert> -DINPUT=<in> -DOUTPUT=<out> -DEXPECT=success|failure
#         [-DEXPECT_CODE=INVALID_MODEL] [-DSAME_AS=<file OUT must equal>] -P run_garden_convert.cmake
# failure: non-zero exit, nothing on stdout, exactly one line
#          "garden-convert: <CODE>: <message>" on stderr, and no OUT file.
# success: exit 0, exactly one summary line on stdout, OUT written.
foreach(var CONVERT INPUT OUTPUT EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_garden_convert.cmake needs -D${var}=")
  endif()
endforeach()

file(REMOVE "${OUTPUT}")
execute_process(
  COMMAND "${CONVERT}" "${INPUT}" "${OUTPUT}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
message(STATUS "exit: ${result}\nstdout: ${out}\nstderr: ${err}")

if(EXPECT STREQUAL "failure")
  if(result EQUAL 0)
    message(FATAL_ERROR "expected a non-zero exit")
  endif()
  if(NOT out STREQUAL "")
    message(FATAL_ERROR "expected nothing on stdout")
  endif()
  if(NOT DEFINED EXPECT_CODE)
    set(EXPECT_CODE "[A-Z_]+")
  endif()
  if(NOT err MATCHES "^garden-convert: ${EXPECT_CODE}: [^\n]+\n$")
    message(FATAL_ERROR "expected one line 'garden-convert: ${EXPECT_CODE}: ...' on stderr")
  endif()
  if(EXISTS "${OUTPUT}")
    message(FATAL_ERROR "a failed conversion left '${OUTPUT}' behind")
  endif()
elseif(EXPECT STREQUAL "success")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "expected exit 0")
  endif()
  set(summary "[0-9]+ nodes, [0-9]+ tensors, [0-9]+ weight bytes, [0-9]+ file bytes, [0-9.]+ ms")
  if(NOT out MATCHES "^[^\n]*: ${summary}\n$")
    message(FATAL_ERROR "expected a one-line summary on stdout")
  endif()
  if(NOT EXISTS "${OUTPUT}")
    message(FATAL_ERROR "'${OUTPUT}' was not written")
  endif()
  if(DEFINED SAME_AS)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUTPUT}" "${SAME_AS}"
                    RESULT_VARIABLE differ)
    if(NOT differ EQUAL 0)
      message(FATAL_ERROR "'${OUTPUT}' differs from '${SAME_AS}'")
    endif()
  endif()
else()
  message(FATAL_ERROR "EXPECT must be success or failure")
endif()
