# Shared start of the standalone Release trees in bench/*/ (each run.sh configures its own so
# the benchmark builds only what it measures): C++20, Release unless told, ccache, the project's
# warnings, nlohmann_json, and WARDWATCH_ROOT. Include it right after project().
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
get_filename_component(WARDWATCH_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
include(${WARDWATCH_ROOT}/cmake/Warnings.cmake)
find_package(nlohmann_json 3.11 REQUIRED)
