// Exposes network interface counters and link facts with node_exporter's names.
#include "expose/expose.h"

namespace wardwatch::collector::expose {

void ExposeNetwork(const MachineContext& m, FamilySet& out) {
  struct CounterField {
    const char* name;
    const char* help;
    std::uint64_t schema::NetInterface::*field;
  };
  static constexpr CounterField kCounters[] = {
      {"node_network_receive_bytes_total", "Network device statistic receive_bytes.",
       &schema::NetInterface::receive_bytes},
      {"node_network_receive_packets_total", "Network device statistic receive_packets.",
       &schema::NetInterface::receive_packets},
      {"node_network_receive_errs_total", "Network device statistic receive_errs.",
       &schema::NetInterface::receive_errs},
      {"node_network_receive_drop_total", "Network device statistic receive_drop.",
       &schema::NetInterface::receive_drop},
      {"node_network_transmit_bytes_total", "Network device statistic transmit_bytes.",
       &schema::NetInterface::transmit_bytes},
      {"node_network_transmit_packets_total", "Network device statistic transmit_packets.",
       &schema::NetInterface::transmit_packets},
      {"node_network_transmit_errs_total", "Network device statistic transmit_errs.",
       &schema::NetInterface::transmit_errs},
      {"node_network_transmit_drop_total", "Network device statistic transmit_drop.",
       &schema::NetInterface::transmit_drop},
  };
  for (const auto& c : kCounters) {
    for (const auto& nic : m.report.network.interfaces) {
      m.Counter(out, c.name, c.help, {{"device", nic.name}}, static_cast<double>(nic.*c.field));
    }
  }
  for (const auto& nic : m.report.network.interfaces) {
    if (nic.speed_bytes) {
      m.Gauge(out, "node_network_speed_bytes", "Network device property: speed_bytes",
              {{"device", nic.name}}, static_cast<double>(*nic.speed_bytes));
    }
    m.Gauge(out, "node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.",
            {{"device", nic.name}}, nic.operstate == "up" ? 1 : 0);
    m.Gauge(out, "node_network_info",
            "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
            {{"device", nic.name},
             {"address", nic.address},
             {"operstate", nic.operstate},
             {"duplex", nic.duplex}},
            1);
  }
}

}  // namespace wardwatch::collector::expose
