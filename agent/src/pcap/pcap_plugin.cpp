// libwardwatch-pcap.so's one exported symbol: the table that hands out the libpcap traffic
// collector (the rest is hidden: CXX_VISIBILITY_PRESET hidden).
#include "pcap/traffic_plugin.h"

extern "C" __attribute__((visibility("default")))
const wardwatch::agent::pcap::Api wardwatch_pcap_plugin{
    {wardwatch::agent::plugin::kInterfaceVersion, wardwatch::agent::plugin::kBuild},
    &wardwatch::agent::pcap::NewPcapTrafficCollector};
