# Imported targets for the Windows agent's dependencies, built or linked by
# scripts/build-windows-deps into build/windows-deps (nothing third-party is committed):
# Boost.Program_options compiled from Debian's boost1.74 source package, nlohmann-json and
# doctest as header-only folders. zlib is Debian's libz-mingw-w64-dev (find_package(ZLIB)).
set(_deps "${WARDWATCH_WINDOWS_DEPS}")
if(NOT EXISTS "${_deps}/lib/libboost_program_options.a")
  message(FATAL_ERROR "${_deps}/lib/libboost_program_options.a is missing: run scripts/build-windows-deps")
endif()

add_library(Boost::program_options STATIC IMPORTED)
set_target_properties(Boost::program_options PROPERTIES
  IMPORTED_LOCATION "${_deps}/lib/libboost_program_options.a"
  INTERFACE_COMPILE_DEFINITIONS "BOOST_ALL_NO_LIB;BOOST_BIND_GLOBAL_PLACEHOLDERS")
# SYSTEM: Boost's own warnings are not ours.
target_include_directories(Boost::program_options SYSTEM INTERFACE "${_deps}/include")

add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE "${_deps}/include-header-only")
add_library(doctest::doctest INTERFACE IMPORTED)
target_include_directories(doctest::doctest SYSTEM INTERFACE "${_deps}/include-header-only")
