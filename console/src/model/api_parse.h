// Turns the collector's read-API JSON (docs/api.md) into the console's plain data. The only
// file that knows the wire shapes: absent fields keep their defaults, a field of the wrong
// type is skipped and named in `warnings` (e.g. `machines[3].aging_score: expected a number,
// got "high"`), and only a body that is not JSON or not the expected top-level shape fails.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/i18n.h"
#include "model/types.h"
#include "wardwatch/result.h"

namespace wardwatch::console {

// Problems in a body that still decoded; capped so a hostile body cannot grow it unbounded.
struct ParseWarnings {
  static constexpr std::size_t kMax = 32;
  std::vector<std::string> items;
  std::size_t dropped = 0;
  void Add(std::string message);
};

Result<FleetData> ParseMachines(std::string_view body, ParseWarnings* warnings = nullptr);
Result<MachineDetail> ParseMachineDetail(std::string_view body, ParseWarnings* warnings = nullptr);
Result<Heatmap> ParseHeatmap(std::string_view body, ParseWarnings* warnings = nullptr);
Result<NetworkStatus> ParseBottlenecks(std::string_view body, ParseWarnings* warnings = nullptr);
Result<SoftwareData> ParseSoftware(std::string_view body, ParseWarnings* warnings = nullptr);
Result<InstalledSearch> ParseInstalledSearch(std::string_view body,
                                             ParseWarnings* warnings = nullptr);
Result<std::vector<Finding>> ParseFindings(std::string_view body,
                                           ParseWarnings* warnings = nullptr);

// Body of PUT /api/v1/machines/{id}/meta.
std::string EncodeMeta(const MachineMeta& meta);
// Validates what the officer typed before it is sent: purchase date YYYY-MM-DD (or empty),
// lengths bounded. The message names the field.
Status ValidateMeta(const MachineMeta& meta);
// What the officer typed, made ready to send: a purchase date written day first as people in
// Vietnam do ("15/03/2018", "15-3-2018", "15.03.2018") becomes 2018-03-15; surrounding spaces
// go. Anything else is left for ValidateMeta to refuse.
MachineMeta NormaliseMeta(MachineMeta meta);
// ValidateMeta's refusal in the officer's language ("" when the metadata is fine).
std::string MetaProblem(Lang lang, const MachineMeta& meta);

// Wire names of flags and recommendations ("failing_disk", "replace", ...).
std::uint32_t FlagFromName(std::string_view name);
const char* FlagName(Flag flag);
Recommendation RecommendationFromName(std::string_view name);
const char* RecommendationName(Recommendation r);

// Millisecond Unix time from a JSON-ish timestamp: numbers below 1e11 are seconds, others
// milliseconds; strings are ISO 8601 UTC ("2026-11-28T10:21:35Z"). 0 when unreadable.
std::int64_t TimestampFromText(std::string_view text);

}  // namespace wardwatch::console
