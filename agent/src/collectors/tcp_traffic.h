// Per-application TCP traffic from connection tables (the Windows traffic collector's logic):
// samples of the open connections with their owning pid and, where the OS gives them,
// cumulative per-connection byte counters (EStats), turned into the report's network.traffic
// with the libpcap collector's shape: top-N applications, remote hosts and ports plus "other",
// LAN/WAN by remote address, cumulative class totals. Pure: no OS calls, the caller supplies
// time, so it is table-tested on Linux (tests/windows/tcp_traffic_test.cpp) and under Wine.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "collectors/windows_ioctl.h"
#include "wardwatch/report.h"
#include "wardwatch/traffic/net.h"

namespace wardwatch::agent {

// One connection at one sample.
struct TcpConnectionSample {
  traffic::IpAddr local, remote;
  std::uint16_t local_port = 0, remote_port = 0;
  std::uint32_t state = 0;  // MIB_TCP_STATE: 2 LISTEN, 5 ESTABLISHED, 11 TIME_WAIT, ...
  std::uint32_t pid = 0;
  // Cumulative since collection was switched on for this connection; empty when not read
  // (not permitted, not implemented, or the read failed).
  std::optional<winconv::TcpDataStats> stats;
};

// Rows of GetExtendedTcpTable as samples. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) become
// IPv4, so that they are classified as IPv4 (and match the IPv4 table's rows).
TcpConnectionSample SampleOf(const winconv::TcpOwnerRow& row);
TcpConnectionSample SampleOf(const winconv::TcpOwnerRow6& row);
traffic::IpAddr Unmapped(const traffic::IpAddr& a);

// Whether the connection belongs in the section: a socket with an owner and a peer
// (SYN_SENT..LAST_ACK; not listeners, TIME_WAIT or closed), whose remote end is not this
// machine (loopback) and not unspecified. Loopback connections never touch the line and would
// count every byte twice (both ends are listed).
bool CountsAsTraffic(const TcpConnectionSample& c);

// Why per-connection bytes are missing, from the Win32 error of Set/GetPerTcpConnectionEStats.
enum class EstatsVerdict {
  kAvailable,           // NO_ERROR
  kNeedsAdministrator,  // ERROR_ACCESS_DENIED: stays so for this process
  kNotImplemented,      // ERROR_NOT_SUPPORTED, ERROR_CALL_NOT_IMPLEMENTED (Wine), ...
  kThisConnection,      // ERROR_NOT_FOUND (closed meanwhile) or anything else: only this one
};
EstatsVerdict ClassifyEstatsError(std::uint32_t win32_error);

struct TcpTrafficOptions {
  std::size_t top_n = 10;  // applications, remote hosts and ports per interval (as libpcap's)
  std::vector<traffic::Cidr> office_subnets;
  // Connections tracked at once (and per interval). More are counted, at the last sample only,
  // in the "other" entries' connections, without bytes.
  std::size_t max_connections = 16384;
};

// Turns samples into per-interval deltas. A connection's first sample is its baseline (what it
// carried before is not this interval's); a counter that steps back is a new connection on the
// same four-tuple and counts from zero. Bytes of a connection that closes between two samples
// after its last sample are lost; sampling more often than reporting keeps that small.
class TcpTrafficMeter {
 public:
  explicit TcpTrafficMeter(TcpTrafficOptions options) : options_(std::move(options)) {}

  // True when the connection has no baseline yet (its byte counting should be switched on
  // before it is read).
  bool IsNew(const TcpConnectionSample& c) const;

  // One snapshot of the connection table at `now` (Unix seconds); pids are named through
  // `app_of_pid` (a pid not in it is "unknown"). Connections not in the snapshot are forgotten.
  void Observe(double now, std::span<const TcpConnectionSample> snapshot,
               const std::map<std::uint32_t, std::string>& app_of_pid);

  // The interval since the last call as the report section, and a new interval starts.
  // `bytes_unavailable`: why there are no byte counts (empty when EStats answered); then the
  // section carries connection counts only, no class totals, and says why in capture_error.
  schema::Traffic TakeInterval(double now, const std::string& source,
                               const std::string& bytes_unavailable);

 private:
  struct Key {
    std::array<std::uint8_t, 16> local{}, remote{};
    std::uint8_t family = 0;
    std::uint16_t local_port = 0, remote_port = 0;
    auto operator<=>(const Key&) const = default;
  };
  struct Tracked {
    std::uint32_t pid = 0;
    std::optional<winconv::TcpDataStats> last;
  };
  struct Usage {
    winconv::TcpDataStats delta;
    std::uint64_t connections = 0;
    void Add(const Usage& o);
  };
  struct IntervalConnection {
    std::string app, host, cls;
    std::uint16_t remote_port = 0;
    Usage usage;
  };
  static Key KeyOf(const TcpConnectionSample& c);

  TcpTrafficOptions options_;
  std::map<Key, Tracked> tracked_;
  // Connections of this interval by four-tuple and owner (a new owner is a new connection).
  std::map<std::pair<Key, std::uint32_t>, IntervalConnection> interval_;
  std::uint64_t untracked_ = 0;  // connections beyond max_connections at the last sample
  std::optional<double> interval_start_;
  std::map<std::string, std::uint64_t> rx_, tx_;  // cumulative by class
  std::uint64_t packets_ = 0;
};

}  // namespace wardwatch::agent
