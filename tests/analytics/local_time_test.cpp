// Local time at UTC+7, office hours and the OS support table.
#include "wardwatch/analytics/local_time.h"

#include <doctest/doctest.h>

#include "wardwatch/analytics/os_support.h"

using namespace wardwatch::analytics;

TEST_CASE("ToLocal converts Unix time to Ho Chi Minh City civil time") {
  // 2026-11-28 10:00:00 UTC is 17:00 on Saturday in UTC+7.
  const std::int64_t t = LocalMidnight(2026, 11, 28, 0) + 10 * 3600;
  const LocalTime lt = ToLocal(t, 420);
  CHECK(lt.year == 2026);
  CHECK(lt.month == 11);
  CHECK(lt.mday == 28);
  CHECK(lt.hour == 17);
  CHECK(lt.minute == 0);
  CHECK(lt.weekday == 5);
  // 2026-11-28 20:00 UTC is already Sunday 03:00 locally.
  const LocalTime next = ToLocal(t + 10 * 3600, 420);
  CHECK(next.mday == 29);
  CHECK(next.weekday == 6);
  CHECK(next.hour == 3);
  CHECK(ToLocal(0, 0).weekday == 3);  // 1970-01-01 was a Thursday
}

TEST_CASE("IsOfficeTime honours spans and workdays at their edges") {
  SiteConfig c;
  const std::int64_t monday = LocalMidnight(2026, 11, 23, 420);  // a Monday
  struct Row {
    int minute;
    bool office;
  };
  const Row rows[] = {{7 * 60 + 29, false},  {7 * 60 + 30, true},   {11 * 60 + 29, true},
                      {11 * 60 + 30, false}, {12 * 60 + 59, false}, {13 * 60, true},
                      {16 * 60 + 59, true},  {17 * 60, false}};
  for (const Row& r : rows) {
    CAPTURE(r.minute);
    CHECK(IsOfficeTime(monday + r.minute * 60, c) == r.office);
  }
  CHECK_FALSE(IsOfficeTime(monday + 5 * 86400 + 9 * 3600, c));  // Saturday 09:00
  CHECK(HourStart(monday + 9 * 3600 + 1799, 420) == monday + 9 * 3600);
}

TEST_CASE("ParseDate accepts ISO and BIOS dates and refuses impossible ones") {
  int y = 0, m = 0, d = 0;
  CHECK(ParseDate("2017-03-01", y, m, d));
  CHECK((y == 2017 && m == 3 && d == 1));
  CHECK(ParseDate("06/15/2016", y, m, d));
  CHECK((y == 2016 && m == 6 && d == 15));
  CHECK_FALSE(ParseDate("2017-02-30", y, m, d));
  CHECK_FALSE(ParseDate("2017-3-1", y, m, d));
  CHECK_FALSE(ParseDate("", y, m, d));
  CHECK_FALSE(ParseDate("2017-03-01x", y, m, d));
}

TEST_CASE("OS end-of-support table") {
  auto w7 = LookupOsSupport("windows", "7");
  REQUIRE(w7);
  CHECK(w7->end_date == "2020-01-14");
  CHECK(w7->end_day == DaysFromCivil(2020, 1, 14));
  CHECK(LookupOsSupport("windows", "10")->end_date == "2025-10-14");
  CHECK(LookupOsSupport("ubuntu", "18.04")->end_date == "2023-05-31");
  CHECK(LookupOsSupport("debian", "10")->end_date == "2024-06-30");
  CHECK_FALSE(LookupOsSupport("windows", "11"));  // no date yet
  CHECK_FALSE(LookupOsSupport("arch", "rolling"));
}
