// The Machine view's history: measured series, the charts' span, an empty range explained.
#include "model/history.h"

#include <algorithm>
#include <limits>

#include "model/format.h"

namespace wardwatch::console {
namespace {

// Index-only series (a plain list of numbers) number their points 0, 1, 2...
constexpr std::int64_t kRealTimeMs = 1000000;

std::string RangeWords(Lang lang, int hours) {
  if (hours == 24) return Tr(lang, Str::kRange24h);
  if (hours == 168) return Tr(lang, Str::kRange7d);
  if (hours == 672) return Tr(lang, Str::kRange28d);
  return std::to_string(hours) + (lang == Lang::kVi ? " giờ" : " hours");
}

}  // namespace

bool SeriesMeasured(const std::string& platform, const std::string& series_name) {
  if (platform != "windows") return true;
  return series_name.find("memory_pressure") == std::string::npos &&
         series_name.find("io_pressure") == std::string::npos;
}

bool InChartRange(const Point& p, std::int64_t latest_ms, int range_hours) {
  return p.t_ms < kRealTimeMs ||
         p.t_ms >= latest_ms - static_cast<std::int64_t>(range_hours) * 3600000;
}

std::string HistorySpanText(Lang lang, const std::vector<Series>& history, int range_hours) {
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = 0;
  for (const Series& s : history) {
    std::int64_t latest = 0;
    for (const Point& p : s.points) latest = std::max(latest, p.t_ms);
    for (const Point& p : s.points) {
      if (p.t_ms < kRealTimeMs || !InChartRange(p, latest, range_hours)) continue;
      first = std::min(first, p.t_ms);
      last = std::max(last, p.t_ms);
    }
  }
  if (last == 0) return {};
  return std::string(Tr(lang, Str::kHistoryHourly)) + ", " + FormatTime(first) + " \xE2\x86\x92 " +
         FormatTime(last) + " (" + Tr(lang, Str::kHistoryGaps) + ")";
}

std::string NoHistoryText(Lang lang, int range_hours, std::int64_t last_report_ms) {
  std::string out = std::string(Tr(lang, Str::kNoReportsIn)) + " " + RangeWords(lang, range_hours);
  if (lang == Lang::kVi) out += " qua";  // "trong 24 giờ qua": in the last 24 hours
  if (last_report_ms > 0) {
    out += std::string("; ") + Tr(lang, Str::kLastReported) + " " + FormatTime(last_report_ms);
  }
  return out + ".";
}

}  // namespace wardwatch::console
