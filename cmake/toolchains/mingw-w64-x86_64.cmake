# Cross-compiles for 64-bit Windows with Debian's mingw-w64 (posix thread model: std::thread,
# std::mutex). Dependencies built by scripts/build-windows-deps live in build/windows-deps.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(WARDWATCH_MINGW_PREFIX x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${WARDWATCH_MINGW_PREFIX}-gcc-posix)
set(CMAKE_CXX_COMPILER ${WARDWATCH_MINGW_PREFIX}-g++-posix)
set(CMAKE_RC_COMPILER ${WARDWATCH_MINGW_PREFIX}-windres)

# Find libraries (zlib from libz-mingw-w64-dev) and headers only in the mingw sysroot and in
# build/windows-deps; programs (python3, wine) on the build machine.
get_filename_component(WARDWATCH_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(WARDWATCH_WINDOWS_DEPS "${WARDWATCH_SOURCE_ROOT}/build/windows-deps"
    CACHE PATH "Output of scripts/build-windows-deps")
set(CMAKE_FIND_ROOT_PATH /usr/${WARDWATCH_MINGW_PREFIX} ${WARDWATCH_WINDOWS_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: libstdc++, libgcc, winpthread and zlib linked in, so it runs on a
# bare Windows PC (and under Wine) without extra DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(ZLIB_USE_STATIC_LIBS ON)

# Tests run under Wine (tests/windows/).
set(CMAKE_CROSSCOMPILING_EMULATOR wine CACHE STRING "Runs Windows test executables")
