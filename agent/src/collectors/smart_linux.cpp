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
#include "fd_linux.h"
#include "fsutil.h"
#include "options.h"

extern char** environ;

namespace wardwatch::agent {
namespace {

constexpr std::size_t kMaxOutputBytes = 1 << 20;
constexpr int kTimeoutMs = 30000;

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
  UniqueFd read_end(fds[0]), write_end(fds[1]);
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

// smartctl (or its saved output) for one disk.
Result<SmartResult> QuerySmartctl(const AgentOptions& o, const std::string& disk) {
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

}  // namespace

std::unique_ptr<Collector> NewSmartCollector() { return NewSmartCollectorWith(&QuerySmartctl); }

}  // namespace wardwatch::agent
