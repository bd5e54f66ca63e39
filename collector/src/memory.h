// How the collector hands freed heap pages back to the system. Its big short-lived buffers (a
// scrape's re-serialized machines, bursts of parsed reports) otherwise leave RSS far above what
// is in use.
// - Linked with jemalloc (the release program, collector/CMakeLists.txt): jemalloc's
//   background thread returns unused pages after about a second (allocator_jemalloc.cpp), so
//   ReleaseFreeMemory does nothing.
// - Otherwise (tests, sanitizer builds) glibc's malloc_trim does it. It locks each arena while it
//   walks the free lists: 20-50 ms at 1,000 reports/s, a stall for every request that allocates.
#pragma once

#include <string>

#if defined(__GLIBC__)
#include <malloc.h>

#include <cstddef>
// Defined only when jemalloc is linked in (a weak reference is null otherwise).
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp,
                       std::size_t newlen) __attribute__((weak));
#endif

namespace wardwatch::collector {

inline bool UsingJemalloc() {
#if defined(__GLIBC__)
  return mallctl != nullptr;
#else
  return false;
#endif
}

inline void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  if (!UsingJemalloc()) malloc_trim(0);
#endif
}

// For the start-up log line: which allocator runs and how it returns memory.
inline std::string AllocatorDescription() {
#if defined(__GLIBC__)
  if (UsingJemalloc()) {
    bool background = false;
    std::size_t size = sizeof(background);
    if (mallctl("background_thread", &background, &size, nullptr, 0) != 0) background = false;
    return background ? "jemalloc, unused pages returned by its background thread"
                      : "jemalloc WITHOUT its background thread (pages returned only while "
                        "allocating)";
  }
  return "glibc malloc, trimmed every 30 s and after each re-render of /metrics";
#else
  return "the C library's malloc";
#endif
}

}  // namespace wardwatch::collector
