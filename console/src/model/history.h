// What the Machine view says about its history charts (no ImGui): which series a platform
// measures at all, the time span the charts cover, and why a range has no chart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/i18n.h"
#include "model/types.h"

namespace wardwatch::console {

// False for the memory and I/O pressure series of a Windows PC: Windows has no pressure stall
// information, so the collector's 0% there means "not measured", not "no pressure".
bool SeriesMeasured(const std::string& platform, const std::string& series_name);

// The points the charts draw for a range: those within `range_hours` of the latest point
// (points without a real time, index-only series, are always kept).
bool InChartRange(const Point& p, std::int64_t latest_ms, int range_hours);

// The span the charts cover for `range_hours`, in words: "Hourly values, 2026-11-23 07:00 →
// 2026-11-27 17:00 (hours without reports, such as nights and weekends, are left out)";
// "" when no point has a time.
std::string HistorySpanText(Lang lang, const std::vector<Series>& history, int range_hours);

// Why a range has no chart: "No reports in the last 24 hours; the PC last reported at
// 2026-11-27 17:15." (`last_report_ms` 0: the second part is left out).
std::string NoHistoryText(Lang lang, int range_hours, std::int64_t last_report_ms);

}  // namespace wardwatch::console
