// TrafficSummary: what the traffic analysis reports for one interval (report section
// `network.traffic`), and its JSON encoding.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wardwatch::traffic {

// Bytes are frame lengths on the wire (pcap's len, link header included, as interface counters
// count them), whatever the snaplen.
struct Counters {
  std::uint64_t in_bytes = 0, out_bytes = 0, in_packets = 0, out_packets = 0;
  void AddIn(std::uint64_t bytes) {
    in_bytes += bytes;
    ++in_packets;
  }
  void AddOut(std::uint64_t bytes) {
    out_bytes += bytes;
    ++out_packets;
  }
  void Add(const Counters& o) {
    in_bytes += o.in_bytes;
    out_bytes += o.out_bytes;
    in_packets += o.in_packets;
    out_packets += o.out_packets;
  }
  std::uint64_t total_bytes() const { return in_bytes + out_bytes; }
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct HostUsage {
  std::string address;
  std::string name;           // learned from DNS or TLS SNI; empty if none
  std::string name_source;    // "dns", "sni" or empty
  std::string traffic_class;  // lan, wan, multicast
  Counters counters;
};

struct PortUsage {
  std::string protocol;    // tcp, udp
  std::uint16_t port = 0;  // the remote port (the service for outgoing connections)
  Counters counters;
};

struct AppUsage {
  std::string name;  // process name; "unknown" when no socket owner was found
  Counters counters;
};

struct CaptureStats {
  // Cumulative since the capture opened (pcap_stats), summed over interfaces.
  std::uint64_t received = 0, dropped = 0, interface_dropped = 0;
};

struct TrafficSummary {
  double start_unix_seconds = 0, end_unix_seconds = 0;

  Counters total;      // packets with a local end, by direction
  Counters not_local;  // neither end local (seen in promiscuous mode / on a mirror port):
                       // counted as "in"
  std::map<std::string, Counters> by_class;  // lan, wan, multicast (all three always present)

  std::vector<HostUsage> top_hosts;  // by total bytes, at most top_n
  Counters other_hosts;
  std::vector<PortUsage> top_ports;
  Counters other_ports;
  std::vector<AppUsage> top_apps;
  Counters other_apps;

  std::uint64_t packets_seen = 0;
  std::uint64_t non_ip_packets = 0;
  std::map<std::string, std::uint64_t> decode_errors;  // reason -> packets (nonzero only)

  // Bounds: flows that did not fit the flow table are still counted in totals/classes, but in
  // "other" for hosts, ports and applications.
  std::uint64_t flows = 0, flow_table_capacity = 0, untracked_packets = 0;
  std::uint64_t names_known = 0, names_learned_dns = 0, names_learned_sni = 0, names_evicted = 0;

  std::optional<CaptureStats> capture;  // absent for offline files
};

nlohmann::json ToJson(const TrafficSummary& s);

}  // namespace wardwatch::traffic
