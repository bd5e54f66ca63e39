// Per-packet path (decode, direction, flow lookup) and the per-interval top-N roll-up.
#include "wardwatch/traffic/analyzer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <tuple>

namespace wardwatch::traffic {
namespace {

constexpr std::uint16_t kUnknownApp = 0;
constexpr std::uint16_t kOtherApp = 1;

inline std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h;
}

inline std::uint64_t Load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline bool SameAddr(const IpAddr& a, const IpAddr& b) {
  return Load64(a.bytes.data()) == Load64(b.bytes.data()) &&
         Load64(a.bytes.data() + 8) == Load64(b.bytes.data() + 8) && a.family == b.family;
}

std::string_view ProtoName(std::uint8_t proto) {
  switch (proto) {
    case kProtoTcp:
      return "tcp";
    case kProtoUdp:
      return "udp";
    case 1:
      return "icmp";
    case 58:
      return "icmpv6";
    default:
      return "ip";
  }
}

template <typename T, typename Key>
void TopN(std::vector<T>& items, std::size_t n, Counters& other, Key key) {
  auto by_bytes = [&](const T& a, const T& b) {
    if (a.counters.total_bytes() != b.counters.total_bytes()) {
      return a.counters.total_bytes() > b.counters.total_bytes();
    }
    return key(a) < key(b);  // deterministic order for equal traffic
  };
  std::sort(items.begin(), items.end(), by_bytes);
  for (std::size_t i = n; i < items.size(); ++i) other.Add(items[i].counters);
  if (items.size() > n) items.resize(n);
}

}  // namespace

namespace {
template <typename Key>
inline bool SameKey(const Key& a, const Key& b) {
  return a.remote_port == b.remote_port && a.local_port == b.local_port && a.proto == b.proto &&
         SameAddr(a.remote, b.remote) && SameAddr(a.local, b.local);
}
}  // namespace

TrafficAnalyzer::TrafficAnalyzer(AnalyzerOptions options)
    : options_(std::move(options)), names_(options_.name_capacity) {
  if (options_.flow_capacity == 0) options_.flow_capacity = 1;
  // At most half the slots in use keeps linear probing short.
  std::size_t slots = std::bit_ceil(options_.flow_capacity * 2);
  slots_.resize(slots);
  slot_mask_ = slots - 1;
  used_slots_.reserve(options_.flow_capacity);
  if (options_.max_apps < 2) options_.max_apps = 2;
  InternApp("unknown");
  InternApp("other");
}

std::uint16_t TrafficAnalyzer::InternApp(std::string name) {
  auto it = app_index_.find(name);
  if (it != app_index_.end()) return it->second;
  if (app_names_.size() >= options_.max_apps) return kOtherApp;
  auto idx = static_cast<std::uint16_t>(app_names_.size());
  app_names_.push_back(name);
  app_index_.emplace(std::move(name), idx);
  return idx;
}

TrafficAnalyzer::Flow* TrafficAnalyzer::FindOrInsert(const FlowKey& key, std::size_t hash) {
  for (std::size_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
    Flow& f = slots_[i];
    if (!f.used) {
      if (used_slots_.size() >= options_.flow_capacity) return nullptr;
      f.used = true;
      f.key = key;
      f.counters = {};
      used_slots_.push_back(static_cast<std::uint32_t>(i));
      return &f;
    }
    if (SameKey(f.key, key)) return &f;
  }
}

