// Usage metering: office hours and the UsageMeter that turns process sweeps into per-application
// interval usage. Pure: time and sweeps come from the caller (apps_linux.cpp or a test).
#include "collectors/apps.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr std::string_view kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.push_back(Trim(s.substr(start, pos == std::string_view::npos ? pos : pos - start)));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

Result<int> ParseDay(std::string_view s) {
  const std::string l = Lower(s);
  for (int i = 0; i < 7; ++i) {
    if (l == kDayNames[i]) return i;
  }
  return MakeError("unknown day \"" + std::string(s) +
                   "\" (want Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
}

// "07:30" -> 450; "24:00" allowed (end of day).
Result<int> ParseClock(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos)
    return MakeError("time \"" + std::string(s) + "\" is not HH:MM");
  auto h = ParseU64(s.substr(0, colon));
  auto m = ParseU64(s.substr(colon + 1));
  if (!h || !m || s.substr(colon + 1).size() != 2 || *h > 24 || *m > 59 || (*h == 24 && *m != 0)) {
    return MakeError("time \"" + std::string(s) + "\" is not HH:MM between 00:00 and 24:00");
  }
  return static_cast<int>(*h * 60 + *m);
}

}  // namespace

OfficeHours DefaultOfficeHours() {
  OfficeHours h;
  for (int d = 1; d <= 5; ++d) h.days[static_cast<std::size_t>(d)] = true;
  h.minute_ranges = {{7 * 60 + 30, 11 * 60 + 30}, {13 * 60, 17 * 60}};
  h.utc_offset_minutes = 7 * 60;
  return h;
}

Result<int> ParseUtcOffset(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return MakeError("UTC offset is empty (want e.g. +07:00)");
  int sign = 1;
  if (s.front() == '+' || s.front() == '-') {
    sign = s.front() == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  std::optional<std::uint64_t> h, m = 0;
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    h = ParseU64(s.substr(0, colon));
    m = ParseU64(s.substr(colon + 1));
  } else {
    h = ParseU64(s);
  }
  if (!h || !m || *h > 14 || *m > 59 || (*h == 14 && *m != 0)) {
    return MakeError("UTC offset \"" + std::string(text) + "\" is not +HH:MM within +-14:00");
  }
  return sign * static_cast<int>(*h * 60 + *m);
}

Result<OfficeHours> ParseOfficeHours(std::string_view text, int utc_offset_minutes) {
  const std::string where = "office hours \"" + std::string(text) + "\": ";
  const auto fields = SplitFields(text);
  if (fields.size() != 2) {
    return MakeError(where + "want DAYS RANGES, e.g. \"Mon-Fri 07:30-11:30,13:00-17:00\"");
  }
  OfficeHours h;
  h.utc_offset_minutes = utc_offset_minutes;
  for (auto item : SplitOn(fields[0], ',')) {
    const auto dash = item.find('-');
    auto first = ParseDay(item.substr(0, dash));
    if (!first) return MakeError(where + first.error());
    int last = *first;
    if (dash != std::string_view::npos) {
      auto l = ParseDay(item.substr(dash + 1));
      if (!l) return MakeError(where + l.error());
      last = *l;
    }
    for (int d = *first;; d = (d + 1) % 7) {  // "Sat-Mon" wraps over Sunday
      h.days[static_cast<std::size_t>(d)] = true;
      if (d == last) break;
    }
  }
  for (auto item : SplitOn(fields[1], ',')) {
    const auto dash = item.find('-');
    if (dash == std::string_view::npos) {
      return MakeError(where + "range \"" + std::string(item) + "\" is not HH:MM-HH:MM");
    }
    auto a = ParseClock(item.substr(0, dash));
    if (!a) return MakeError(where + a.error());
    auto b = ParseClock(item.substr(dash + 1));
    if (!b) return MakeError(where + b.error());
    if (*b <= *a)
      return MakeError(where + "range \"" + std::string(item) + "\" ends before it starts");
    h.minute_ranges.emplace_back(*a, *b);
  }
  std::sort(h.minute_ranges.begin(), h.minute_ranges.end());
  for (std::size_t i = 1; i < h.minute_ranges.size(); ++i) {
    if (h.minute_ranges[i].first < h.minute_ranges[i - 1].second) {
      return MakeError(where + "ranges overlap");
    }
  }
  return h;
}

