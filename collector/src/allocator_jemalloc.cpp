// jemalloc's settings for wardwatch-collector, read by jemalloc when the program starts; this
// file is compiled into the program only when it is linked with jemalloc
// (WARDWATCH_JEMALLOC, collector/CMakeLists.txt).
// - background_thread: a jemalloc thread returns unused pages to the system, so no request
//   waits on a malloc_trim (memory.h).
// - dirty_decay_ms 1000, muzzy_decay_ms 0: freed pages go back after about a second (the
//   default, 10 s, kept the 26 MB /metrics page of every re-render resident for longer).
// - narenas 2: the HTTP threads, the writer and the analytics thread share two arenas; each
//   thread's cache keeps the common small allocations off the arena locks.
// Measured with bench/ingest/run.sh (bench/README.md, ingest, "What changed in stop 18").

extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's (man 3 jemalloc, "TUNING").
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0,narenas:2";
}
