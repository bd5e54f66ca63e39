// Parses /proc/PID/stat (proc(5)) and the /proc/PID/exe link text.
#include "collectors/processes.h"

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr std::uint64_t kPfKthread = 0x00200000;  // include/linux/sched.h

}  // namespace

bool ProcPidStat::kernel_thread() const {
  // PF_KTHREAD only: "ppid == 2" is wrong inside a pid namespace, where pid 2 is a user process.
  return (flags & kPfKthread) != 0;
}

Result<ProcPidStat> ParseProcPidStat(std::string_view text) {
  ProcPidStat s;
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return MakeError("/proc/PID/stat: no \"(comm)\" field");
  }
  auto pid = ParseI64(Trim(text.substr(0, open)));
  if (!pid || *pid <= 0) return MakeError("/proc/PID/stat: bad pid field");
  s.pid = *pid;
  s.comm = std::string(text.substr(open + 1, close - open - 1));
  // Fields after the name, numbered from (3) state.
  const auto rest = SplitFields(text.substr(close + 1));
  if (rest.size() < 22) {
    return MakeError("/proc/PID/stat: " + std::to_string(rest.size()) +
                     " fields after the name, want at least 22");
  }
  if (rest[0].size() != 1) return MakeError("/proc/PID/stat: bad state field");
  s.state = rest[0][0];
  auto field = [&](int number) { return rest[static_cast<std::size_t>(number - 3)]; };
  auto ppid = ParseI64(field(4));
  auto flags = ParseU64(field(9));
  auto utime = ParseU64(field(14));
  auto stime = ParseU64(field(15));
  auto start = ParseU64(field(22));
  auto rss = ParseI64(field(24));
  if (!ppid || !flags || !utime || !stime || !start || !rss) {
    return MakeError(
        "/proc/PID/stat: a numeric field (ppid, flags, utime, stime, starttime, "
        "rss) is not a number");
  }
  s.ppid = *ppid;
  s.flags = *flags;
  s.utime = *utime;
  s.stime = *stime;
  s.starttime = *start;
  s.rss_pages = *rss;
  return s;
}

std::string CleanExePath(std::string_view link) {
  constexpr std::string_view kDeleted = " (deleted)";
  if (link.size() > kDeleted.size() && link.substr(link.size() - kDeleted.size()) == kDeleted) {
    link.remove_suffix(kDeleted.size());
  }
  return std::string(link);
}

}  // namespace wardwatch::agent
