// Exposes network quality: link facts, Wi-Fi, TCP counters (node_exporter's names), probes,
// the LAN speed test and captured traffic (wardwatch_ names).
//
// Traffic by application and remote service arrives as per-interval deltas; they are summed
// here into counters per machine, once per report sequence, with at most kMaxKeys names per
// machine (later names add to "other"). A report that was never the latest one at a scrape
// (a burst delivered after an outage) is not counted: the counters undercount then, never
// double count.
#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "expose/expose.h"

namespace wardwatch::collector::expose {
namespace {

using Label = prometheus::ClientMetric::Label;

void Emit(const MachineContext& m, FamilySet& out, std::string_view name, std::string_view help,
          prometheus::MetricType type, std::vector<Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.label.insert(metric.label.end(), m.base_labels.begin(), m.base_labels.end());
  std::sort(metric.label.begin(), metric.label.end());
  switch (type) {
    case prometheus::MetricType::Counter:
      metric.counter.value = value;
      break;
    case prometheus::MetricType::Untyped:
      metric.untyped.value = value;
      break;
    default:
      metric.gauge.value = value;
  }
  out.Family(name, help, type).metric.push_back(std::move(metric));
}

bool ValidMetricSuffix(const std::string& key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Per-machine running sums of the traffic deltas.
constexpr std::size_t kMaxKeys = 20;

struct DirectionBytes {
  double receive = 0, transmit = 0;
};

struct MachineTraffic {
  std::uint64_t sequence = 0;
  std::map<std::string, DirectionBytes> apps, services;
};

class TrafficSums {
 public:
  // Adds the report once (by sequence) and returns a copy of the sums for rendering.
  MachineTraffic Update(const std::string& machine, std::uint64_t sequence,
                        const schema::Traffic& t) {
    std::lock_guard lock(mu_);
    auto [it, inserted] = machines_.try_emplace(machine);
    MachineTraffic& m = it->second;
    if (inserted || sequence > m.sequence) {
      m.sequence = sequence;
      Add(m.apps, t.apps);
      Add(m.services, t.remote_hosts);
    }
    return m;
  }

 private:
  static void Add(std::map<std::string, DirectionBytes>& sums,
                  const std::vector<schema::TrafficEntry>& entries) {
    for (const auto& e : entries) {
      auto it = sums.find(e.key);
      if (it == sums.end()) {
        const bool room = sums.size() < kMaxKeys - 1 || e.key == "other";
        it = sums.try_emplace(room ? e.key : "other").first;
      }
      it->second.receive += static_cast<double>(e.receive_bytes);
      it->second.transmit += static_cast<double>(e.transmit_bytes);
    }
  }

  std::mutex mu_;
  std::unordered_map<std::string, MachineTraffic> machines_;
};

TrafficSums& Sums() {
  static TrafficSums sums;
  return sums;
}

void ExposeLinks(const MachineContext& m, FamilySet& out) {
  for (const auto& nic : m.report.network.interfaces) {
    if (nic.carrier_changes) {
      m.Counter(out, "node_network_carrier_changes_total",
                "Network device statistic carrier_changes_total.", {{"device", nic.name}},
                static_cast<double>(*nic.carrier_changes));
    }
    if (nic.mtu) {
      m.Gauge(out, "node_network_mtu_bytes", "Network device property: mtu_bytes",
              {{"device", nic.name}}, *nic.mtu);
    }
    if (nic.wireless) {
      m.Gauge(out, "wardwatch_wifi_link_quality",
              "Wi-Fi link quality from /proc/net/wireless (0-70 on most drivers).",
              {{"device", nic.name}}, nic.wireless->link_quality);
      m.Gauge(out, "wardwatch_wifi_signal_dbm", "Wi-Fi signal level in dBm.",
              {{"device", nic.name}}, nic.wireless->signal_dbm);
      if (nic.wireless->noise_dbm) {
        m.Gauge(out, "wardwatch_wifi_noise_dbm", "Wi-Fi noise level in dBm.",
                {{"device", nic.name}}, *nic.wireless->noise_dbm);
      }
    }
  }
}

void ExposeNetstat(const MachineContext& m, FamilySet& out) {
  for (const auto& [key, value] : m.report.network.netstat) {
    if (!ValidMetricSuffix(key)) continue;
    const std::string name = "node_netstat_" + key;
    Emit(m, out, name, "Statistic " + key + ".", prometheus::MetricType::Untyped, {},
         static_cast<double>(value));
  }
}

void ExposeProbes(const MachineContext& m, FamilySet& out) {
  for (const auto& p : m.report.network.probes) {
    m.Counter(out, "wardwatch_probe_attempts_total", "Probe attempts since the agent started.",
              {{"target", p.name}, {"kind", p.kind}}, static_cast<double>(p.attempts_total));
    m.Counter(out, "wardwatch_probe_failures_total",
              "Failed probe attempts since the agent started.",
              {{"target", p.name}, {"kind", p.kind}}, static_cast<double>(p.failures_total));
    for (const auto& ph : p.phases) {
      using Q = std::pair<const char*, double>;
      for (const auto& [q, v] : {Q{"0.5", ph.p50}, Q{"0.95", ph.p95}, Q{"1", ph.max}}) {
        m.Gauge(out, "wardwatch_probe_duration_seconds",
                "Probe phase duration over the agent's last interval: stat 0.5 and 0.95 are "
                "quantiles, 1 the maximum.",
                {{"target", p.name}, {"phase", ph.phase}, {"stat", q}}, v);
      }
    }
  }
}

void ExposeSpeedtest(const MachineContext& m, FamilySet& out) {
  const auto& s = m.report.network.speedtest;
  if (!s || !s->error.empty()) return;
  m.Gauge(out, "wardwatch_speedtest_download_bytes_per_second",
          "LAN download rate from the collector in the last speed test.", {},
          s->download_bytes_per_second);
  m.Gauge(out, "wardwatch_speedtest_upload_bytes_per_second",
          "LAN upload rate to the collector in the last speed test.", {},
          s->upload_bytes_per_second);
  m.Gauge(out, "wardwatch_speedtest_timestamp_seconds", "When the last speed test ran.", {},
          static_cast<double>(s->at_ms) / 1000.0);
}

void ExposeTraffic(const MachineContext& m, FamilySet& out) {
  const auto& t = m.report.network.traffic;
  if (!t) return;
  for (const auto* dir : {&t->receive_bytes_total, &t->transmit_bytes_total}) {
    const char* direction = dir == &t->receive_bytes_total ? "receive" : "transmit";
    for (const auto& [cls, bytes] : *dir) {
      m.Counter(out, "wardwatch_traffic_bytes_total",
                "Captured bytes by direction and class (lan, wan, multicast).",
                {{"direction", direction}, {"class", cls}}, static_cast<double>(bytes));
    }
  }
  m.Counter(out, "wardwatch_traffic_packets_total", "Captured packets.", {},
            static_cast<double>(t->packets_total));
  m.Counter(out, "wardwatch_traffic_capture_dropped_total",
            "Packets the kernel or interface dropped before capture.", {},
            static_cast<double>(t->capture_dropped_total));
  for (const auto& [reason, n] : t->decode_errors_total) {
    m.Counter(out, "wardwatch_traffic_decode_errors_total",
              "Captured packets skipped as truncated or malformed, by reason.",
              {{"reason", reason}}, static_cast<double>(n));
  }
  m.Gauge(out, "wardwatch_traffic_capture_up",
          "1 if the agent is capturing traffic, 0 if capture failed (see the report).", {},
          t->capture_error.empty() ? 1 : 0);
  const MachineTraffic sums = Sums().Update(m.report.machine_id, m.report.sequence, *t);
  for (const auto& [app, b] : sums.apps) {
    m.Counter(out, "wardwatch_traffic_app_bytes_total", "Captured bytes by application.",
              {{"app", app}, {"direction", "receive"}}, b.receive);
    m.Counter(out, "wardwatch_traffic_app_bytes_total", "Captured bytes by application.",
              {{"app", app}, {"direction", "transmit"}}, b.transmit);
  }
  for (const auto& [service, b] : sums.services) {
    m.Counter(out, "wardwatch_traffic_remote_bytes_total",
              "Captured bytes by remote service (DNS/SNI name, else address).",
              {{"service", service}, {"direction", "receive"}}, b.receive);
    m.Counter(out, "wardwatch_traffic_remote_bytes_total",
              "Captured bytes by remote service (DNS/SNI name, else address).",
              {{"service", service}, {"direction", "transmit"}}, b.transmit);
  }
}

}  // namespace

void ExposeNetworkQuality(const MachineContext& m, FamilySet& out) {
  ExposeLinks(m, out);
  ExposeNetstat(m, out);
  ExposeProbes(m, out);
  ExposeSpeedtest(m, out);
  ExposeTraffic(m, out);
}

}  // namespace wardwatch::collector::expose
