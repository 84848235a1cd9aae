# netif_add_unit_test(NAME src...): a GoogleTest binary linked against the library, run by CTest.
# Tests sit next to the code they test (foo.cc / foo_test.cc), so each room lists its own.
function(netif_add_unit_test name)
  if(NOT NETIF_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE netif netif_test_support GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    NETIF_SOURCE_DIR="${CMAKE_SOURCE_DIR}" NETIF_BINARY_DIR="${CMAKE_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120)
endfunction()

# netif_add_integration_test(NAME src...): like a unit test, but it runs the built exporter,
# needs root for network namespaces, and runs one at a time.
function(netif_add_integration_test name)
  if(NOT NETIF_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE netif netif_test_support GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    NETIF_SOURCE_DIR="${CMAKE_SOURCE_DIR}" NETIF_BINARY_DIR="${CMAKE_BINARY_DIR}"
    NETIF_EXPORTER_BINARY="$<TARGET_FILE:netif_exporter>")
  add_dependencies(${name} netif_exporter)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS integration RUN_SERIAL TRUE TIMEOUT 600)
endfunction()

# netif_add_fuzz_target(NAME src...): a libFuzzer binary (clang only), built when NETIF_FUZZ is on:
#   CXX=clang++ cmake -S . -B build/fuzz -DNETIF_FUZZ=ON -DNETIF_BUILD_TESTS=OFF
# List the fuzz entry point and the parser's own sources: they are compiled into the fuzzer
# itself, not linked from netif, so that they carry the coverage instrumentation libFuzzer steers
# by (ASan and UBSan on as well).
function(netif_add_fuzz_target name)
  if(NOT NETIF_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARGN})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
endfunction()
