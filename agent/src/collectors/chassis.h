// chassis: the SMBIOS chassis type (desktop, laptop, ...) from /sys/class/dmi/id/chassis_type.
#pragma once

#include <cstdint>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// SMBIOS 3.x chassis type codes 1..36 (the file holds the number in decimal).
Result<std::uint32_t> ParseChassisType(std::string_view text);

// "Desktop", "Notebook", ... for a code; "Unknown" outside the table.
std::string_view ChassisTypeName(std::uint32_t code);

std::unique_ptr<Collector> NewChassisCollector();

}  // namespace wardwatch::agent
