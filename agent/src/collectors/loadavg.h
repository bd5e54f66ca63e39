// loadavg: 1, 5 and 15 minute load averages from /proc/loadavg.
#pragma once

#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

Result<schema::LoadAverage> ParseLoadavg(std::string_view text);

std::unique_ptr<Collector> NewLoadavgCollector();

}  // namespace wardwatch::agent
