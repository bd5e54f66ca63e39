// TrafficSummary -> schema::Traffic.
#include "pcap/traffic_convert.h"

namespace wardwatch::agent {
namespace {

schema::TrafficEntry Entry(std::string key, std::string cls, const traffic::Counters& c) {
  schema::TrafficEntry e;
  e.key = std::move(key);
  e.traffic_class = std::move(cls);
  e.receive_bytes = c.in_bytes;
  e.transmit_bytes = c.out_bytes;
  e.receive_packets = c.in_packets;
  e.transmit_packets = c.out_packets;
  return e;
}

void AddOther(std::vector<schema::TrafficEntry>& v, const traffic::Counters& other) {
  if (other.in_packets + other.out_packets > 0) v.push_back(Entry("other", "", other));
}

}  // namespace

schema::Traffic TrafficAccumulator::Add(const traffic::TrafficSummary& s,
                                        const std::string& source) {
  schema::Traffic t;
  t.interval_seconds = std::max(0.0, s.end_unix_seconds - s.start_unix_seconds);
  t.source = source;
  for (const auto& [cls, c] : s.by_class) {
    rx_[cls] += c.in_bytes;
    tx_[cls] += c.out_bytes;
  }
  for (const auto& [reason, n] : s.decode_errors) decode_errors_[reason] += n;
  packets_ += s.packets_seen;
  names_learned_ += s.names_learned_dns + s.names_learned_sni;
  t.receive_bytes_total = rx_;
  t.transmit_bytes_total = tx_;
  t.decode_errors_total = decode_errors_;
  t.packets_total = packets_;
  t.names_learned_total = names_learned_;
  if (s.capture) t.capture_dropped_total = s.capture->dropped + s.capture->interface_dropped;
  for (const auto& a : s.top_apps) t.apps.push_back(Entry(a.name, "", a.counters));
  AddOther(t.apps, s.other_apps);
  for (const auto& h : s.top_hosts) {
    t.remote_hosts.push_back(
        Entry(h.name.empty() ? h.address : h.name, h.traffic_class, h.counters));
  }
  AddOther(t.remote_hosts, s.other_hosts);
  for (const auto& p : s.top_ports) {
    t.ports.push_back(Entry(p.protocol + "/" + std::to_string(p.port), "", p.counters));
  }
  AddOther(t.ports, s.other_ports);
  return t;
}

}  // namespace wardwatch::agent
