// Process sweep benchmark: forks N sleeping children, then times sweeps of the real /proc
// (readdir + stat + exe link per process) and the usage meter's Observe on each sweep. Prints
// wall and CPU time per sweep (medians over the runs), the RSS the agent would carry, and the
// budget each is checked against.
//   process_sweep_bench N [RUNS]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "collectors/apps.h"
#include "collectors/processes.h"
#include "fsutil.h"

using namespace wardwatch::agent;

namespace {

// Budget: at the default 10 s sampling period a sweep may take 0.5 % of one core, i.e. 50 ms
// of CPU, for 2,000 processes (an office PC runs 200-400). RSS: the sweep and the meter's
// per-process state may add at most 16 MiB.
constexpr double kBudgetCpuMsPer2000 = 50;
constexpr double kBudgetRssMiB = 16;

double CpuNow() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double WallNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double RssMiB(const char* field) {
  auto text = ReadFile("/proc/self/status");
  if (!text) return -1;
  for (auto line : SplitLines(*text)) {
    if (line.starts_with(field)) {
      auto f = SplitFields(line);
      if (f.size() >= 2) return static_cast<double>(ParseU64(f[1]).value_or(0)) / 1024;
    }
  }
  return -1;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 500;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  const double rss_before = RssMiB("VmRSS:");
  std::vector<pid_t> kids;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("fork");
      break;
    }
    if (pid == 0) {
      ::pause();
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  SweepOptions o;
  o.ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  o.page_size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  UsageMeter meter{AppsConfig{}};
  std::vector<double> wall, cpu, cold_cpu, observe_wall;
  std::size_t seen = 0;
  double first_wall = 0, first_observe = 0;
  std::optional<ProcessSweep> last;
  for (int r = 0; r <= runs; ++r) {
    // A cold sweep (no previous one: every exe link read), the peer for the agent's own way.
    const double cc0 = CpuNow();
    if (!SweepProcesses("/proc", o, static_cast<double>(std::time(nullptr)))) return 1;
    const double cc1 = CpuNow();
    // As the agent sweeps: with the last sweep, whose exe paths it reuses.
    const double w0 = WallNow(), c0 = CpuNow();
    auto sweep = SweepProcesses("/proc", o, static_cast<double>(std::time(nullptr)),
                                last ? &*last : nullptr);
    const double w1 = WallNow(), c1 = CpuNow();
    if (!sweep) {
      std::fprintf(stderr, "%s\n", sweep.error().c_str());
      return 1;
    }
    meter.Observe(*sweep, {});
    const double w2 = WallNow();
    seen = sweep->processes.size();
    last = std::move(*sweep);
    if (r == 0) {  // the first Observe names every process; later ones reuse the names
      first_wall = w1 - w0;
      first_observe = w2 - w1;
      continue;
    }
    wall.push_back(w1 - w0);
    cpu.push_back(c1 - c0);
    cold_cpu.push_back(cc1 - cc0);
    observe_wall.push_back(w2 - w1);
  }
  auto usage = meter.TakeInterval();
  const double rss_after = RssMiB("VmRSS:");
  for (pid_t pid : kids) ::kill(pid, SIGKILL);
  for (pid_t pid : kids) ::waitpid(pid, nullptr, 0);

  const double cpu_ms = Median(cpu) * 1e3;
  const double budget_ms = kBudgetCpuMsPer2000 * std::max(1.0, seen / 2000.0);
  std::printf(
      "processes=%zu children=%zu runs=%d apps=%zu\n"
      "sweep_wall_ms=%.2f sweep_cpu_ms=%.2f observe_ms=%.2f first_sweep_ms=%.2f "
      "first_observe_ms=%.2f\n"
      "cold_sweep_cpu_ms=%.2f (every exe link read) warm/cold=%.2f\n"
      "rss_mib=%.1f rss_added_mib=%.1f hwm_mib=%.1f\n"
      "budget: cpu %.1f ms per sweep (%s), rss added %.0f MiB (%s); at a 10 s period the "
      "sweep costs %.3f%% of one core\n",
      seen, kids.size(), runs, usage.apps.size(), Median(wall) * 1e3, cpu_ms,
      Median(observe_wall) * 1e3, first_wall * 1e3, first_observe * 1e3, Median(cold_cpu) * 1e3,
      Median(cpu) / Median(cold_cpu), rss_after, rss_after - rss_before, RssMiB("VmHWM:"),
      budget_ms, cpu_ms <= budget_ms ? "ok" : "OVER", kBudgetRssMiB,
      rss_after - rss_before <= kBudgetRssMiB ? "ok" : "OVER",
      (Median(cpu) + Median(observe_wall)) / 10 * 100);
  return 0;
}
