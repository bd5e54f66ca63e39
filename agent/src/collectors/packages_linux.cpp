// packages collector for Linux: /var/lib/dpkg/status (re-read only when its inode, size or
// modification time changes, and every kFactRefreshPeriod) with install dates from
// /var/lib/dpkg/info/<package>.list; `rpm -qa`, `flatpak list` and `snap list` when those tools
// are installed (at most hourly); the OS install date; the last sent list in
// --state-dir/software-inventory.tsv so changes survive an agent restart. While no source was
// read again the sorted list and its hash are not rebuilt.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>

#include "collectors/fact_cache.h"
#include "collectors/packages.h"
#include "fsutil.h"
#include "options.h"
#include "state.h"

extern char** environ;

namespace wardwatch::agent {
namespace {

constexpr std::size_t kMaxToolOutput = 32 << 20;
constexpr double kToolTimeoutSeconds = 60;
constexpr double kToolRefreshSeconds = 3600;

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// Runs argv (no shell) with stdout captured, stderr discarded, a time limit and an output cap.
Result<std::string> RunTool(const std::vector<std::string>& argv) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0)
    return MakeError(std::string("pipe: ") + std::strerror(errno));
  FdCloser read_end{pipefd[0]}, write_end{pipefd[1]};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  if (const char* home = std::getenv("HOME")) env_strings.push_back(std::string("HOME=") + home);
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return MakeError("cannot run " + argv[0] + ": " + std::strerror(rc));
  ::close(write_end.fd);
  write_end.fd = -1;
  std::string out;
  bool timed_out = false, too_big = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kToolTimeoutSeconds);
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.fd, POLLIN, 0};
    const int pr = ::poll(&p, 1, static_cast<int>(left));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) continue;
    const ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.size() + static_cast<std::size_t>(n) > kMaxToolOutput) {
      too_big = true;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  if (timed_out || too_big) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return MakeError(argv[0] + " took longer than 60 s");
  if (too_big) return MakeError(argv[0] + " printed more than 32 MiB");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return MakeError(argv[0] + " failed (exit status " +
                     std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  return out;
}

std::string FindTool(const std::string& name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"}) {
    std::string path = std::string(dir) + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

std::optional<std::uint64_t> BirthOrModTime(const std::string& path, bool birth_only) {
  struct statx sx {};
  if (::statx(AT_FDCWD, path.c_str(), 0, STATX_BTIME | STATX_MTIME, &sx) != 0) return std::nullopt;
  if (sx.stx_mask & STATX_BTIME) return static_cast<std::uint64_t>(sx.stx_btime.tv_sec);
  if (birth_only) return std::nullopt;
  return static_cast<std::uint64_t>(sx.stx_mtime.tv_sec);
}

FileStamp StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {false, static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

struct ToolSource {
  std::string source;  // "rpm", "flatpak", "snap"
  std::vector<std::string> argv_tail;
  Result<std::vector<schema::Package>> (*parse)(std::string_view);
  std::vector<schema::Package> last_good;
  bool present = false;
  double last_run = -1e18;
};

class PackagesCollector : public Collector {
 public:
  PackagesCollector() {
    tools_.push_back({"rpm",
                      {"-qa", "--qf",
                       "%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{"
                       "INSTALLTIME}\\n"},
                      &ParseRpmQa});
    tools_.push_back(
        {"flatpak", {"list", "--columns=application,version,arch"}, &ParseFlatpakList});
    tools_.push_back({"snap", {"list"}, &ParseSnapList});
  }

  Status Collect(const CollectContext& ctx, Report& report) override {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string errors;
    auto note = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
    bool changed = false;  // a source was read again: rebuild the sorted list and its hash
    if (auto s = ReadDpkg(ctx.paths, ctx.Now(), changed); !s) note(s.error());
    // Tools only describe the running machine, never a --path.rootfs fixture tree.
    const bool live_root = ctx.paths.rootfs == "/" || ctx.paths.rootfs.empty();
    for (auto& t : tools_) {
      if (!live_root || now - t.last_run < kToolRefreshSeconds) continue;
      t.last_run = now;
      changed = true;
      const std::string bin = FindTool(t.source);
      t.present = !bin.empty();
      if (!t.present) {
        t.last_good.clear();
        continue;
      }
      std::vector<std::string> argv{bin};
      argv.insert(argv.end(), t.argv_tail.begin(), t.argv_tail.end());
      auto text = RunTool(argv);
      if (!text) {
        note(text.error());  // keep the last good list: a failed run is not an uninstall
        continue;
      }
      auto parsed = t.parse(*text);
      if (!parsed) {
        note(parsed.error());
        continue;
      }
      t.last_good = std::move(*parsed);
    }

    if (!report.software) report.software.emplace();
    auto& out = *report.software;
    if (!changed && inventory_.EmitUnchanged(out, errors)) {
      out.os_install_time = os_install_time_;
      if (!errors.empty()) return MakeError(errors);
      return Status::Ok();
    }
    std::vector<schema::Package> all;
    if (const auto* dpkg = dpkg_.Last()) all = *dpkg;
    for (const auto& t : tools_) all.insert(all.end(), t.last_good.begin(), t.last_good.end());
    SortPackages(all);
    if (!os_install_checked_) {
      os_install_checked_ = true;
      os_install_time_ = OsInstallTime(ctx.paths, static_cast<std::uint64_t>(now));
      if (!os_install_time_) {
        os_install_time_ = OldestPackageInstallTime(all, static_cast<std::uint64_t>(now));
      }
    }
    inventory_.Emit(std::move(all), ctx.options, out, errors);
    out.os_install_time = os_install_time_;
    if (!errors.empty()) return MakeError(errors);
    return Status::Ok();
  }

 private:
  // Sets `changed` when the kept list is replaced; on an error the last good list stays.
  Status ReadDpkg(const Paths& paths, SteadyTime now, bool& changed) {
    const std::string status_path = paths.Root("var/lib/dpkg/status");
    const FileStamp stamp = StampOf(status_path);
    if (dpkg_.Get(stamp, now)) return Status::Ok();
    if (stamp.missing) {
      // No dpkg on this machine (or a fixture without it): not an error.
      changed = true;
      dpkg_.Put(stamp, {}, now);
      return Status::Ok();
    }
    auto text = ReadFile(status_path, 256 << 20);
    if (!text) return MakeError(text.error());
    auto packages = ParseDpkgStatus(*text);
    if (!packages) return MakeError(status_path + ": " + packages.error());
    const std::string info = paths.Root("var/lib/dpkg/info/");
    for (auto& p : *packages) {
      struct stat ls {};
      // Multi-arch packages keep "<name>:<arch>.list".
      if (::stat((info + p.name + ".list").c_str(), &ls) == 0 ||
          ::stat((info + p.name + ":" + p.arch + ".list").c_str(), &ls) == 0) {
        p.install_time = static_cast<std::uint64_t>(ls.st_mtim.tv_sec);
      }
    }
    changed = true;
    dpkg_.Put(stamp, std::move(*packages), now);
    return Status::Ok();
  }

  static std::optional<std::uint64_t> OsInstallTime(const Paths& paths, std::uint64_t now) {
    std::vector<std::uint64_t> candidates;
    const std::string installer = paths.Root("var/log/installer");
    if (auto names = ListDir(installer)) {
      for (const auto& n : *names) {
        struct stat st {};
        if (::stat((installer + "/" + n).c_str(), &st) == 0) {
          candidates.push_back(static_cast<std::uint64_t>(st.st_mtim.tv_sec));
        }
      }
    }
    if (auto t = BirthOrModTime(paths.Root("etc/machine-id"), true)) candidates.push_back(*t);
    if (auto t = BirthOrModTime(paths.Root(""), true)) candidates.push_back(*t);
    return PickOsInstallTime(candidates, now);
  }

  FactCache<FileStamp, std::vector<schema::Package>> dpkg_;
  std::vector<ToolSource> tools_;
  InventoryTracker inventory_;
  bool os_install_checked_ = false;
  std::optional<std::uint64_t> os_install_time_;
};

}  // namespace

std::unique_ptr<Collector> NewPackagesCollector() { return std::make_unique<PackagesCollector>(); }

}  // namespace wardwatch::agent
