// Office hours: parsing (table-driven, with errors) and the seconds counted at the boundaries.
#include <doctest/doctest.h>

#include "collectors/apps.h"

using namespace wardwatch::agent;

namespace {

// Unix seconds for a local (UTC+7) date and time. 2026-11-30 is a Monday.
double Local(int day_of_nov_2026, int h, int m, int s = 0) {
  const double monday_2026_11_30_utc = 1795996800;  // 2026-11-30T00:00:00Z
  return monday_2026_11_30_utc + (day_of_nov_2026 - 30) * 86400.0 + h * 3600.0 + m * 60.0 + s -
         7 * 3600.0;
}

}  // namespace

TEST_CASE("the date helper is anchored on a Monday") {
  // 2026-11-30T00:00:00Z: 20787 days after 1970-01-01 (a Thursday); 20787 % 7 == 4 -> Monday.
  CHECK(static_cast<long>(1795996800) % 86400 == 0);
  CHECK((1795996800 / 86400 + 4) % 7 == 1);
}

TEST_CASE("OfficeSeconds at the boundaries (default hours, UTC+7)") {
  const OfficeHours h = DefaultOfficeHours();
  struct Case {
    const char* what;
    double t0, t1, want;
  };
  const Case cases[] = {
      {"before opening", Local(30, 6, 0), Local(30, 7, 30), 0},
      {"opening second", Local(30, 7, 29, 59), Local(30, 7, 30, 1), 1},
      {"whole morning", Local(30, 7, 0), Local(30, 12, 0), 4 * 3600},
      {"lunch", Local(30, 11, 30), Local(30, 13, 0), 0},
      {"across lunch", Local(30, 11, 0), Local(30, 13, 30), 3600},
      {"closing", Local(30, 16, 59), Local(30, 17, 1), 60},
      {"evening", Local(30, 17, 0), Local(30, 23, 59), 0},
      {"whole Monday", Local(30, 0, 0), Local(31, 0, 0), 8 * 3600},
      {"Saturday", Local(28, 0, 0), Local(29, 0, 0), 0},
      {"Sunday", Local(29, 0, 0), Local(30, 0, 0), 0},
      {"Friday evening to Monday 08:00", Local(27, 16, 0), Local(30, 8, 0), 3600 + 1800},
      {"a whole week", Local(23, 0, 0), Local(30, 0, 0), 5 * 8 * 3600},
      {"empty interval", Local(30, 9, 0), Local(30, 9, 0), 0},
      {"reversed interval", Local(30, 10, 0), Local(30, 9, 0), 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    CHECK(OfficeSeconds(h, c.t0, c.t1) == doctest::Approx(c.want));
  }
  // 00:30 UTC on Monday is 07:30 in Ho Chi Minh City: the office has just opened.
  CHECK(OfficeSeconds(h, 1795996800 + 1800, 1795996800 + 1860) == doctest::Approx(60));
}

TEST_CASE("OfficeSeconds follows the configured UTC offset") {
  auto utc = ParseOfficeHours("Mon-Fri 07:30-11:30,13:00-17:00", 0);
  REQUIRE(utc.ok());
  // 07:30 UTC Monday = 14:30 in UTC+7: open for the UTC office too (07:30-11:30).
  const double monday_0730_utc = 1795996800 + 7.5 * 3600;
  CHECK(OfficeSeconds(*utc, monday_0730_utc, monday_0730_utc + 60) == doctest::Approx(60));
  CHECK(OfficeSeconds(DefaultOfficeHours(), monday_0730_utc, monday_0730_utc + 60) ==
        doctest::Approx(60));                 // 14:30 local: afternoon session
  const double monday_0000_utc = 1795996800;  // 07:00 local: not yet open; UTC office: night
  CHECK(OfficeSeconds(*utc, monday_0000_utc, monday_0000_utc + 60) == 0);
  CHECK(OfficeSeconds(DefaultOfficeHours(), monday_0000_utc, monday_0000_utc + 60) == 0);
}

TEST_CASE("ParseOfficeHours accepts day ranges, lists and wrap-around") {
  auto h = ParseOfficeHours("Sat-Mon 08:00-12:00", 420);
  REQUIRE(h.ok());
  CHECK(h->days[6]);
  CHECK(h->days[0]);
  CHECK(h->days[1]);
  CHECK_FALSE(h->days[2]);
  auto l = ParseOfficeHours("mon,WED,Fri 13:00-17:00,07:30-11:30", 420);
  REQUIRE(l.ok());
  CHECK(l->days[1]);
  CHECK_FALSE(l->days[2]);
  CHECK(l->days[3]);
  REQUIRE(l->minute_ranges.size() == 2);
  CHECK(l->minute_ranges[0].first == 450);  // sorted
}

TEST_CASE("ParseOfficeHours and ParseUtcOffset name what is wrong") {
  struct Case {
    const char* text;
    const char* error_part;
  };
  const Case cases[] = {
      {"", "want DAYS RANGES"},
      {"07:30-11:30", "want DAYS RANGES"},
      {"Mon-Fry 07:30-11:30", "unknown day \"Fry\""},
      {"Mon-Fri 07:30", "not HH:MM-HH:MM"},
      {"Mon-Fri 7-11", "not HH:MM"},
      {"Mon-Fri 07:60-11:30", "between 00:00 and 24:00"},
      {"Mon-Fri 25:00-26:00", "between 00:00 and 24:00"},
      {"Mon-Fri 11:30-07:30", "ends before it starts"},
      {"Mon-Fri 07:30-12:00,11:00-17:00", "overlap"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto h = ParseOfficeHours(c.text, 420);
    REQUIRE_FALSE(h.ok());
    CHECK(h.error().find(c.error_part) != std::string::npos);
  }
  struct Offset {
    const char* text;
    bool ok;
    int minutes;
  };
  const Offset offsets[] = {{"+07:00", true, 420}, {"+7", true, 420},     {"-05:30", true, -330},
                            {"0", true, 0},        {"+14:00", true, 840}, {"+15:00", false, 0},
                            {"+07:75", false, 0},  {"UTC+7", false, 0},   {"", false, 0}};
  for (const auto& o : offsets) {
    CAPTURE(o.text);
    auto r = ParseUtcOffset(o.text);
    CHECK(r.ok() == o.ok);
    if (r.ok()) CHECK(*r == o.minutes);
  }
}

TEST_CASE("AppsConfigFromOptions reports the bad option") {
  AgentOptions o;
  CHECK(AppsConfigFromOptions(o).ok());
  o.office_hours = "Mon-Fri 9-5";
  auto bad = AppsConfigFromOptions(o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("--office-hours") != std::string::npos);
  o = AgentOptions{};
  o.office_utc_offset = "Asia/Ho_Chi_Minh";
  bad = AppsConfigFromOptions(o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("--office-utc-offset") != std::string::npos);
}
