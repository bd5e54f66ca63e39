// Live tests on this machine: a TCP connection on 127.0.0.1 made by this test process is
// attributed to its process name through /proc, and (when capture is permitted) captured on
// `lo` with the bytes sent counted against this process.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "wardwatch/traffic/capture.h"
#include "wardwatch/traffic/decode.h"
#include "wardwatch/traffic/monitor.h"
#include "wardwatch/traffic/socket_table.h"

using namespace wardwatch::traffic;

namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::string SelfComm() {
  std::ifstream in("/proc/self/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

std::uint16_t LocalPort(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A connected loopback pair: listener, client, accepted server side.
struct LoopbackPair {
  Fd listener{socket(AF_INET, SOCK_STREAM, 0)};
  Fd client{socket(AF_INET, SOCK_STREAM, 0)};
  Fd server{-1};
  std::uint16_t server_port = 0, client_port = 0;

  bool Open() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    if (listen(listener.fd, 1) != 0) return false;
    server_port = LocalPort(listener.fd);
    a.sin_port = htons(server_port);
    if (connect(client.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    server.fd = accept(listener.fd, nullptr, nullptr);
    client_port = LocalPort(client.fd);
    return server.fd >= 0;
  }

  // Sends `n` bytes from client to server and reads them all.
  bool Transfer(std::size_t n) {
    std::vector<char> buf(n, 'x');
    std::size_t sent = 0, got = 0;
    std::thread reader([&] {
      std::vector<char> in(65536);
      while (got < n) {
        ssize_t r = read(server.fd, in.data(), in.size());
        if (r <= 0) return;
        got += static_cast<std::size_t>(r);
      }
    });
    while (sent < n) {
      ssize_t w = write(client.fd, buf.data() + sent, n - sent);
      if (w <= 0) break;
      sent += static_cast<std::size_t>(w);
    }
    reader.join();
    return sent == n && got == n;
  }

  // Segments the client sent again (TCP_INFO): a busy loopback retransmits now and then, and
  // the capture rightly counts those bytes twice.
  unsigned Retransmits() const {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(client.fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
    return info.tcpi_total_retrans;
  }
};

}  // namespace

TEST_CASE("socket table attributes a loopback TCP connection to this process") {
  LoopbackPair pair;
  REQUIRE(pair.Open());
  SocketTableLinux table({"/proc", std::chrono::milliseconds(0)});
  const std::string me = SelfComm();
  REQUIRE_FALSE(me.empty());
  auto lo = *ParseIpAddr("127.0.0.1");
  CHECK(table.Lookup(kProtoTcp, lo, pair.client_port) == me);
  CHECK(table.Lookup(kProtoTcp, lo, pair.server_port) == me);
  CHECK(table.Lookup(kProtoUdp, lo, pair.client_port) == "");
}

TEST_CASE("live capture on lo counts a loopback transfer against this process") {
  LoopbackPair pair;
  REQUIRE(pair.Open());
  LiveOptions lo_opts;
  lo_opts.bpf_filter = "tcp and port " + std::to_string(pair.server_port);
  lo_opts.timeout_ms = 50;
  auto src = CaptureSource::OpenLive("lo", lo_opts);
  if (!src) {
    if (IsPermissionError(src.error())) {
      MESSAGE("skipped: " << src.error());
      return;
    }
    FAIL("cannot open lo: " << src.error());
  }
  CHECK(src->is_live());
  CHECK(src->link_type() == kLinkEthernet);

  SocketTableLinux table({"/proc", std::chrono::milliseconds(0)});
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("127.0.0.0/8")});
  o.resolver = table.AsResolver();
  TrafficAnalyzer analyzer(o);

  constexpr std::size_t kBytes = 200000;
  REQUIRE(pair.Transfer(kBytes));
  // Poll like the agent does: non-blocking dispatch until the packets have come through.
  int packets = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    auto n = src->Dispatch(analyzer);
    REQUIRE_MESSAGE(n, n.error());
    if (*n > 0) {
      packets += *n;
      quiet_since = std::chrono::steady_clock::now();
    } else if (packets > 0 &&
               std::chrono::steady_clock::now() - quiet_since > std::chrono::milliseconds(300)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto s = analyzer.Summarize();
  auto stats = src->Stats();
  REQUIRE(stats);
  s.capture = stats;
  REQUIRE(packets > 0);
  CHECK(s.capture->dropped == 0);

  // Every byte sent plus at most one Ethernet+IP+TCP header (with options) per packet, plus
  // at most one loopback segment (64 KiB) for each retransmission the sender made.
  const std::string me = SelfComm();
  const unsigned retransmits = pair.Retransmits();
  REQUIRE(s.top_apps.size() == 1);
  CHECK(s.top_apps[0].name == me);
  CHECK(s.top_apps[0].counters.out_bytes >= kBytes);
  CHECK(s.top_apps[0].counters.out_bytes <=
        kBytes + 100u * static_cast<unsigned>(packets) + 65536u * retransmits);
  CHECK(s.top_apps[0].counters == s.total);
  CHECK(s.by_class.at("lan").out_bytes == s.total.out_bytes);
  REQUIRE(s.top_hosts.size() == 1);
  CHECK(s.top_hosts[0].address == "127.0.0.1");
  bool saw_server_port = false;
  for (const auto& p : s.top_ports) saw_server_port |= p.port == pair.server_port;
  CHECK(saw_server_port);
  MESSAGE("captured " << packets << " packets (" << retransmits << " retransmitted), "
                      << s.total.out_bytes << " bytes for '" << me << "'");
}

TEST_CASE("opening a capture on a missing interface names it") {
  auto src = CaptureSource::OpenLive("ww-no-such0", {});
  REQUIRE_FALSE(src);
  CHECK_MESSAGE(
      (src.error().find("ww-no-such0") != std::string::npos || IsPermissionError(src.error())),
      src.error());
}

TEST_CASE("TrafficMonitor captures on lo, reports a bad interface once, and carries on") {
  LiveOptions live;
  live.interfaces = {"lo", "ww-no-such0"};
  live.timeout_ms = 50;
  LoopbackPair pair;
  REQUIRE(pair.Open());
  live.bpf_filter = "tcp and port " + std::to_string(pair.server_port);
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("127.0.0.0/8")});
  TrafficMonitor monitor(live, o);
  auto errors = monitor.TakeNewErrors();
  if (monitor.open_interfaces() == 0) {
    REQUIRE(errors.size() == 2);
    REQUIRE(IsPermissionError(errors[0]));
    MESSAGE("skipped: " << errors[0]);
    return;
  }
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("ww-no-such0") != std::string::npos);
  CHECK(monitor.TakeNewErrors().empty());  // said once

  constexpr std::size_t kBytes = 50000;
  REQUIRE(pair.Transfer(kBytes));
  TrafficSummary s;
  std::uint64_t bytes = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline && bytes < kBytes) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    monitor.Poll();
    s = monitor.Summarize();
    bytes += s.total.out_bytes;
  }
  CHECK(bytes >= kBytes);
  REQUIRE(s.capture);
  CHECK(s.capture->received > 0);
  CHECK(monitor.TakeNewErrors().empty());
}