void TrafficAnalyzer::OnPacket(int link_type, double timestamp, std::span<const std::uint8_t> data,
                               std::uint32_t wire_len) {
  if (packets_seen_++ == 0) first_ts_ = timestamp;
  last_ts_ = timestamp;
  DecodedPacket p;
  DecodeStatus st = DecodePacket(data, wire_len, link_type, p);
  if (st != DecodeStatus::kOk) {
    ++status_counts_[static_cast<std::size_t>(st)];
    return;
  }
  const std::uint64_t bytes = wire_len < data.size() ? data.size() : wire_len;
  // DNS answers teach names whoever they are addressed to.
  if (p.ip_proto == kProtoUdp && p.src_port == 53 && !p.payload.empty()) {
    auto answers = ParseDnsResponse(p.payload);
    if (answers) {
      for (auto& a : *answers) names_.Learn(a.address, std::move(a.name), NameSource::kDns);
    }
  }
  Pending e;
  e.bytes = bytes;
  e.has_ports = p.has_ports;
  e.multicast = IsMulticastOrBroadcast(p.dst) || p.link_broadcast;
  if (options_.local.Contains(p.src)) {
    e.out = true;
  } else if (options_.local.Contains(p.dst) || e.multicast) {
    e.out = false;  // addressed to us, or a broadcast/multicast we received
  } else {
    not_local_.AddIn(bytes);
    return;
  }
  FlowKey& key = e.key;
  key.proto = p.ip_proto;
  if (e.out) {
    key.local = p.src;
    key.remote = p.dst;
    key.local_port = p.src_port;
    key.remote_port = p.dst_port;
  } else {
    key.local = p.dst;
    key.remote = p.src;
    key.local_port = p.dst_port;
    key.remote_port = p.src_port;
  }
  std::uint64_t h = Load64(key.remote.bytes.data()) * 0x9E3779B97F4A7C15ULL ^
                    Load64(key.remote.bytes.data() + 8) * 0xC2B2AE3D27D4EB4FULL ^
                    Load64(key.local.bytes.data()) * 0x165667B19E3779F9ULL ^
                    Load64(key.local.bytes.data() + 8) ^
                    ((static_cast<std::uint64_t>(key.remote_port) << 32) |
                     (static_cast<std::uint64_t>(key.local_port) << 16) |
                     (static_cast<std::uint64_t>(key.proto) << 8) | key.remote.family);
  e.hash = static_cast<std::size_t>(Mix(h));

  // A segment to port 443 starting with a TLS handshake record may be a ClientHello: those are
  // rare (one per connection), so they skip the pipeline and see their flow's state at once.
  if (p.ip_proto == kProtoTcp && p.dst_port == 443 && p.payload.size() > 5 && p.payload[0] == 22 &&
      p.payload[1] == 3 && p.payload[5] == 1) {
    Flush();
    Apply(e, p.payload);
    return;
  }
  __builtin_prefetch(&slots_[e.hash & slot_mask_], 1);
  if (pending_count_ == kPipelineDepth) {
    Apply(pending_[pending_head_], {});
    pending_[pending_head_] = e;
    pending_head_ = (pending_head_ + 1) % kPipelineDepth;
  } else {
    pending_[(pending_head_ + pending_count_) % kPipelineDepth] = e;
    ++pending_count_;
  }
}

void TrafficAnalyzer::Flush() {
  for (; pending_count_ > 0; --pending_count_) {
    Apply(pending_[pending_head_], {});
    pending_head_ = (pending_head_ + 1) % kPipelineDepth;
  }
  pending_head_ = 0;
}

void TrafficAnalyzer::Apply(const Pending& e, std::span<const std::uint8_t> tls) {
  const FlowKey& key = e.key;
  Flow* flow = FindOrInsert(key, e.hash);
  TrafficClass cls;
  if (flow != nullptr) {
    if (flow->counters.in_packets + flow->counters.out_packets == 0) {
      flow->cls =
          e.multicast ? TrafficClass::kMulticast : Classify(key.remote, options_.office_subnets);
      flow->app = kUnknownApp;
      if (options_.resolver && e.has_ports) {
        auto name = options_.resolver(key.proto, key.local, key.local_port);
        if (!name.empty()) flow->app = InternApp(std::move(name));
      }
      flow->sni_checks_left = static_cast<std::uint8_t>(options_.sni_packets_per_flow);
    }
    cls = flow->cls;
    if (e.out) {
      flow->counters.AddOut(e.bytes);
    } else {
      flow->counters.AddIn(e.bytes);
    }
    // Only our own ClientHellos name a remote service (a server here would learn its own name).
    if (!tls.empty() && e.out && flow->sni_checks_left > 0) {
      --flow->sni_checks_left;
      if (auto sni = ParseTlsClientHelloSni(tls)) {
        flow->sni_checks_left = 0;
        names_.Learn(key.remote, std::move(*sni), NameSource::kSni);
      }
    }
  } else {
    cls = e.multicast ? TrafficClass::kMulticast : Classify(key.remote, options_.office_subnets);
    ++untracked_packets_;
    if (e.out) {
      untracked_.AddOut(e.bytes);
    } else {
      untracked_.AddIn(e.bytes);
    }
  }
  if (e.out) {
    total_.AddOut(e.bytes);
    by_class_[static_cast<std::size_t>(cls)].AddOut(e.bytes);
  } else {
    total_.AddIn(e.bytes);
    by_class_[static_cast<std::size_t>(cls)].AddIn(e.bytes);
  }
}

