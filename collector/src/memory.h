// Hands freed heap pages back to the system (glibc's malloc_trim): the collector's big
// short-lived buffers (a scrape's re-serialized machines, bursts of parsed reports) otherwise
// leave RSS far above what is in use. A no-op where the C library has no such call.
#pragma once

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace wardwatch::collector {

inline void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace wardwatch::collector
