// Civil-date arithmetic at a fixed UTC offset (Howard Hinnant's days_from_civil algorithm).
#include "wardwatch/analytics/local_time.h"

#include <cstdio>

namespace wardwatch::analytics {

std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

static void CivilFromDays(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

static std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

LocalTime ToLocal(std::int64_t unix_seconds, int utc_offset_minutes) {
  const std::int64_t local = unix_seconds + static_cast<std::int64_t>(utc_offset_minutes) * 60;
  LocalTime t;
  t.day = FloorDiv(local, 86400);
  const std::int64_t sec = local - t.day * 86400;
  t.hour = static_cast<int>(sec / 3600);
  t.minute = static_cast<int>((sec % 3600) / 60);
  t.second = static_cast<int>(sec % 60);
  // 1970-01-01 was a Thursday (weekday 3 with Monday = 0).
  t.weekday = static_cast<int>(((t.day % 7) + 7 + 3) % 7);
  CivilFromDays(t.day, t.year, t.month, t.mday);
  return t;
}

std::int64_t LocalMidnight(int year, int month, int mday, int utc_offset_minutes) {
  return DaysFromCivil(year, month, mday) * 86400 -
         static_cast<std::int64_t>(utc_offset_minutes) * 60;
}

static bool ValidDate(int y, int m, int d) {
  if (y < 1980 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dim = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) dim = 29;
  return d <= dim;
}

bool ParseDate(const std::string& text, int& year, int& month, int& mday) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() == 10 && text[4] == '-' &&
      std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3) {
  } else if (text.size() == 10 && text[2] == '/' &&
             std::sscanf(text.c_str(), "%2d/%2d/%4d%c", &m, &d, &y, &tail) == 3) {
  } else {
    return false;
  }
  if (!ValidDate(y, m, d)) return false;
  year = y;
  month = m;
  mday = d;
  return true;
}

bool IsOfficeTime(std::int64_t unix_seconds, const SiteConfig& c) {
  const LocalTime t = ToLocal(unix_seconds, c.utc_offset_minutes);
  if (!c.office.workdays[static_cast<std::size_t>(t.weekday)]) return false;
  const int mod = t.minute_of_day();
  for (const TimeSpan& s : c.office.spans) {
    if (mod >= s.begin_minute && mod < s.end_minute) return true;
  }
  return false;
}

std::int64_t HourStart(std::int64_t unix_seconds, int utc_offset_minutes) {
  const std::int64_t off = static_cast<std::int64_t>(utc_offset_minutes) * 60;
  return FloorDiv(unix_seconds + off, 3600) * 3600 - off;
}

const char* WeekdayNameEn(int weekday) {
  static const char* kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};
  return (weekday >= 0 && weekday < 7) ? kNames[weekday] : "?";
}

const char* WeekdayNameVi(int weekday) {
  static const char* kNames[] = {"Thứ Hai", "Thứ Ba",  "Thứ Tư",  "Thứ Năm",
                                 "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"};
  return (weekday >= 0 && weekday < 7) ? kNames[weekday] : "?";
}

}  // namespace wardwatch::analytics
