// battery: laptop batteries from /sys/class/power_supply (capacity, wear, cycle count).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "collector.h"

namespace wardwatch::agent {

// One power supply from its attribute files (file name -> contents). Returns nullopt for
// supplies that are not system batteries (AC adapters, USB ports, a mouse's battery with
// scope=Device). Energy is µWh, charge µAh, as the kernel writes them. wear_ratio is
// 1 - full / full_design (energy preferred, else charge), clamped to 0..1.
Result<std::optional<schema::Battery>> ParsePowerSupply(
    const std::string& name, const std::map<std::string, std::string>& files);

std::unique_ptr<Collector> NewBatteryCollector();

}  // namespace wardwatch::agent
