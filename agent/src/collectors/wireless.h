// wireless: Wi-Fi link quality, signal and noise per interface (/proc/net/wireless).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

// Parses /proc/net/wireless. Levels the driver prints as unsigned (e.g. 200) are converted to
// dBm (200 - 256 = -56); a noise of -256 or 0 means "not measured" and is left out.
Result<std::map<std::string, schema::Wireless>> ParseWireless(std::string_view text);

std::unique_ptr<Collector> NewWirelessCollector();

}  // namespace wardwatch::agent
