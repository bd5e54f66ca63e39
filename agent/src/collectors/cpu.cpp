// Parses /proc/stat: per-CPU mode times and the boot time.
#include "collectors/cpu.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<std::vector<schema::CpuTimes>> ParseProcStat(std::string_view text,
                                                    double ticks_per_second) {
  if (ticks_per_second <= 0) return MakeError("ticks per second must be positive");
  std::vector<schema::CpuTimes> cpus;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    if (line.size() < 4 || line.substr(0, 3) != "cpu" || line[3] == ' ') continue;
    auto f = SplitFields(line);
    auto index = ParseU64(f[0].substr(3));
    if (!index || *index > 65535) {
      return MakeError("/proc/stat line " + std::to_string(line_no) + ": bad cpu name \"" +
                       std::string(f[0]) + "\"");
    }
    if (f.size() < 5) {
      return MakeError("/proc/stat line " + std::to_string(line_no) +
                       ": expected at least 4 "
                       "counters after " +
                       std::string(f[0]) + ", got " + std::to_string(f.size() - 1));
    }
    double v[8] = {};
    for (std::size_t i = 1; i < f.size() && i <= 8; ++i) {
      auto n = ParseU64(f[i]);
      if (!n) {
        return MakeError("/proc/stat line " + std::to_string(line_no) + ": field " +
                         std::to_string(i) + " of " + std::string(f[0]) + " is not a number: \"" +
                         std::string(f[i]) + "\"");
      }
      v[i - 1] = static_cast<double>(*n) / ticks_per_second;
    }
    schema::CpuTimes c;
    c.cpu = static_cast<std::uint32_t>(*index);
    c.user = v[0];
    c.nice = v[1];
    c.system = v[2];
    c.idle = v[3];
    c.iowait = v[4];
    c.irq = v[5];
    c.softirq = v[6];
    c.steal = v[7];
    cpus.push_back(c);
  }
  if (cpus.empty()) return MakeError("/proc/stat: no per-CPU lines found");
  return cpus;
}

Result<double> ParseBootTime(std::string_view text) {
  for (std::string_view line : SplitLines(text)) {
    if (line.substr(0, 6) != "btime ") continue;
    auto v = ParseU64(Trim(line.substr(6)));
    if (!v) return MakeError("/proc/stat: btime is not a number");
    return static_cast<double>(*v);
  }
  return MakeError("/proc/stat: no btime line");
}

}  // namespace wardwatch::agent
