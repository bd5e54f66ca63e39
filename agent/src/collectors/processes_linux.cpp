// Sweeps /proc: every numeric entry's stat and exe link (kernel threads and exe links known
// from the last sweep are not read again). No command line is ever read.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "collectors/processes.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Reads a /proc file of at most `size` bytes into `buf`; returns bytes read or -errno. procfs
// makes a stat file whole in one read, so a short read is the end (no second read to see 0).
ssize_t ReadSmall(int dirfd, const char* name, char* buf, std::size_t size) {
  const int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd, buf + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return -err;
    }
    got += static_cast<std::size_t>(n);
    if (n == 0 || got < size) break;
  }
  ::close(fd);
  return static_cast<ssize_t>(got);
}

// The previous sweep's executable path for the same process, if it had one.
const std::string* KnownExe(const ProcessSweep* previous, const ProcessSample& p) {
  if (previous == nullptr) return nullptr;
  const auto& prev = previous->processes;
  auto it = std::lower_bound(prev.begin(), prev.end(), p.pid,
                             [](const ProcessSample& a, std::int64_t pid) { return a.pid < pid; });
  if (it == prev.end() || it->pid != p.pid || it->start_ticks != p.start_ticks ||
      it->comm != p.comm || it->zombie) {
    return nullptr;
  }
  return &it->exe;
}

// The pid of folder `name` when the last sweep read it (same pid, same inode) as a kernel thread.
std::optional<std::int64_t> KnownKernelThread(const ProcessSweep* previous, std::string_view name,
                                              std::uint64_t inode) {
  if (previous == nullptr || inode == 0) return std::nullopt;
  const auto pid = ParseI64(name);
  if (!pid) return std::nullopt;
  const auto& ids = previous->kernel_thread_ids;
  auto it = std::lower_bound(ids.begin(), ids.end(), *pid,
                             [](const KernelThreadId& k, std::int64_t p) { return k.pid < p; });
  if (it == ids.end() || it->pid != *pid || it->inode != inode) return std::nullopt;
  return pid;
}

}  // namespace

Result<ProcessSweep> SweepProcesses(const std::string& procfs, const SweepOptions& options,
                                    double now, const ProcessSweep* previous) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(procfs.c_str()));
  if (!dir) return MakeError("cannot list " + procfs + ": " + std::strerror(errno));
  ProcessSweep sweep;
  sweep.time = now;
  const bool full = previous == nullptr || previous->sweeps_since_full + 1 >= kFullSweepEvery;
  sweep.sweeps_since_full = full ? 0 : previous->sweeps_since_full + 1;
  const ProcessSweep* threads_from = full ? nullptr : previous;
  if (previous != nullptr) {
    sweep.processes.reserve(previous->processes.size() + 16);
    sweep.kernel_thread_ids.reserve(previous->kernel_thread_ids.size() + 8);
  }
  const int procfd = ::dirfd(dir.get());
  char buf[4096];
  char path[64];  // "<pid>/stat", "<pid>/exe", opened relative to procfs
  while (const dirent* e = ::readdir(dir.get())) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    bool numeric = true;
    std::size_t len = 0;
    for (const char* p = e->d_name; *p; ++p, ++len) numeric = numeric && *p >= '0' && *p <= '9';
    if (!numeric || len > 20) continue;
    const auto inode = static_cast<std::uint64_t>(e->d_ino);
    if (auto pid = KnownKernelThread(threads_from, std::string_view(e->d_name, len), inode)) {
      ++sweep.kernel_threads;
      ++sweep.kernel_threads_known;
      sweep.kernel_thread_ids.push_back({*pid, inode});
      continue;
    }
    std::memcpy(path, e->d_name, len);
    std::memcpy(path + len, "/stat", 6);
    const ssize_t n = ReadSmall(procfd, path, buf, sizeof buf);
    if (n <= 0) {
      ++sweep.vanished;  // exited between readdir and open/read
      continue;
    }
    auto stat = ParseProcPidStat(std::string_view(buf, static_cast<std::size_t>(n)));
    if (!stat) {
      ++sweep.unparsable;
      continue;
    }
    if (stat->kernel_thread()) {
      ++sweep.kernel_threads;
      sweep.kernel_thread_ids.push_back({stat->pid, inode});
      continue;
    }
    if (sweep.processes.size() >= options.max_processes) {
      ++sweep.dropped;
      continue;
    }
    ProcessSample p;
    p.pid = stat->pid;
    p.start_ticks = stat->starttime;
    p.comm = std::move(stat->comm);
    p.zombie = stat->zombie();
    p.cpu_seconds = static_cast<double>(stat->utime + stat->stime) / options.ticks_per_second;
    p.start_time =
        options.boot_time + static_cast<double>(stat->starttime) / options.ticks_per_second;
    p.rss_bytes =
        stat->rss_pages > 0 ? static_cast<std::uint64_t>(stat->rss_pages) * options.page_size : 0;
    if (!p.zombie) {
      if (const std::string* known = KnownExe(previous, p)) {
        p.exe = *known;
      } else {
        std::memcpy(path + len, "/exe", 5);
        const ssize_t got = ::readlinkat(procfd, path, buf, sizeof buf);
        if (got > 0) p.exe = CleanExePath(std::string_view(buf, static_cast<std::size_t>(got)));
      }
    }
    sweep.processes.push_back(std::move(p));
  }
  // /proc lists pids in order; a fixture tree or another procfs may not.
  auto by_pid = [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; };
  if (!std::is_sorted(sweep.processes.begin(), sweep.processes.end(), by_pid)) {
    std::sort(sweep.processes.begin(), sweep.processes.end(), by_pid);
  }
  auto ids = [](const KernelThreadId& a, const KernelThreadId& b) { return a.pid < b.pid; };
  if (!std::is_sorted(sweep.kernel_thread_ids.begin(), sweep.kernel_thread_ids.end(), ids)) {
    std::sort(sweep.kernel_thread_ids.begin(), sweep.kernel_thread_ids.end(), ids);
  }
  return sweep;
}

}  // namespace wardwatch::agent
