// Peak hours and the speed test schedule.
#include "collectors/speedtest.h"

#include <algorithm>

#include "fsutil.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

std::optional<int> ParseClock(std::string_view s) {
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto h = ParseU64(s.substr(0, colon)), m = ParseU64(s.substr(colon + 1));
  if (!h || !m || *h > 24 || *m > 59 || (*h == 24 && *m != 0)) return std::nullopt;
  return static_cast<int>(*h * 60 + *m);
}

}  // namespace

Result<std::vector<PeakRange>> ParsePeakHours(std::string_view text) {
  std::vector<PeakRange> out;
  text = Trim(text);
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const auto dash = item.find('-');
    std::optional<int> a, b;
    if (dash != std::string_view::npos) {
      a = ParseClock(Trim(item.substr(0, dash)));
      b = ParseClock(Trim(item.substr(dash + 1)));
    }
    if (!a || !b || *a == *b) {
      return MakeError("--peak-hours \"" + std::string(item) +
                       "\": expected HH:MM-HH:MM, e.g. 07:30-11:30");
    }
    out.push_back({*a, *b});
  }
  return out;
}

bool InPeakHours(const std::vector<PeakRange>& peak, int minute) {
  return std::any_of(peak.begin(), peak.end(), [minute](const PeakRange& r) {
    return r.start_minute < r.end_minute ? (minute >= r.start_minute && minute < r.end_minute)
                                         : (minute >= r.start_minute || minute < r.end_minute);
  });
}

bool SpeedTestDue(const SpeedTestPolicy& policy, const std::vector<std::int64_t>& runs,
                  std::int64_t now, std::int64_t day_start, int minute_of_day) {
  if (policy.per_day == 0 || InPeakHours(policy.peak, minute_of_day)) return false;
  unsigned today = 0;
  for (std::int64_t t : runs) {
    if (t >= day_start && t <= now) ++today;
    if (t <= now && now - t < policy.min_gap_seconds) return false;
  }
  return today < policy.per_day;
}

Result<SpeedTestConfig> SpeedTestConfigFromOptions(const AgentOptions& o) {
  SpeedTestConfig c;
  auto peak = ParsePeakHours(o.peak_hours);
  if (!peak) return MakeError(peak.error());
  c.policy.peak = std::move(*peak);
  c.policy.per_day = o.speedtest_per_day;
  c.request.collector_url = o.collector_url;
  while (!c.request.collector_url.empty() && c.request.collector_url.back() == '/') {
    c.request.collector_url.pop_back();
  }
  c.request.bytes = o.speedtest_bytes;
  c.request.ca_file = o.ca_file;
  c.state_dir = o.state_dir;
  c.run_on_first_collect = o.once;
  return c;
}

}  // namespace wardwatch::agent
