// cpu: cumulative CPU seconds per logical CPU and mode (/proc/stat).
#pragma once

#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// Parses the per-CPU "cpuN" lines of /proc/stat (ticks / ticks_per_second = seconds).
Result<std::vector<schema::CpuTimes>> ParseProcStat(std::string_view text, double ticks_per_second);
// The "btime" line of /proc/stat: boot time in Unix seconds.
Result<double> ParseBootTime(std::string_view text);

std::unique_ptr<Collector> NewCpuCollector();

}  // namespace wardwatch::agent
