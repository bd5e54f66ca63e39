// Connection-table samples -> per-interval network.traffic (see the header).
#include "collectors/tcp_traffic.h"

#include <algorithm>
#include <cstring>

namespace wardwatch::agent {
namespace {

constexpr std::uint32_t kSynSent = 3, kLastAck = 10;
// Win32 error codes (winerror.h), spelled out so that this file builds on Linux.
constexpr std::uint32_t kErrorAccessDenied = 5, kErrorInvalidFunction = 1, kErrorNotSupported = 50,
                        kErrorCallNotImplemented = 120;

winconv::TcpDataStats Minus(const winconv::TcpDataStats& a, const winconv::TcpDataStats& b) {
  return {a.bytes_out - b.bytes_out,       a.segs_out - b.segs_out,
          a.bytes_in - b.bytes_in,         a.segs_in - b.segs_in,
          a.all_segs_out - b.all_segs_out, a.all_segs_in - b.all_segs_in};
}

bool NoneBelow(const winconv::TcpDataStats& now, const winconv::TcpDataStats& before) {
  return now.bytes_out >= before.bytes_out && now.segs_out >= before.segs_out &&
         now.bytes_in >= before.bytes_in && now.segs_in >= before.segs_in &&
         now.all_segs_out >= before.all_segs_out && now.all_segs_in >= before.all_segs_in;
}

void AddStats(winconv::TcpDataStats& to, const winconv::TcpDataStats& d) {
  to.bytes_out += d.bytes_out;
  to.segs_out += d.segs_out;
  to.bytes_in += d.bytes_in;
  to.segs_in += d.segs_in;
  to.all_segs_out += d.all_segs_out;
  to.all_segs_in += d.all_segs_in;
}

bool IsLoopback(const traffic::IpAddr& a) {
  if (a.family == 4) return a.bytes[0] == 127;
  static constexpr std::uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return a.family == 6 && std::memcmp(a.bytes.data(), kLoopback6, 16) == 0;
}

bool IsUnspecified(const traffic::IpAddr& a) {
  const std::size_t n = a.family == 4 ? 4 : 16;
  return std::all_of(a.bytes.begin(), a.bytes.begin() + static_cast<std::ptrdiff_t>(n),
                     [](std::uint8_t b) { return b == 0; });
}

}  // namespace

traffic::IpAddr Unmapped(const traffic::IpAddr& a) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (a.family == 6 && std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
    return traffic::IpAddr::V4(a.bytes.data() + 12);
  }
  return a;
}

TcpConnectionSample SampleOf(const winconv::TcpOwnerRow& row) {
  // The addresses are in network byte order in memory: their bytes are the octets in order.
  std::uint8_t local[4], remote[4];
  std::memcpy(local, &row.local_addr, 4);
  std::memcpy(remote, &row.remote_addr, 4);
  TcpConnectionSample c;
  c.local = traffic::IpAddr::V4(local);
  c.remote = traffic::IpAddr::V4(remote);
  c.local_port = row.local_port;
  c.remote_port = row.remote_port;
  c.state = row.state;
  c.pid = row.pid;
  return c;
}

TcpConnectionSample SampleOf(const winconv::TcpOwnerRow6& row) {
  TcpConnectionSample c;
  c.local = Unmapped(traffic::IpAddr::V6(row.local_addr.data()));
  c.remote = Unmapped(traffic::IpAddr::V6(row.remote_addr.data()));
  c.local_port = row.local_port;
  c.remote_port = row.remote_port;
  c.state = row.state;
  c.pid = row.pid;
  return c;
}

bool CountsAsTraffic(const TcpConnectionSample& c) {
  return c.state >= kSynSent && c.state <= kLastAck && c.remote.family != 0 &&
         !IsLoopback(c.remote) && !IsUnspecified(c.remote);
}

EstatsVerdict ClassifyEstatsError(std::uint32_t e) {
  if (e == 0) return EstatsVerdict::kAvailable;
  if (e == kErrorAccessDenied) return EstatsVerdict::kNeedsAdministrator;
  if (e == kErrorNotSupported || e == kErrorCallNotImplemented || e == kErrorInvalidFunction) {
    return EstatsVerdict::kNotImplemented;
  }
  return EstatsVerdict::kThisConnection;
}

void TcpTrafficMeter::Usage::Add(const Usage& o) {
  AddStats(delta, o.delta);
  connections += o.connections;
}

TcpTrafficMeter::Key TcpTrafficMeter::KeyOf(const TcpConnectionSample& c) {
  Key k;
  k.local = c.local.bytes;
  k.remote = c.remote.bytes;
  k.family = c.remote.family;
  k.local_port = c.local_port;
  k.remote_port = c.remote_port;
  return k;
}

bool TcpTrafficMeter::IsNew(const TcpConnectionSample& c) const {
  auto it = tracked_.find(KeyOf(c));
  return it == tracked_.end() || it->second.pid != c.pid;
}

