// JSON encoding of TrafficSummary (report section network.traffic).
#include "wardwatch/traffic/summary.h"

namespace wardwatch::traffic {
namespace {

nlohmann::json CountersJson(const Counters& c) {
  return {{"in_bytes", c.in_bytes},
          {"out_bytes", c.out_bytes},
          {"in_packets", c.in_packets},
          {"out_packets", c.out_packets}};
}

}  // namespace

nlohmann::json ToJson(const TrafficSummary& s) {
  nlohmann::json j;
  j["start_unix_seconds"] = s.start_unix_seconds;
  j["end_unix_seconds"] = s.end_unix_seconds;
  j["total"] = CountersJson(s.total);
  j["not_local"] = CountersJson(s.not_local);
  auto& classes = j["classes"] = nlohmann::json::object();
  for (const auto& [name, c] : s.by_class) classes[name] = CountersJson(c);

  auto& hosts = j["hosts"] = nlohmann::json::array();
  for (const auto& h : s.top_hosts) {
    auto e = CountersJson(h.counters);
    e["address"] = h.address;
    e["class"] = h.traffic_class;
    if (!h.name.empty()) {
      e["name"] = h.name;
      e["name_source"] = h.name_source;
    }
    hosts.push_back(std::move(e));
  }
  j["hosts_other"] = CountersJson(s.other_hosts);

  auto& ports = j["ports"] = nlohmann::json::array();
  for (const auto& p : s.top_ports) {
    auto e = CountersJson(p.counters);
    e["protocol"] = p.protocol;
    e["port"] = p.port;
    ports.push_back(std::move(e));
  }
  j["ports_other"] = CountersJson(s.other_ports);

  auto& apps = j["applications"] = nlohmann::json::array();
  for (const auto& a : s.top_apps) {
    auto e = CountersJson(a.counters);
    e["name"] = a.name;
    apps.push_back(std::move(e));
  }
  j["applications_other"] = CountersJson(s.other_apps);

  j["packets_seen"] = s.packets_seen;
  j["non_ip_packets"] = s.non_ip_packets;
  j["decode_errors"] = s.decode_errors;
  j["flows"] = s.flows;
  j["flow_table_capacity"] = s.flow_table_capacity;
  j["untracked_packets"] = s.untracked_packets;
  j["names"] = {{"known", s.names_known},
                {"learned_dns", s.names_learned_dns},
                {"learned_sni", s.names_learned_sni},
                {"evicted", s.names_evicted}};
  if (s.capture) {
    j["capture"] = {{"received_packets", s.capture->received},
                    {"dropped_packets", s.capture->dropped},
                    {"interface_dropped_packets", s.capture->interface_dropped}};
  }
  return j;
}

}  // namespace wardwatch::traffic
