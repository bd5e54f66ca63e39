// Report section for networking: interface counters and link facts, TCP health, gateway and
// DNS, active probes, LAN speed test, and captured traffic by class, application and service.
// Field lists are in Visit() for the JSON codec.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct Wireless {
  double link_quality = 0;  // /proc/net/wireless "link" (0..70 on most drivers)
  double signal_dbm = 0;
  std::optional<double> noise_dbm;
};

struct NetInterface {
  std::string name;
  std::uint64_t receive_bytes = 0, receive_packets = 0, receive_errs = 0, receive_drop = 0;
  std::uint64_t transmit_bytes = 0, transmit_packets = 0, transmit_errs = 0, transmit_drop = 0;
  std::optional<std::uint64_t> speed_bytes;  // negotiated link speed in bytes/s; absent if unknown
  std::string operstate;                     // up, down, unknown, ...
  std::uint32_t type = 0;                    // ARPHRD_* (1 = ethernet, 772 = loopback)
  std::string address;                       // MAC address, when known
  std::string duplex;                        // full, half, unknown ("" when not exposed)
  std::optional<std::uint64_t> carrier_changes;
  std::optional<std::uint32_t> mtu;
  std::optional<Wireless> wireless;
};

// Latency of one probe phase over the report interval (seconds).
struct ProbePhase {
  std::string phase;  // dns, connect, tls, first_byte, total
  std::uint64_t count = 0;
  double p50 = 0, p95 = 0, max = 0, sum = 0;
};

struct ProbeTarget {
  std::string name;  // short, bounded label: "collector", "portal", "gateway", "dns"
  std::string kind;  // http, tcp, dns
  std::string url;   // what was probed
  std::uint64_t attempts_total = 0, failures_total = 0;  // cumulative since agent start
  std::uint64_t attempts = 0, failures = 0;              // in this interval
  std::vector<ProbePhase> phases;                        // this interval
  std::string last_error;
};

struct SpeedTest {
  std::uint64_t at_ms = 0;
  std::string target;
  double download_bytes_per_second = 0, upload_bytes_per_second = 0;
  std::uint64_t bytes = 0;
  std::string error;
};

// Bytes and packets by one key in this interval (deltas, not cumulative).
struct TrafficEntry {
  std::string key;  // application name, remote service name or address, "tcp/443", "other"
  std::string traffic_class;  // lan, wan, multicast, loopback (hosts and ports only)
  std::uint64_t receive_bytes = 0, transmit_bytes = 0;
  std::uint64_t receive_packets = 0, transmit_packets = 0;
  // TCP connections open during the interval (the Windows agent, from its connection table;
  // absent from libpcap captures, which count packets, not connections).
  std::optional<std::uint64_t> connections;
};

struct Traffic {
  double interval_seconds = 0;
  std::string source;  // "live:eth0", "file:capture.pcap"
  // Cumulative since capture start, by class: key "<class>" (lan, wan, multicast, loopback).
  std::map<std::string, std::uint64_t> receive_bytes_total, transmit_bytes_total;
  std::vector<TrafficEntry> apps, remote_hosts, ports;       // top-N of this interval plus "other"
  std::map<std::string, std::uint64_t> decode_errors_total;  // by reason
  std::uint64_t packets_total = 0, capture_dropped_total = 0, names_learned_total = 0;
  std::string capture_error;  // e.g. no permission: interface counters and probes still run
};

struct NetworkSection {
  std::vector<NetInterface> interfaces;
  // /proc/net/snmp + netstat in node_exporter's form: "Tcp_RetransSegs", "TcpExt_ListenDrops".
  std::map<std::string, std::uint64_t> netstat;
  std::vector<std::string> default_gateways;
  std::vector<std::string> dns_servers;
  std::vector<ProbeTarget> probes;
  std::optional<SpeedTest> speedtest;
  std::optional<Traffic> traffic;
};

nlohmann::json EncodeNetwork(const NetworkSection& s);
void DecodeNetwork(json::Object& o, NetworkSection& s);

template <class V>
void Visit(V& v, Wireless& w) {
  v("link_quality", w.link_quality);
  v("signal_dbm", w.signal_dbm);
  v("noise_dbm", w.noise_dbm);
}

template <class V>
void Visit(V& v, NetInterface& i) {
  v("name", i.name, true);
  v("receive_bytes", i.receive_bytes, true);
  v("receive_packets", i.receive_packets);
  v("receive_errs", i.receive_errs);
  v("receive_drop", i.receive_drop);
  v("transmit_bytes", i.transmit_bytes, true);
  v("transmit_packets", i.transmit_packets);
  v("transmit_errs", i.transmit_errs);
  v("transmit_drop", i.transmit_drop);
  v("speed_bytes", i.speed_bytes);
  v("operstate", i.operstate);
  v("type", i.type);
  v("address", i.address);
  v("duplex", i.duplex);
  v("carrier_changes", i.carrier_changes);
  v("mtu", i.mtu);
  v("wireless", i.wireless);
}

template <class V>
void Visit(V& v, ProbePhase& p) {
  v("phase", p.phase, true);
  v("count", p.count);
  v("p50", p.p50);
  v("p95", p.p95);
  v("max", p.max);
  v("sum", p.sum);
}

template <class V>
void Visit(V& v, ProbeTarget& t) {
  v("name", t.name, true);
  v("kind", t.kind);
  v("url", t.url);
  v("attempts_total", t.attempts_total);
  v("failures_total", t.failures_total);
  v("attempts", t.attempts);
  v("failures", t.failures);
  v("phases", t.phases);
  v("last_error", t.last_error);
}

template <class V>
void Visit(V& v, SpeedTest& s) {
  v("at_ms", s.at_ms);
  v("target", s.target);
  v("download_bytes_per_second", s.download_bytes_per_second);
  v("upload_bytes_per_second", s.upload_bytes_per_second);
  v("bytes", s.bytes);
  v("error", s.error);
}

template <class V>
void Visit(V& v, TrafficEntry& e) {
  v("key", e.key, true);
  v("class", e.traffic_class);
  v("receive_bytes", e.receive_bytes);
  v("transmit_bytes", e.transmit_bytes);
  v("receive_packets", e.receive_packets);
  v("transmit_packets", e.transmit_packets);
  v("connections", e.connections);
}

template <class V>
void Visit(V& v, Traffic& t) {
  v("interval_seconds", t.interval_seconds);
  v("source", t.source);
  v("receive_bytes_total", t.receive_bytes_total);
  v("transmit_bytes_total", t.transmit_bytes_total);
  v("apps", t.apps);
  v("remote_hosts", t.remote_hosts);
  v("ports", t.ports);
  v("decode_errors_total", t.decode_errors_total);
  v("packets_total", t.packets_total);
  v("capture_dropped_total", t.capture_dropped_total);
  v("names_learned_total", t.names_learned_total);
  v("capture_error", t.capture_error);
}

template <class V>
void Visit(V& v, NetworkSection& n) {
  v("interfaces", n.interfaces);
  v("netstat", n.netstat);
  v("default_gateways", n.default_gateways);
  v("dns_servers", n.dns_servers);
  v("probes", n.probes);
  v("speedtest", n.speedtest);
  v("traffic", n.traffic);
}

}  // namespace wardwatch::schema
