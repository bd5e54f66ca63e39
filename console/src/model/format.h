// Human-readable numbers for the views (no ImGui): sizes, ages, durations, money, percentages.
#pragma once

#include <cstdint>
#include <string>

#include "model/i18n.h"

namespace wardwatch::console {

std::string FormatBytes(double bytes);             // "3.9 GiB", "—" for NaN
std::string FormatYears(Lang lang, double years);  // "8.4 y" / "8,4 năm"
std::string FormatPercent(double ratio);           // 0.834 → "83%"
std::string FormatSeconds(double seconds);         // "2 h 05 min", "850 ms"
std::string FormatVnd(double vnd);                 // "12.500.000 ₫"
std::string FormatMbps(double mbps);               // "100 Mb/s"
// "3 min ago" / "3 phút trước"; "never" for 0.
std::string FormatAgo(Lang lang, std::int64_t then_ms, std::int64_t now_ms);
// Local wall time "2026-11-28 10:21".
std::string FormatTime(std::int64_t ms);
// An evidence value in its unit, as the officer reads it: "ratio" 0.19 → "19%", "bytes" →
// "3.8 GiB", "bytes_per_second" → "100 Mb/s", "bool" → "yes"/"có", "years" → "8.8 y",
// "days" → "410 days"; other units as "12 sectors".
std::string FormatMeasure(Lang lang, double value, const std::string& unit);
// One inventory entry (the collector's key, its value as text) as a label and a value for
// the machine view; false for entries the view shows elsewhere (identity, the boot disk,
// which has its own table) and hides here.
bool InventoryEntry(Lang lang, const std::string& key, const std::string& value, std::string* label,
                    std::string* shown);

}  // namespace wardwatch::console
