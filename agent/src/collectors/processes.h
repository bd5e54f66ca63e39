// processes: one sweep of /proc/PID/{stat,exe} into a bounded list of process samples.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// The fields of /proc/PID/stat that usage metering needs (proc(5) numbering in comments).
struct ProcPidStat {
  std::int64_t pid = 0;         // (1)
  std::string comm;             // (2) up to 15 bytes, may hold spaces and parentheses
  char state = '?';             // (3) R S D Z T t X I ...
  std::int64_t ppid = 0;        // (4)
  std::uint64_t flags = 0;      // (9) PF_* flags; PF_KTHREAD marks kernel threads
  std::uint64_t utime = 0;      // (14) clock ticks
  std::uint64_t stime = 0;      // (15) clock ticks
  std::uint64_t starttime = 0;  // (22) clock ticks after boot
  std::int64_t rss_pages = 0;   // (24)

  bool kernel_thread() const;
  bool zombie() const { return state == 'Z' || state == 'X'; }
};

// Parses one /proc/PID/stat line. The command name is everything between the first '(' and
// the LAST ')' because the name itself may contain ") (" and spaces.
Result<ProcPidStat> ParseProcPidStat(std::string_view text);

// "/usr/lib/firefox-esr/firefox-esr (deleted)" -> "/usr/lib/firefox-esr/firefox-esr"
// (the binary was replaced by an upgrade while running).
std::string CleanExePath(std::string_view link);

// One process at one sweep. No command line is ever read.
struct ProcessSample {
  std::int64_t pid = 0;
  std::uint64_t start_ticks = 0;  // with pid: a process identity that survives pid reuse
  std::string comm;
  std::string exe;         // empty when unreadable (other user's process, not root)
  double cpu_seconds = 0;  // utime + stime since the process started
  double start_time = 0;   // Unix seconds
  std::uint64_t rss_bytes = 0;
  bool zombie = false;
};

// A kernel thread seen by a sweep: its pid and the inode number /proc listed for its folder.
// procfs gives a process's folder a new inode when a new process takes the pid, so the same
// (pid, inode) at the next sweep is the same kernel thread, and its stat need not be read.
struct KernelThreadId {
  std::int64_t pid = 0;
  std::uint64_t inode = 0;
};

// Every this many sweeps, kernel threads are read again whatever their inode says.
inline constexpr std::uint32_t kFullSweepEvery = 30;

struct ProcessSweep {
  double time = 0;                         // Unix seconds when the sweep ran
  std::vector<ProcessSample> processes;    // user processes; kernel threads left out
  std::uint64_t kernel_threads = 0;        // counted whether read or known from the last sweep
  std::uint64_t kernel_threads_known = 0;  // of those, not read again (same pid and inode)
  std::vector<KernelThreadId> kernel_thread_ids;  // sorted by pid
  std::uint32_t sweeps_since_full = 0;            // 0: this sweep read every stat
  std::uint64_t vanished = 0;    // listed in /proc but gone before stat could be read
  std::uint64_t unparsable = 0;  // stat present but not understood
  std::uint64_t dropped = 0;     // over max_processes
};

struct SweepOptions {
  double ticks_per_second = 100;
  std::uint64_t page_size = 4096;
  double boot_time = 0;  // Unix seconds (btime of /proc/stat)
  std::size_t max_processes = 32768;
};

// Reads every numeric entry of `procfs`. Processes that vanish mid-read are counted, not errors.
// The processes come out sorted by pid. With `previous` (the last sweep), a process it already
// held (same pid, start time and comm: not a reused pid, not an exec) keeps its executable path
// instead of reading the exe link again, the costliest read of a sweep, and a kernel thread it
// held with the same folder inode is counted without reading its stat (kernel threads are most
// of /proc on a desktop), except every kFullSweepEvery-th sweep, which reads them all (Linux; on
// Windows the process handle opened for the times gives the image name anyway).
Result<ProcessSweep> SweepProcesses(const std::string& procfs, const SweepOptions& options,
                                    double now, const ProcessSweep* previous = nullptr);

}  // namespace wardwatch::agent
