// End of security support of common office operating systems (vendor-published dates).
#include "wardwatch/analytics/os_support.h"

#include "wardwatch/analytics/local_time.h"

namespace wardwatch::analytics {

namespace {
struct Row {
  const char* id;
  const char* version;
  const char* name;
  const char* end;
};
// Windows: Microsoft lifecycle (end of extended support). Ubuntu: end of standard support of
// LTS releases. Debian: end of Debian LTS.
constexpr Row kTable[] = {
    {"windows", "xp", "Windows XP", "2014-04-08"},
    {"windows", "7", "Windows 7", "2020-01-14"},
    {"windows", "8", "Windows 8", "2016-01-12"},
    {"windows", "8.1", "Windows 8.1", "2023-01-10"},
    {"windows", "10", "Windows 10", "2025-10-14"},
    {"windows", "11", "Windows 11", ""},
    {"ubuntu", "14.04", "Ubuntu 14.04 LTS", "2019-04-30"},
    {"ubuntu", "16.04", "Ubuntu 16.04 LTS", "2021-04-30"},
    {"ubuntu", "18.04", "Ubuntu 18.04 LTS", "2023-05-31"},
    {"ubuntu", "20.04", "Ubuntu 20.04 LTS", "2025-05-29"},
    {"ubuntu", "22.04", "Ubuntu 22.04 LTS", "2027-06-01"},
    {"ubuntu", "24.04", "Ubuntu 24.04 LTS", "2029-05-31"},
    {"debian", "8", "Debian 8 (jessie)", "2020-06-30"},
    {"debian", "9", "Debian 9 (stretch)", "2022-06-30"},
    {"debian", "10", "Debian 10 (buster)", "2024-06-30"},
    {"debian", "11", "Debian 11 (bullseye)", "2026-08-31"},
    {"debian", "12", "Debian 12 (bookworm)", "2028-06-30"},
};
}  // namespace

std::optional<OsSupport> LookupOsSupport(const std::string& id, const std::string& version_id) {
  for (const Row& r : kTable) {
    if (id != r.id || version_id != r.version) continue;
    OsSupport s{r.name, r.end, 0};
    int y = 0, m = 0, d = 0;
    if (!ParseDate(s.end_date, y, m, d)) return std::nullopt;  // still supported (no date)
    s.end_day = DaysFromCivil(y, m, d);
    return s;
  }
  return std::nullopt;
}

}  // namespace wardwatch::analytics
