// The Machine view's history in words: measured series, the charts' span, an empty range.
#include "model/history.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "model/api_parse.h"
#include "samples.h"

using namespace wardwatch::console;

namespace {

// FormatTime is local time; the expectations are in UTC.
struct UtcZone {
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

}  // namespace

TEST_CASE("Windows has no pressure counters: its pressure series are not measured") {
  // The chart showed a flat "max 0%" for memory pressure on every Windows PC.
  CHECK_FALSE(SeriesMeasured("windows", "memory_pressure_ratio"));
  CHECK_FALSE(SeriesMeasured("windows", "io_pressure_ratio"));
  CHECK(SeriesMeasured("windows", "cpu_busy_ratio"));
  CHECK(SeriesMeasured("windows", "wan_bytes"));
  CHECK(SeriesMeasured("linux", "memory_pressure_ratio"));
  CHECK(SeriesMeasured("", "io_pressure_ratio"));
}

TEST_CASE("the charts' span: first and last hour within the range, nights left out") {
  UtcZone utc;
  // 2026-11-23 07:00 UTC .. 2026-11-27 17:00 UTC.
  const std::int64_t mon7 = 1795417200000, fri17 = mon7 + (4 * 24 + 10) * 3600000LL;
  std::vector<Series> h = {{"cpu_busy_ratio", "", {{mon7, 0.2}, {fri17, 0.4}}},
                           {"wan_bytes", "bytes", {{mon7 + 3600000, 1e6}}}};
  CHECK(HistorySpanText(Lang::kEn, h, 168) ==
        "Hourly values, 2026-11-23 07:00 \xE2\x86\x92 2026-11-27 17:00 (hours without reports, "
        "such as nights and weekends, are left out)");
  // 24 hours: only what is within a day of each series' latest point.
  CHECK(HistorySpanText(Lang::kVi, h, 24)
            .rfind("Giá trị theo giờ, 2026-11-23 08:00 \xE2\x86\x92 2026-11-27 17:00", 0) == 0);
  CHECK(HistorySpanText(Lang::kEn, {}, 24).empty());
  CHECK(HistorySpanText(Lang::kEn, {{"cpu_busy_ratio", "", {{0, 0.1}, {1, 0.2}}}}, 24).empty());
}

TEST_CASE("an empty range says so and when the PC last reported, not 'no data yet'") {
  UtcZone utc;
  // A PC switched off for the weekend has no hour in the last 24: the view said "No data yet".
  const std::int64_t fri1715 = 1795799700000;  // 2026-11-27 17:15 UTC
  CHECK(NoHistoryText(Lang::kEn, 24, fri1715) ==
        "No reports in the last 24 hours; the PC last reported at 2026-11-27 17:15.");
  CHECK(NoHistoryText(Lang::kVi, 24, fri1715) ==
        "Không có báo cáo trong 24 giờ qua; lần báo cáo cuối của máy lúc 2026-11-27 17:15.");
  CHECK(NoHistoryText(Lang::kEn, 168, 0) == "No reports in the last 7 days.");
}

TEST_CASE("the detail carries the platform and when the PC last reported") {
  auto doc = nlohmann::json::parse(ReadSample("collector_detail.json"));
  auto d = ParseMachineDetail(doc.dump());
  REQUIRE(d.ok());
  CHECK(d->platform == "linux");
  CHECK(d->last_report_ms == 0);  // not in this sample
  doc["platform"] = "windows";
  doc["latest_collected_at_ms"] = 1795774500000;
  d = ParseMachineDetail(doc.dump());
  REQUIRE(d.ok());
  CHECK(d->platform == "windows");
  CHECK(d->last_report_ms == 1795774500000);
  // Only in the inventory (older collectors): still found.
  doc.erase("platform");
  doc["inventory"]["platform"] = "windows";
  d = ParseMachineDetail(doc.dump());
  REQUIRE(d.ok());
  CHECK(d->platform == "windows");
}