double OfficeSeconds(const OfficeHours& hours, double t0, double t1) {
  if (!(t1 > t0)) return 0;
  const double offset = hours.utc_offset_minutes * 60.0;
  const double l0 = t0 + offset, l1 = t1 + offset;  // local "Unix" seconds
  const auto day0 = static_cast<std::int64_t>(std::floor(l0 / 86400));
  const auto day1 = static_cast<std::int64_t>(std::floor(l1 / 86400));
  double total = 0;
  for (std::int64_t d = day0; d <= day1 && d - day0 < 3660; ++d) {
    const auto wday = static_cast<std::size_t>(((d + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
    if (!hours.days[wday]) continue;
    for (const auto& [a, b] : hours.minute_ranges) {
      const double s = static_cast<double>(d) * 86400 + a * 60.0;
      const double e = static_cast<double>(d) * 86400 + b * 60.0;
      total += std::max(0.0, std::min(e, l1) - std::max(s, l0));
    }
  }
  return total;
}

Result<AppsConfig> AppsConfigFromOptions(const AgentOptions& options) {
  AppsConfig c;
  auto offset = ParseUtcOffset(options.office_utc_offset);
  if (!offset) return MakeError("--office-utc-offset: " + offset.error());
  auto office = ParseOfficeHours(options.office_hours, *offset);
  if (!office) return MakeError("--office-hours: " + office.error());
  if (options.apps_top_n > 1000) return MakeError("--apps-top must be at most 1000");
  c.office = std::move(*office);
  c.top_n = options.apps_top_n;
  c.deny = options.apps_deny;
  c.sample_seconds = options.apps_sample_seconds;
  // A sweep missed by more than three report intervals means the machine slept.
  c.max_gap_seconds = std::max(900.0, 3.0 * options.interval_seconds);
  return c;
}

bool SampleDue(double last, double now, double sample_seconds) {
  return now - last >= 0.9 * sample_seconds;
}

void UsageMeter::Observe(const ProcessSweep& sweep, const ForegroundSample& foreground) {
  const double t = sweep.time;
  const bool have_prev = previous_time_.has_value();
  const double t0 = have_prev ? *previous_time_ : t;
  const double dt = t - t0;
  const bool credit = have_prev && dt > 0 && dt <= config_.max_gap_seconds;
  if (!interval_start_) interval_start_ = t;

  struct Now {
    std::uint32_t instances = 0;
    std::uint64_t rss = 0;
    double alive_since = 0;
    bool alive = false;
  };
  std::map<std::string, Now> now;
  std::map<Key, Known> current;
  std::set<std::int64_t> started_now;
  std::optional<std::string> foreground_app;
  for (const auto& p : sweep.processes) {
    const Key key{p.pid, p.start_ticks};
    const auto prev = previous_.find(key);
    const bool seen = prev != previous_.end();
    // The same process under a new name has exec'd (a wrapper script starting the real
    // program) or was renamed (Wine names its process after the Windows program only once
    // that has loaded): named again, or its whole life would count for the launcher.
    std::string app =
        seen && prev->second.comm == p.comm ? prev->second.app : AppNameFor(p.exe, p.comm);
    // A process not seen before counts from its start only when it started after the last
    // sweep (1 s slack for tick rounding); otherwise it was missed and its past is unknown.
    const bool started_since = have_prev && !seen && p.start_time >= t0 - 1;
    double cpu = 0;
    if (seen) {
      cpu = std::max(0.0, p.cpu_seconds - prev->second.cpu_seconds);
    } else if (started_since) {
      cpu = p.cpu_seconds;
    }
    Acc& acc = acc_[app];
    acc.usage.cpu_seconds += cpu;
    // The sweeps do not say when within the gap the CPU time was used: it is spread evenly
    // over the part of the gap the process was alive (after a long gap, such as a suspend,
    // this is an estimate); a process that started at this very sweep counts by `t` alone.
    if (cpu > 0) {
      const double since = std::clamp(p.start_time, t0, t);
      const double office = since < t ? OfficeSeconds(config_.office, since, t) / (t - since)
                                      : OfficeSeconds(config_.office, t, t + 1);
      acc.usage.office_cpu_seconds += cpu * office;
    }
    // Announced by the kernel already (Exec): counted there, with its name at exec time.
    if (started_since && !exec_pids_.count(p.pid)) {
      ++acc.usage.starts;
      started_now.insert(p.pid);
    }
    if (foreground.pid && *foreground.pid == p.pid && !p.zombie) foreground_app = app;
    Now& n = now[app];
    if (!p.zombie) {
      ++n.instances;
      n.rss += p.rss_bytes;
      const double since = std::clamp(p.start_time, t0, t);
      n.alive_since = n.alive ? std::min(n.alive_since, since) : since;
      n.alive = true;
    }
    current.emplace(key, Known{std::move(app), p.comm, p.cpu_seconds});
  }
  for (auto& [name, acc] : acc_) acc.usage.instances = 0;
  for (const auto& [name, n] : now) {
    Acc& acc = acc_[name];
    acc.usage.instances = n.instances;
    if (!n.alive) continue;
    acc.usage.rss_peak_bytes = std::max(acc.usage.rss_peak_bytes, n.rss);
    acc.rss_sum += static_cast<double>(n.rss);
    ++acc.rss_samples;
    if (credit) {
      acc.usage.running_seconds += t - n.alive_since;
      acc.usage.office_running_seconds += OfficeSeconds(config_.office, n.alive_since, t);
    }
  }
  // The focused application is credited with the part of the gap the user was not idle,
  // taken as the start of the gap (activity, then idle until now).
  if (credit && foreground.available && foreground_app) {
    const double idle = foreground.idle_seconds.value_or(0);
    const double active = std::max(0.0, dt - std::max(0.0, idle));
    Acc& acc = acc_[*foreground_app];
    acc.usage.foreground_seconds += active;
    acc.usage.office_foreground_seconds += OfficeSeconds(config_.office, t0, t0 + active);
  }
  previous_ = std::move(current);
  previous_time_ = t;
  process_count_ = sweep.processes.size();
  last_foreground_ = foreground;
  exec_pids_.clear();
  sweep_started_ = std::move(started_now);
}

void UsageMeter::Exec(std::int64_t pid, const std::string& app) {
  // Exec'd after the last sweep's /proc read began but before this drain: already counted.
  if (sweep_started_.erase(pid) > 0) return;
  ++acc_[app].usage.starts;
  exec_pids_.insert(pid);
}

schema::SoftwareSection UsageMeter::TakeInterval() {
  schema::SoftwareSection s;
  if (previous_time_ && interval_start_) s.interval_seconds = *previous_time_ - *interval_start_;
  s.process_count = process_count_;
  s.foreground_available = last_foreground_.available;
  s.foreground_unavailable_reason = last_foreground_.unavailable_reason;
  s.user_idle_seconds = last_foreground_.idle_seconds;

  std::set<std::string> deny;
  for (const auto& d : config_.deny) deny.insert(Lower(d));
  std::vector<schema::AppUsage> ranked;
  schema::AppUsage other;
  other.app = "other";
  bool any_other = false;
  auto fold = [&](const schema::AppUsage& u) {
    any_other = true;
    other.instances += u.instances;
    other.starts += u.starts;
    other.cpu_seconds += u.cpu_seconds;
    other.office_cpu_seconds += u.office_cpu_seconds;
    other.running_seconds = std::max(other.running_seconds, u.running_seconds);
    other.office_running_seconds = std::max(other.office_running_seconds, u.office_running_seconds);
    other.foreground_seconds += u.foreground_seconds;  // one focused window at a time
    other.office_foreground_seconds += u.office_foreground_seconds;
    other.rss_peak_bytes += u.rss_peak_bytes;  // upper bound: peaks need not coincide
    other.rss_avg_bytes += u.rss_avg_bytes;
  };
  for (auto& [name, acc] : acc_) {
    schema::AppUsage u = acc.usage;
    u.app = name;
    if (acc.rss_samples > 0) {
      u.rss_avg_bytes = static_cast<std::uint64_t>(acc.rss_sum / acc.rss_samples);
    }
    if (deny.count(Lower(name)) || name == "other") {
      fold(u);
    } else {
      ranked.push_back(std::move(u));
    }
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.foreground_seconds != b.foreground_seconds)
      return a.foreground_seconds > b.foreground_seconds;
    if (a.cpu_seconds != b.cpu_seconds) return a.cpu_seconds > b.cpu_seconds;
    if (a.rss_peak_bytes != b.rss_peak_bytes) return a.rss_peak_bytes > b.rss_peak_bytes;
    return a.app < b.app;
  });
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    if (i < config_.top_n) {
      s.apps.push_back(std::move(ranked[i]));
    } else {
      fold(ranked[i]);
    }
  }
  if (any_other) s.apps.push_back(std::move(other));
  acc_.clear();
  interval_start_ = previous_time_;
  return s;
}

}  // namespace wardwatch::agent
