// os: kernel (uname), distribution (/etc/os-release), boot time.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// Parses os-release(5): KEY=value lines, values optionally quoted with shell escapes.
Result<std::map<std::string, std::string>> ParseOsRelease(std::string_view text);

std::unique_ptr<Collector> NewOsCollector();

}  // namespace wardwatch::agent
