// Sweeps /proc: every numeric entry's stat and exe link. No command line is ever read.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "collectors/processes.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Reads a small /proc file into `buf`; returns bytes read or -errno.
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
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return static_cast<ssize_t>(got);
}

}  // namespace

Result<ProcessSweep> SweepProcesses(const std::string& procfs, const SweepOptions& options,
                                    double now) {
  std::unique_ptr<DIR, DirCloser> dir(::opendir(procfs.c_str()));
  if (!dir) return MakeError("cannot list " + procfs + ": " + std::strerror(errno));
  ProcessSweep sweep;
  sweep.time = now;
  const int procfd = ::dirfd(dir.get());
  char buf[4096];
  while (const dirent* e = ::readdir(dir.get())) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    bool numeric = true;
    for (const char* p = e->d_name; *p; ++p) numeric = numeric && *p >= '0' && *p <= '9';
    if (!numeric) continue;
    const int pidfd = ::openat(procfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0) {
      ++sweep.vanished;
      continue;
    }
    const ssize_t n = ReadSmall(pidfd, "stat", buf, sizeof buf);
    if (n <= 0) {
      ::close(pidfd);
      ++sweep.vanished;  // exited between readdir and open/read
      continue;
    }
    auto stat = ParseProcPidStat(std::string_view(buf, static_cast<std::size_t>(n)));
    if (!stat) {
      ::close(pidfd);
      ++sweep.unparsable;
      continue;
    }
    if (stat->kernel_thread()) {
      ::close(pidfd);
      ++sweep.kernel_threads;
      continue;
    }
    if (sweep.processes.size() >= options.max_processes) {
      ::close(pidfd);
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
      const ssize_t len = ::readlinkat(pidfd, "exe", buf, sizeof buf);
      if (len > 0) p.exe = CleanExePath(std::string_view(buf, static_cast<std::size_t>(len)));
    }
    ::close(pidfd);
    sweep.processes.push_back(std::move(p));
  }
  return sweep;
}

}  // namespace wardwatch::agent
