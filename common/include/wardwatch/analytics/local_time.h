// Local civil time at a fixed UTC offset (Asia/Ho_Chi_Minh has no DST) and office-hour tests.
#pragma once

#include <cstdint>
#include <string>

#include "wardwatch/analytics/site_config.h"

namespace wardwatch::analytics {

struct LocalTime {
  std::int64_t day = 0;  // days since 1970-01-01 in local time
  int year = 1970, month = 1, mday = 1;
  int weekday = 0;  // 0 = Monday .. 6 = Sunday
  int hour = 0, minute = 0, second = 0;
  int minute_of_day() const { return hour * 60 + minute; }
};

LocalTime ToLocal(std::int64_t unix_seconds, int utc_offset_minutes);
// Unix seconds of local midnight of a civil date.
std::int64_t LocalMidnight(int year, int month, int mday, int utc_offset_minutes);
// Days since 1970-01-01 of a civil date (proleptic Gregorian).
std::int64_t DaysFromCivil(int year, int month, int mday);
// Parses "YYYY-MM-DD" (and BIOS "MM/DD/YYYY"); false on anything else.
bool ParseDate(const std::string& text, int& year, int& month, int& mday);

bool IsOfficeTime(std::int64_t unix_seconds, const SiteConfig& c);
// Start of the local hour that holds t (Unix seconds).
std::int64_t HourStart(std::int64_t unix_seconds, int utc_offset_minutes);

const char* WeekdayNameEn(int weekday);
const char* WeekdayNameVi(int weekday);

}  // namespace wardwatch::analytics
