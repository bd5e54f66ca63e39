// Live: the apps collector on this machine's /proc sees a process that burns ~1 s of CPU
// under its own application name, with the right order of magnitude.
#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "collectors/apps.h"
#include "collectors/processes.h"
#include "fsutil.h"
#include "options.h"

using namespace wardwatch::agent;

extern char** environ;

namespace {

double ProcessCpu(pid_t pid) {
  auto text = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return -1;
  auto s = ParseProcPidStat(*text);
  if (!s) return -1;
  return static_cast<double>(s->utime + s->stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

TEST_CASE("live: a process burning 1 s of CPU is reported under its application") {
  AgentOptions o;
  o.print = true;
  o.once = true;  // no sampling thread: the test decides when sweeps happen
  o.apps_top_n = 1000;
  auto c = NewAppsCollector();
  CollectContext ctx{o.paths, &o};

  wardwatch::Report baseline;
  REQUIRE(c->Collect(ctx, baseline).ok());
  REQUIRE(baseline.software);
  CHECK(baseline.software->process_count > 0);

  std::string path = WARDWATCH_BURN, seconds = "1.0";
  char* argv[] = {path.data(), seconds.data(), nullptr};
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv, environ) == 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{pid};
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ProcessCpu(pid) < 0.95 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(ProcessCpu(pid) >= 0.95);  // tick rounding: 1.0 s may read as 0.99
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  wardwatch::Report r;
  REQUIRE(c->Collect(ctx, r).ok());
  REQUIRE(r.software);
  const wardwatch::schema::AppUsage* burn = nullptr;
  for (const auto& a : r.software->apps) {
    if (a.app == "wardwatch_burn") burn = &a;
  }
  REQUIRE_MESSAGE(burn, "wardwatch_burn missing from the apps report");
  CHECK(burn->instances == 1);
  CHECK(burn->starts == 1);
  CHECK(burn->cpu_seconds >= 0.9);
  CHECK(burn->cpu_seconds <= 1.5);
  CHECK(burn->running_seconds > 0);
  CHECK(burn->running_seconds <= r.software->interval_seconds + 1e-6);
  CHECK(burn->rss_peak_bytes > 0);
  CHECK(r.software->interval_seconds > 0.9);
}
