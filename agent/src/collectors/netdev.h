// netdev: per-interface counters (/proc/net/dev) and link facts (/sys/class/net/*).
#pragma once

#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// Parses /proc/net/dev into interfaces with counters filled in (link facts left empty).
Result<std::vector<schema::NetInterface>> ParseNetDev(std::string_view text);

std::unique_ptr<Collector> NewNetdevCollector();

}  // namespace wardwatch::agent
