// Dated end-of-support table for the operating systems an office PC runs.
#pragma once

#include <optional>
#include <string>

#include "wardwatch/result.h"

namespace wardwatch::analytics {

struct OsSupport {
  std::string name;          // "Windows 7", "Ubuntu 18.04 LTS"
  std::string end_date;      // YYYY-MM-DD: end of security updates
  std::int64_t end_day = 0;  // days since 1970-01-01
};

// Looks an OS up by its os-release ID and VERSION_ID ("windows"/"7", "ubuntu"/"18.04",
// "debian"/"10"); nullopt when the table does not know it (treated as supported).
std::optional<OsSupport> LookupOsSupport(const std::string& id, const std::string& version_id);

}  // namespace wardwatch::analytics