TrafficSummary TrafficAnalyzer::Summarize() {
  Flush();
  TrafficSummary s;
  s.start_unix_seconds = first_ts_;
  s.end_unix_seconds = last_ts_;
  s.total = total_;
  s.not_local = not_local_;
  for (int c = 0; c < kTrafficClassCount; ++c) {
    s.by_class[std::string(TrafficClassName(static_cast<TrafficClass>(c)))] =
        by_class_[static_cast<std::size_t>(c)];
  }
  s.packets_seen = packets_seen_;
  s.non_ip_packets = status_counts_[static_cast<std::size_t>(DecodeStatus::kNotIp)];
  for (int i = 0; i < kDecodeStatusCount; ++i) {
    auto st = static_cast<DecodeStatus>(i);
    if (st == DecodeStatus::kOk || st == DecodeStatus::kNotIp) continue;
    if (status_counts_[static_cast<std::size_t>(i)] != 0) {
      s.decode_errors[std::string(DecodeStatusName(st))] =
          status_counts_[static_cast<std::size_t>(i)];
    }
  }

  // Roll the flows up by host, port and application (bounded by the flow table).
  std::unordered_map<IpAddr, HostUsage, IpAddrHash> hosts;
  std::unordered_map<std::uint32_t, PortUsage> ports;
  std::vector<AppUsage> apps(app_names_.size());
  for (std::size_t i = 0; i < apps.size(); ++i) apps[i].name = app_names_[i];
  for (auto idx : used_slots_) {
    const Flow& f = slots_[idx];
    auto& h = hosts[f.key.remote];
    if (h.address.empty()) {
      h.address = FormatIpAddr(f.key.remote);
      h.traffic_class = std::string(TrafficClassName(f.cls));
    }
    h.counters.Add(f.counters);
    auto& port = ports[(static_cast<std::uint32_t>(f.key.proto) << 16) | f.key.remote_port];
    port.protocol = std::string(ProtoName(f.key.proto));
    port.port = f.key.remote_port;
    port.counters.Add(f.counters);
    apps[f.app].counters.Add(f.counters);
  }
  s.flows = used_slots_.size();
  s.flow_table_capacity = options_.flow_capacity;
  s.untracked_packets = untracked_packets_;

  s.top_hosts.reserve(hosts.size());
  for (auto& [addr, h] : hosts) s.top_hosts.push_back(std::move(h));
  s.other_hosts = untracked_;
  TopN(s.top_hosts, options_.top_n, s.other_hosts, [](const HostUsage& h) { return h.address; });
  for (auto& h : s.top_hosts) {
    auto addr = ParseIpAddr(h.address);
    if (!addr) continue;
    if (const LearnedName* n = names_.Find(*addr)) {
      h.name = n->name;
      h.name_source = std::string(NameSourceName(n->source));
    }
  }

  for (auto& [k, p] : ports) s.top_ports.push_back(std::move(p));
  s.other_ports = untracked_;
  TopN(s.top_ports, options_.top_n, s.other_ports,
       [](const PortUsage& p) { return std::tie(p.protocol, p.port); });

  // "other" (apps beyond max_apps) always goes to the other bucket; unknown competes for top-N.
  s.other_apps = untracked_;
  s.other_apps.Add(apps[kOtherApp].counters);
  apps.erase(apps.begin() + kOtherApp);
  std::erase_if(apps, [](const AppUsage& a) { return a.counters.total_bytes() == 0; });
  s.top_apps = std::move(apps);
  TopN(s.top_apps, options_.top_n, s.other_apps, [](const AppUsage& a) { return a.name; });

  s.names_known = names_.size();
  s.names_learned_dns = names_.learned_dns();
  s.names_learned_sni = names_.learned_sni();
  s.names_evicted = names_.evictions();

  // Start the next interval.
  for (auto idx : used_slots_) slots_[idx].used = false;
  used_slots_.clear();
  app_names_.resize(2);
  app_index_.clear();
  app_index_.emplace(app_names_[0], kUnknownApp);
  app_index_.emplace(app_names_[1], kOtherApp);
  total_ = not_local_ = untracked_ = {};
  by_class_ = {};
  status_counts_ = {};
  packets_seen_ = untracked_packets_ = 0;
  return s;
}

}  // namespace wardwatch::traffic
