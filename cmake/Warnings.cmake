# Project-wide warning, sanitizer and section settings, applied per target through wardwatch_options.
add_library(wardwatch_options INTERFACE)
add_library(wardwatch::options ALIAS wardwatch_options)
target_compile_options(wardwatch_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(WARDWATCH_WERROR)
  target_compile_options(wardwatch_options INTERFACE -Werror)
  # GCC 12's optimiser reports warnings inside libstdc++ for correct code: -Wrestrict in
  # basic_string::assign (GCC bug 105329 / 105651) and -Wmaybe-uninitialized in the destructor
  # of a vector member of a value returned through std::variant (bug 107138). Keep them
  # visible, not fatal; the Debug `ci` preset has no such reports.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(wardwatch_options INTERFACE -Wno-error=restrict
                                                       -Wno-error=maybe-uninitialized)
  endif()
endif()
if(WARDWATCH_SANITIZE)
  target_compile_options(wardwatch_options INTERFACE -fsanitize=address,undefined
                                                     -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(wardwatch_options INTERFACE -fsanitize=address,undefined)
  # The asan test preset sends each process's ASan/LSan report here (log_path); scripts/test
  # empties it before the run and fails if anything is in it after.
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/sanitizer-reports)
endif()
if(NOT WIN32)
  # One section per function and object in Release, so a program's link (the agent's,
  # agent/CMakeLists.txt) can drop what it never calls from the libraries it shares.
  target_compile_options(wardwatch_options INTERFACE
                         $<$<CONFIG:Release>:-ffunction-sections -fdata-sections>)
endif()
