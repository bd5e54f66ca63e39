// traffic: who uses the bandwidth — bytes by direction, class (LAN/WAN), application and
// remote service from libpcap capture (--capture-interface) or a capture file (--pcap-file).
// Built from agent/src/pcap/ when WARDWATCH_WITH_PCAP is ON; otherwise configuring capture
// reports that the agent was built without it. On Windows: collectors/traffic_windows.cpp,
// from the TCP connection table (docs/windows.md).
#pragma once

#include "collector.h"

namespace wardwatch::agent {

// Linux: does nothing (and reports no traffic section) unless capture interfaces or a file are
// set. Windows: always reports the section.
std::unique_ptr<Collector> NewTrafficCollector();

}  // namespace wardwatch::agent
