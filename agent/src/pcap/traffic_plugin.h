// The interface between the agent and libwardwatch-pcap.so, the plugin that holds the libpcap
// traffic collector (traffic_collector_pcap.cpp, wardwatch::traffic): the agent loads it only
// when capture is configured (traffic_collector_loader_linux.cpp), so an agent without
// --capture-interface or --pcap-file never maps libpcap and its dependencies.
#pragma once

#include <memory>

#include "collector.h"
#include "plugin/plugin_api.h"

namespace wardwatch::agent::pcap {

// The libpcap traffic collector itself (in the plugin; tests may link it directly).
std::unique_ptr<Collector> NewPcapTrafficCollector();

// libwardwatch-pcap.so's table, exported as kSymbol.
struct Api {
  plugin::Header header;
  std::unique_ptr<Collector> (*new_collector)();
};
inline constexpr const char* kFile = "libwardwatch-pcap.so";
inline constexpr const char* kSymbol = "wardwatch_pcap_plugin";

}  // namespace wardwatch::agent::pcap
