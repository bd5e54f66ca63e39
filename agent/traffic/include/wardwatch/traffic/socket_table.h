// Attributing local sockets to applications: the attribution interface, the pure parser for
// /proc/net/{tcp,tcp6,udp,udp6}, and the Linux socket table (socket_table_linux.cpp) that maps
// socket inodes to processes through /proc/PID/fd.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wardwatch/result.h"
#include "wardwatch/traffic/net.h"

namespace wardwatch::traffic {

// Maps a local endpoint (IP protocol, local address, local port) to an application name, or ""
// when unknown. The analyzer calls it once per new flow.
using AppResolver =
    std::function<std::string(std::uint8_t ip_proto, const IpAddr& local, std::uint16_t port)>;

struct ProcNetSocket {
  IpAddr local, remote;
  std::uint16_t local_port = 0, remote_port = 0;
  std::uint8_t state = 0;  // TCP state (0x0A = LISTEN, 0x01 = ESTABLISHED); UDP 0x07
  std::uint32_t uid = 0;
  std::uint64_t inode = 0;
};

// Parses the text of /proc/net/tcp, tcp6, udp or udp6 (the header line is skipped). Addresses are
// printed by the kernel as raw 32-bit words in host byte order; this parser undoes that.
Result<std::vector<ProcNetSocket>> ParseProcNetSockets(std::string_view text);

// Extracts the inode from a /proc/PID/fd link target "socket:[12345]"; 0 if not a socket.
std::uint64_t ParseSocketLink(std::string_view link);

struct SocketTableOptions {
  std::string procfs = "/proc";
  // An unknown local port triggers a rescan at most this often: a rescan walks every
  // /proc/PID/fd, which costs milliseconds on a busy desktop.
  std::chrono::milliseconds min_refresh_interval{1000};
};

// Linux socket table: (protocol, local port) -> process name, rebuilt from procfs on demand.
class SocketTableLinux {
 public:
  explicit SocketTableLinux(SocketTableOptions options = {}) : options_(std::move(options)) {}

  // Returns the owning process name ("" if unknown), rescanning (rate-limited) on a miss.
  std::string Lookup(std::uint8_t ip_proto, const IpAddr& local, std::uint16_t port);
  // Rebuilds the table now. Fails only when /proc/net cannot be read at all.
  Status Refresh();

  std::uint64_t refreshes() const { return refreshes_; }
  std::uint64_t rate_limited_misses() const { return rate_limited_misses_; }
  AppResolver AsResolver() {
    return
        [this](std::uint8_t p, const IpAddr& a, std::uint16_t port) { return Lookup(p, a, port); };
  }

 private:
  struct Owner {
    IpAddr local;  // the bound address (unspecified for wildcard binds)
    std::string app;
  };
  SocketTableOptions options_;
  std::unordered_map<std::uint32_t, std::vector<Owner>> by_port_;  // key: proto << 16 | port
  std::chrono::steady_clock::time_point last_refresh_{};
  bool refreshed_once_ = false;
  std::uint64_t refreshes_ = 0;
  std::uint64_t rate_limited_misses_ = 0;
};

}  // namespace wardwatch::traffic