void TcpTrafficMeter::Observe(double now, std::span<const TcpConnectionSample> snapshot,
                              const std::map<std::uint32_t, std::string>& app_of_pid) {
  if (!interval_start_) interval_start_ = now;
  std::map<Key, Tracked> seen;
  untracked_ = 0;
  for (const auto& c : snapshot) {
    if (!CountsAsTraffic(c)) continue;
    const Key key = KeyOf(c);
    if (seen.contains(key)) continue;  // listed twice (a v4-mapped row of the IPv6 table)
    if (seen.size() >= options_.max_connections) {
      ++untracked_;
      continue;
    }
    winconv::TcpDataStats delta;
    auto before = tracked_.find(key);
    Tracked& now_tracked = seen[key];
    now_tracked.pid = c.pid;
    now_tracked.last = c.stats;
    if (before != tracked_.end() && before->second.pid == c.pid) {
      const auto& last = before->second.last;
      if (c.stats && last) {
        delta = NoneBelow(*c.stats, *last) ? Minus(*c.stats, *last) : *c.stats;
      } else if (!c.stats) {
        now_tracked.last = last;  // a failed read: the next one covers both samples
      }
    }
    auto in = interval_.find({key, c.pid});
    if (in == interval_.end()) {
      if (interval_.size() >= options_.max_connections) {
        ++untracked_;
        continue;
      }
      IntervalConnection ic;
      auto app = app_of_pid.find(c.pid);
      ic.app = app == app_of_pid.end() ? "unknown" : app->second;
      ic.host = traffic::FormatIpAddr(c.remote);
      ic.cls = std::string(
          traffic::TrafficClassName(traffic::Classify(c.remote, options_.office_subnets)));
      ic.remote_port = c.remote_port;
      ic.usage.connections = 1;
      in = interval_.emplace(std::pair{key, c.pid}, std::move(ic)).first;
    }
    AddStats(in->second.usage.delta, delta);
  }
  tracked_ = std::move(seen);
}

schema::Traffic TcpTrafficMeter::TakeInterval(double now, const std::string& source,
                                              const std::string& bytes_unavailable) {
  schema::Traffic t;
  t.interval_seconds = interval_start_ ? std::max(0.0, now - *interval_start_) : 0.0;
  t.source = source;
  t.capture_error = bytes_unavailable;
  std::map<std::string, Usage> apps, ports;
  std::map<std::string, std::pair<std::string, Usage>> hosts;  // address -> class, usage
  std::map<std::string, winconv::TcpDataStats> by_class;
  for (const auto& [key, c] : interval_) {
    apps[c.app].Add(c.usage);
    auto& h = hosts[c.host];
    h.first = c.cls;
    h.second.Add(c.usage);
    ports["tcp/" + std::to_string(c.remote_port)].Add(c.usage);
    AddStats(by_class[c.cls], c.usage.delta);
  }
  Usage other;
  other.connections = untracked_;

  auto entry = [&](const std::string& key, const std::string& cls, const Usage& u) {
    schema::TrafficEntry e;
    e.key = key;
    e.traffic_class = cls;
    e.receive_bytes = u.delta.bytes_in;
    e.transmit_bytes = u.delta.bytes_out;
    e.receive_packets = u.delta.all_segs_in;
    e.transmit_packets = u.delta.all_segs_out;
    e.connections = u.connections;
    return e;
  };
  // Most bytes first, then most connections (all bytes are 0 without EStats), then by name.
  auto top = [&](std::vector<schema::TrafficEntry> v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      const auto ab = a.receive_bytes + a.transmit_bytes, bb = b.receive_bytes + b.transmit_bytes;
      if (ab != bb) return ab > bb;
      if (*a.connections != *b.connections) return *a.connections > *b.connections;
      return a.key < b.key;
    });
    schema::TrafficEntry rest = entry("other", "", other);
    for (std::size_t i = options_.top_n; i < v.size(); ++i) {
      rest.receive_bytes += v[i].receive_bytes;
      rest.transmit_bytes += v[i].transmit_bytes;
      rest.receive_packets += v[i].receive_packets;
      rest.transmit_packets += v[i].transmit_packets;
      *rest.connections += *v[i].connections;
    }
    if (v.size() > options_.top_n) v.resize(options_.top_n);
    if (*rest.connections > 0) v.push_back(std::move(rest));
    return v;
  };
  std::vector<schema::TrafficEntry> v;
  for (const auto& [name, u] : apps) v.push_back(entry(name, "", u));
  t.apps = top(std::move(v));
  v.clear();
  for (const auto& [addr, h] : hosts) v.push_back(entry(addr, h.first, h.second));
  t.remote_hosts = top(std::move(v));
  v.clear();
  for (const auto& [port, u] : ports) v.push_back(entry(port, "", u));
  t.ports = top(std::move(v));

  if (bytes_unavailable.empty()) {
    for (const char* cls : {"lan", "wan", "multicast"}) {
      rx_.try_emplace(cls, 0);
      tx_.try_emplace(cls, 0);
    }
    for (const auto& [cls, s] : by_class) {
      rx_[cls] += s.bytes_in;
      tx_[cls] += s.bytes_out;
      packets_ += s.all_segs_in + s.all_segs_out;
    }
    t.receive_bytes_total = rx_;
    t.transmit_bytes_total = tx_;
    t.packets_total = packets_;
  }
  interval_.clear();
  interval_start_ = now;
  return t;
}

}  // namespace wardwatch::agent
