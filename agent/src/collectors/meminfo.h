// meminfo: memory and swap sizes (/proc/meminfo).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// Returns bytes per field, with node_exporter's key form ("Active(anon)" -> "Active_anon").
// Fields without a kB unit (HugePages_Total, ...) are counts and are left out.
Result<std::map<std::string, std::uint64_t>> ParseMeminfo(std::string_view text);

std::unique_ptr<Collector> NewMeminfoCollector();

}  // namespace wardwatch::agent
