// hwmon: temperatures and fan speeds from /sys/class/hwmon/hwmon*.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

struct HwmonReadings {
  std::vector<schema::TempSensor> temperatures;
  std::vector<schema::Fan> fans;
};

// Turns one chip's attribute files (file name -> contents, e.g. "temp1_input" -> "45000")
// into sensors. Temperatures are millidegrees Celsius; fans are RPM. A sensor without a
// readable *_input is skipped; a *_input that is not a number is an error naming the file.
Result<HwmonReadings> ParseHwmonChip(const std::string& chip,
                                     const std::map<std::string, std::string>& files);

std::unique_ptr<Collector> NewHwmonCollector();

}  // namespace wardwatch::agent
