// smart collector for Linux: runs `smartctl --json -a -n standby /dev/<disk>` for each disk
// the disks collector found, at most once per --smart-interval per disk (default 6 h), and
// keeps the last result in memory in between. -n standby: a sleeping HDD is not spun up.
// With --smartctl-fixtures DIR it reads DIR/<disk>.json instead and runs nothing.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include "collectors/hardware_common.h"
#include "collectors/smart.h"
#include "fsutil.h"
#include "options.h"

extern char** environ;

namespace wardwatch::agent {
namespace {

constexpr std::size_t kMaxOutputBytes = 1 << 20;
constexpr int kTimeoutMs = 30000;
// A disk in standby is asked again after this long, not after the full interval.
constexpr std::chrono::minutes kStandbyRetry{15};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// A spawned child that is always reaped: killed first if still running.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int Wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_;
};

struct RunOutput {
  std::string out;
  bool not_found = false;
};

// Runs argv[0] (searched in PATH when it has no '/') with stdout captured, stderr dropped.
Result<RunOutput> Run(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return MakeError(std::string("cannot create pipe: ") + std::strerror(errno));
  }
  Fd read_end(fds[0]), write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return RunOutput{"", true};
  if (rc != 0) return MakeError("cannot run " + argv[0] + ": " + std::strerror(rc));
  Child child(pid);
  write_end.Reset();
  RunOutput result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  char buf[16384];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return MakeError(argv[0] + " " + argv.back() + ": timed out after 30 s");
    pollfd p{read_end.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (result.out.size() + static_cast<std::size_t>(n) > kMaxOutputBytes) {
      return MakeError(argv[0] + " " + argv.back() + ": output larger than 1 MiB");
    }
    result.out.append(buf, static_cast<std::size_t>(n));
  }
  const int status = child.Wait();
  // posix_spawnp of a missing binary may also show up as the child exiting 127.
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && result.out.empty()) {
    result.not_found = true;
  }
  return result;
}

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

class SmartCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    AgentOptions defaults;
    const AgentOptions& o = ctx.options != nullptr ? *ctx.options : defaults;
    auto& hw = HardwareOf(report);
    if (hw.disks.empty()) {
      MarkAbsent(report, "smart");
      return Status::Ok();
    }
    const auto interval = std::chrono::seconds(o.smart_interval_seconds);
    bool any_data = false, denied = false;
    std::string first_error;
    for (schema::Disk& disk : hw.disks) {
      Cached& c = cache_[disk.name];
      const auto now = std::chrono::steady_clock::now();
      const bool fresh =
          c.valid && now - c.at < (c.result.standby ? std::min<std::chrono::steady_clock::duration>(
                                                          interval, kStandbyRetry)
                                                    : interval);
      if (!fresh) {
        auto r = Query(o, disk.name);
        if (!r) {
          // A broken smartctl run is this collector's failure, but other disks still count.
          if (first_error.empty()) first_error = r.error();
          disk.smart_unavailable = r.error();
          continue;
        }
        // Asleep: keep the last good reading, if any, and ask again later.
        if (!(r->standby && c.valid && c.result.unavailable.empty())) {
          c.result = std::move(*r);
          c.collected_at_ms = NowMs();
        } else {
          c.result.standby = true;
        }
        c.at = now;
        c.valid = true;
      }
      MergeSmart(c.result, c.collected_at_ms, disk);
      if (disk.smart_unavailable.empty()) any_data = true;
      if (c.result.permission_denied) denied = true;
    }
    if (denied) MarkNeedsPrivilege(report, "smart");
    if (!any_data && !denied) MarkAbsent(report, "smart");
    if (!first_error.empty()) return MakeError(first_error);
    return Status::Ok();
  }

 private:
  struct Cached {
    bool valid = false;
    std::chrono::steady_clock::time_point at;
    std::uint64_t collected_at_ms = 0;
    SmartResult result;
  };

  Result<SmartResult> Query(const AgentOptions& o, const std::string& disk) {
    if (!o.smartctl_fixtures.empty()) {
      const std::string path = o.smartctl_fixtures + "/" + disk + ".json";
      if (!Exists(path)) {
        SmartResult r;
        r.unavailable = "no saved smartctl output for " + disk;
        return r;
      }
      auto text = ReadFile(path, kMaxOutputBytes);
      if (!text) return MakeError(text.error());
      auto r = ParseSmartctlJson(*text);
      if (!r) return MakeError(path + ": " + r.error());
      return r;
    }
    auto run = Run({o.smartctl, "--json", "-a", "-n", "standby", "/dev/" + disk});
    if (!run) return MakeError(run.error());
    if (run->not_found) {
      SmartResult r;
      r.unavailable = "smartctl not installed (" + o.smartctl + ")";
      return r;
    }
    auto r = ParseSmartctlJson(run->out);
    if (!r) return MakeError(o.smartctl + " /dev/" + disk + ": " + r.error());
    return r;
  }

  std::map<std::string, Cached> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewSmartCollector() { return std::make_unique<SmartCollector>(); }

}  // namespace wardwatch::agent
