// Human-readable numbers for the views (no ImGui): sizes, ages, durations, money, percentages.
#pragma once

#include <cstdint>
#include <string>

#include "model/i18n.h"

namespace wardwatch::console {

// Numbers follow the language: English "3.9 GiB", "12,500,000 ₫"; Vietnamese "3,9 GiB",
// "12.500.000 ₫" (decimal comma, dot between thousands). "—" for NaN everywhere.
std::string LocalizeNumber(Lang lang, std::string text);  // swaps '.' and ',' for vi
std::string FormatNumber(Lang lang, const char* printf_format, double value);  // "%.3g" → "0,25"
std::string FormatBytes(Lang lang, double bytes);      // "3.9 GiB" / "3,9 GiB"
std::string FormatYears(Lang lang, double years);      // "8.4 y" / "8,4 năm"
std::string FormatPercent(double ratio);               // 0.834 → "83%"
std::string FormatSeconds(Lang lang, double seconds);  // "2 h 05 min" / "2 giờ 05 phút", "1.5 s"
// A usage total (running or foreground time): "—" when there is none (0, negative or NaN).
std::string FormatUsageSeconds(Lang lang, double seconds);
// A whole number with thousands grouped as the language writes them: "95,799" / "95.799".
std::string GroupedInteger(Lang lang, double value);
std::string FormatVnd(Lang lang, double vnd);    // "12,500,000 ₫" / "12.500.000 ₫"
std::string FormatMbps(Lang lang, double mbps);  // "100 Mb/s", "2.5 Mb/s" / "2,5 Mb/s"
// CPU model without trademarks, "CPU" and clock: "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz" →
// "Intel Core i5-8500".
std::string ShortCpuName(const std::string& model);
// "3 min ago" / "3 phút trước"; "never" for 0.
std::string FormatAgo(Lang lang, std::int64_t then_ms, std::int64_t now_ms);
// Local wall time "2026-11-28 10:21".
std::string FormatTime(std::int64_t ms);
// An evidence value in its unit, as the officer reads it: "ratio" 0.19 → "19%", "bytes" →
// "3.8 GiB", "bytes_per_second" → "100 Mb/s", "bool" → "yes"/"có", "years" → "8.8 y",
// "days" → "410 days", "per_hour" → "95,799/h" / "95.799/giờ"; other units as "12 sector";
// counts from 10,000 up grouped ("18,000 events").
std::string FormatMeasure(Lang lang, double value, const std::string& unit);
// The BIOS date as SMBIOS writes it, month first ("02/08/2018" is 8 February 2018, which a
// Vietnamese reader takes for 2 August), as YYYY-MM-DD, the form the evidence sentences use;
// anything else unchanged.
std::string IsoDateFromSmbios(const std::string& date);
// One inventory entry (the collector's key, its value as text) as a label and a value for
// the machine view; false for entries the view shows elsewhere (identity, the boot disk,
// which has its own table) and hides here.
bool InventoryEntry(Lang lang, const std::string& key, const std::string& value, std::string* label,
                    std::string* shown);

}  // namespace wardwatch::console
