// TrafficAnalyzer: decodes packets, learns names, and aggregates bytes per flow; Summarize()
// rolls the flows up into a bounded TrafficSummary for the interval and starts a new one.
// Memory is fixed at construction: a flow table of `flow_capacity` entries, a name cache of
// `name_capacity` names and at most `max_apps` application names per interval.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wardwatch/traffic/decode.h"
#include "wardwatch/traffic/names.h"
#include "wardwatch/traffic/net.h"
#include "wardwatch/traffic/socket_table.h"
#include "wardwatch/traffic/summary.h"

namespace wardwatch::traffic {

struct AnalyzerOptions {
  AddressSet local;                   // this host's addresses (or subnets): decides direction
  std::vector<Cidr> office_subnets;   // extra LAN ranges beyond the private ones
  std::size_t top_n = 10;             // hosts, ports and applications reported per interval
  std::size_t flow_capacity = 16384;  // flows tracked per interval; more are counted as untracked
  std::size_t name_capacity = 4096;
  std::size_t max_apps = 256;    // distinct application names per interval
  int sni_packets_per_flow = 3;  // payload packets of a port-443 flow searched for SNI
  AppResolver resolver;          // optional: local socket -> application
};

class TrafficAnalyzer {
 public:
  explicit TrafficAnalyzer(AnalyzerOptions options);

  // One captured frame: `data` holds caplen bytes, `wire_len` is its length on the wire.
  void OnPacket(int link_type, double timestamp, std::span<const std::uint8_t> data,
                std::uint32_t wire_len);

  // Rolls up the interval since the last call and starts a new one. Names stay learned.
  TrafficSummary Summarize();

  NameCache& names() { return names_; }

 private:
  struct FlowKey {
    IpAddr remote, local;
    std::uint16_t remote_port = 0, local_port = 0;
    std::uint8_t proto = 0;
    friend bool operator==(const FlowKey&, const FlowKey&) = default;
  };
  struct Flow {
    FlowKey key;
    Counters counters;
    std::uint16_t app = 0;  // index into app_names_
    TrafficClass cls = TrafficClass::kWan;
    std::uint8_t sni_checks_left = 0;
    bool used = false;
  };

  // A decoded packet waiting for its flow slot: the slot is prefetched when the packet arrives
  // and updated a few packets later, so that the cache miss on a large flow table overlaps with
  // decoding the next packets instead of stalling each one.
  struct Pending {
    FlowKey key;
    std::size_t hash = 0;
    std::uint64_t bytes = 0;
    bool out = false;
    bool multicast = false;
    bool has_ports = false;
  };
  static constexpr std::size_t kPipelineDepth = 8;

  Flow* FindOrInsert(const FlowKey& key, std::size_t hash);
  std::uint16_t InternApp(std::string name);
  // Applies one packet to its flow and the totals; `tls` is the payload of a segment that
  // starts like a ClientHello (empty otherwise).
  void Apply(const Pending& p, std::span<const std::uint8_t> tls);
  void Flush();

  AnalyzerOptions options_;
  NameCache names_;
  std::vector<Flow> slots_;
  std::size_t slot_mask_ = 0;
  std::vector<std::uint32_t> used_slots_;
  std::vector<std::string> app_names_;
  std::unordered_map<std::string, std::uint16_t> app_index_;
  std::array<Pending, kPipelineDepth> pending_{};
  std::size_t pending_head_ = 0, pending_count_ = 0;

  Counters total_, not_local_, untracked_;
  std::array<Counters, kTrafficClassCount> by_class_{};
  std::array<std::uint64_t, kDecodeStatusCount> status_counts_{};
  std::uint64_t packets_seen_ = 0, untracked_packets_ = 0;
  double first_ts_ = 0, last_ts_ = 0;
};

}  // namespace wardwatch::traffic
