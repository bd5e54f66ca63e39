// thermal: ACPI / platform thermal zones from /sys/class/thermal/thermal_zone*.
#pragma once

#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// One zone from its "type" and "temp" (millidegrees Celsius) files.
Result<schema::ThermalZone> ParseThermalZone(const std::string& zone, std::string_view type,
                                             std::string_view temp);

std::unique_ptr<Collector> NewThermalCollector();

}  // namespace wardwatch::agent
