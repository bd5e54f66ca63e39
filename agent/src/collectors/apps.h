// apps: per-application usage metering (running, CPU, memory, foreground, office hours) from
// process sweeps, and the application-name table. The collector lives for the agent's lifetime
// and keeps the previous sweep to turn cumulative process counters into interval deltas.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"
#include "collectors/processes.h"
#include "options.h"

namespace wardwatch::agent {

// ---- Application names (app_names.cpp holds the table) ----------------------------------

struct KnownApp {
  enum class Match {
    kExeBasename,   // file name of the executable equals the pattern
    kPathEndsWith,  // executable path ends with the pattern
    kPathContains,  // executable path contains the pattern
    kWineComm,      // a Wine program whose process name contains the pattern
    kComm,          // the process name equals the pattern, when the executable is unreadable
  };
  Match match;
  std::string_view pattern;  // compared case-insensitively
  std::string_view name;     // the friendly, stable name reported
};
std::span<const KnownApp> KnownApps();

// Stable application name for a process: the known-app table first, then the executable's
// file name, then the kernel's 15-byte process name when the executable link is unreadable
// (another user's process and the agent is not root: the table's file names, name fragments
// and kComm rows are then matched against the process name). Programs run under Wine are
// named by the Windows program (the process name Wine sets; without the link, a process name
// ending in ".exe" is taken as one).
std::string AppNameFor(std::string_view exe, std::string_view comm);

// ---- Office hours ------------------------------------------------------------------------

struct OfficeHours {
  std::array<bool, 7> days{};                      // index: 0 = Sunday ... 6 = Saturday
  std::vector<std::pair<int, int>> minute_ranges;  // [start, end) minutes after local midnight
  int utc_offset_minutes = 7 * 60;                 // Asia/Ho_Chi_Minh: UTC+7, no DST
};

// "Mon-Fri 07:30-11:30,13:00-17:00" (days: Mon..Sun, ranges "a-b" or lists "Mon,Wed,Sat").
Result<OfficeHours> ParseOfficeHours(std::string_view text, int utc_offset_minutes);
OfficeHours DefaultOfficeHours();
// "+07:00", "-05:30", "+7", "0" -> minutes east of UTC (within +-14 h).
Result<int> ParseUtcOffset(std::string_view text);
// Seconds of [t0, t1) (Unix seconds) that fall inside office hours.
double OfficeSeconds(const OfficeHours& hours, double t0, double t1);

// ---- Metering ----------------------------------------------------------------------------

struct AppsConfig {
  unsigned top_n = 15;
  std::vector<std::string> deny;  // application names (case-insensitive) folded into "other"
  OfficeHours office = DefaultOfficeHours();
  double max_gap_seconds = 900;  // longer gaps (suspend, stopped agent) credit no running time
  double sample_seconds = 10;    // sweeps between reports (0: at report time only)
};

// The apps settings from the agent's options; the error names the bad option.
Result<AppsConfig> AppsConfigFromOptions(const AgentOptions& options);

// Whether the sampling thread's tick at `now` should sweep, the last sweep (its own or a
// report's) having run at `last`: not when one ran less than 0.9 of `sample_seconds` ago, so
// a report's sweep is not followed within seconds by a sampling one (with a 15 s report
// interval and 10 s sampling that is 3 sweeps per 30 s instead of 5: the report and a
// tick at the same moment sweep once, see AppsCollector).
bool SampleDue(double last, double now, double sample_seconds);

// What the desktop said at one sample.
struct ForegroundSample {
  bool available = false;
  std::string unavailable_reason;
  std::optional<std::int64_t> pid;  // owner of the focused window, when known
  std::optional<double> idle_seconds;
};

// Turns a series of sweeps into per-application usage. Pure: the caller supplies time.
class UsageMeter {
 public:
  explicit UsageMeter(AppsConfig config) : config_(std::move(config)) {}
  const AppsConfig& config() const { return config_; }

  // One sweep (and, when a desktop was asked, the foreground at the same time).
  void Observe(const ProcessSweep& sweep, const ForegroundSample& foreground);
  // A program start the kernel announced (proc_events), under its application name. Counted
  // once: not when the last sweep already counted that process as new, and the next sweep
  // does not count it again. Call with the announcements drained just before a sweep.
  void Exec(std::int64_t pid, const std::string& app);
  // Usage since the last TakeInterval, top-N plus "other"; starts a new interval.
  schema::SoftwareSection TakeInterval();

 private:
  struct Key {
    std::int64_t pid;
    std::uint64_t start_ticks;
    auto operator<=>(const Key&) const = default;
  };
  struct Known {
    std::string app;
    std::string comm;  // a new name (exec, or Wine naming its process) means a new app name
    double cpu_seconds;
  };
  struct Acc {
    schema::AppUsage usage;
    double rss_sum = 0;
    std::uint32_t rss_samples = 0;
  };

  AppsConfig config_;
  std::map<Key, Known> previous_;  // processes at the last sweep
  std::optional<double> previous_time_;
  std::optional<double> interval_start_;
  std::map<std::string, Acc> acc_;
  std::uint64_t process_count_ = 0;
  ForegroundSample last_foreground_;
  std::set<std::int64_t> exec_pids_;      // announced since the last sweep
  std::set<std::int64_t> sweep_started_;  // counted as new by the last sweep
};

// What a process sweep needs from the platform (apps_linux.cpp / apps_windows.cpp): the procfs
// root and the clock and page facts on Linux; nothing on Windows.
struct ProcessSweepSetup {
  std::string procfs;
  SweepOptions options;
};
Result<ProcessSweepSetup> PrepareProcessSweep(const CollectContext& ctx);

// The apps collector (apps.cpp): sweeps at report time and, between reports, from its own
// sampling thread; the object lives as long as the agent, so deltas span reports.
std::unique_ptr<Collector> NewAppsCollector();

}  // namespace wardwatch::agent
