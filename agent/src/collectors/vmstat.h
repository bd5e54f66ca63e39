// vmstat: swap-in/out and major page faults from /proc/vmstat.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// The /proc/vmstat keys the agent keeps: the signs that users wait on swap and disk.
inline constexpr std::string_view kVmstatKeys[] = {"pswpin", "pswpout", "pgmajfault",
                                                   "pgpgin", "pgpgout", "oom_kill"};

// Parses "name value" lines, keeping only kVmstatKeys.
Result<std::map<std::string, std::uint64_t>> ParseVmstat(std::string_view text);

std::unique_ptr<Collector> NewVmstatCollector();

}  // namespace wardwatch::agent
