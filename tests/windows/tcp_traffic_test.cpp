// The Windows traffic collector's logic (agent/src/collectors/tcp_traffic.h): connection-table
// rows -> per-interval deltas -> network.traffic, table-driven. Runs in the Linux suite
// (windows_convert_test) and under Wine.
#include "collectors/tcp_traffic.h"

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "collectors/windows_ioctl.h"
#include "wardwatch/report.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {

traffic::IpAddr Ip(const char* text) {
  auto a = traffic::ParseIpAddr(text);
  REQUIRE_MESSAGE(a.ok(), text);
  return *a;
}

// An established connection from this PC (192.168.1.20 or fd00::20) to `remote`.
TcpConnectionSample Conn(const char* remote, std::uint16_t remote_port, std::uint32_t pid,
                         std::uint16_t local_port,
                         std::optional<winconv::TcpDataStats> stats = std::nullopt) {
  TcpConnectionSample c;
  c.remote = Ip(remote);
  c.local = c.remote.is_v4() ? Ip("192.168.1.20") : Ip("fd00::20");
  c.remote_port = remote_port;
  c.local_port = local_port;
  c.state = 5;
  c.pid = pid;
  c.stats = stats;
  return c;
}

winconv::TcpDataStats Bytes(std::uint64_t in, std::uint64_t out, std::uint64_t segs_in = 0,
                            std::uint64_t segs_out = 0) {
  winconv::TcpDataStats s;
  s.bytes_in = in;
  s.bytes_out = out;
  s.all_segs_in = segs_in;
  s.all_segs_out = segs_out;
  return s;
}

const schema::TrafficEntry* Find(const std::vector<schema::TrafficEntry>& v,
                                 const std::string& key) {
  for (const auto& e : v) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

const std::map<std::uint32_t, std::string> kApps = {
    {100, "Google Chrome"}, {200, "Zalo"}, {300, "OneDrive"}, {4, "System"}};

}  // namespace

TEST_CASE("MIB_TCP6TABLE_OWNER_PID rows: addresses, scope ids, ports, state, pid") {
  // One row: [fe80::1]%7:50000 -> [2001:db8::5]:443, established, pid 4321.
  std::vector<std::uint8_t> t(4 + 2 * 56, 0);
  t[0] = 2;
  std::uint8_t* r = &t[4];
  r[0] = 0xfe;
  r[1] = 0x80;
  r[15] = 1;
  r[16] = 7;  // local scope id
  r[20] = 0xc3;
  r[21] = 0x50;  // 50000
  const std::uint8_t remote[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
  std::memcpy(r + 24, remote, 16);
  r[44] = 0x01;
  r[45] = 0xbb;  // 443
  r[48] = 5;
  r[52] = 0xe1;
  r[53] = 0x10;        // 4321
  t[4 + 56 + 48] = 2;  // the second row: a listener on [::]:0
  auto rows = winconv::ParseTcp6TableOwnerPid(t);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  const auto& row = (*rows)[0];
  CHECK(row.local_addr[0] == 0xfe);
  CHECK(row.local_scope_id == 7);
  CHECK(row.local_port == 50000);
  CHECK(row.remote_port == 443);
  CHECK(row.state == 5);
  CHECK(row.pid == 4321);
  const auto sample = SampleOf(row);
  CHECK(traffic::FormatIpAddr(sample.remote) == "2001:db8::5");
  CHECK(traffic::FormatIpAddr(sample.local) == "fe80::1");
  CHECK(CountsAsTraffic(sample));
  CHECK_FALSE(CountsAsTraffic(SampleOf((*rows)[1])));

  auto cut = winconv::ParseTcp6TableOwnerPid(std::span(t).first(4 + 56 + 20));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error() == "MIB_TCP6TABLE_OWNER_PID says 2 rows, has room for 1");
  CHECK_FALSE(winconv::ParseTcp6TableOwnerPid(std::span(t).first(2)).ok());
}

TEST_CASE("IPv4 rows and IPv4-mapped IPv6 rows become IPv4 samples") {
  winconv::TcpOwnerRow v4;
  const std::uint8_t local[4] = {10, 0, 0, 7}, remote[4] = {203, 0, 113, 9};
  std::memcpy(&v4.local_addr, local, 4);
  std::memcpy(&v4.remote_addr, remote, 4);
  v4.local_port = 51000;
  v4.remote_port = 443;
  v4.state = 5;
  v4.pid = 100;
  auto s = SampleOf(v4);
  CHECK(traffic::FormatIpAddr(s.remote) == "203.0.113.9");
  CHECK(traffic::FormatIpAddr(s.local) == "10.0.0.7");
  CHECK(s.pid == 100);

  winconv::TcpOwnerRow6 mapped;
  mapped.remote_addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
  mapped.state = 5;
  auto m = SampleOf(mapped);
  CHECK(m.remote.is_v4());
  CHECK(traffic::FormatIpAddr(m.remote) == "10.1.2.3");
}

TEST_CASE("which connections count: live sockets to another machine") {
  struct Row {
    const char* remote;
    std::uint32_t state;
    bool counts;
  };
  const Row rows[] = {
      {"203.0.113.9", 5, true},    // ESTABLISHED
      {"203.0.113.9", 3, true},    // SYN_SENT: the line is being asked
      {"203.0.113.9", 8, true},    // CLOSE_WAIT: still owned
      {"203.0.113.9", 10, true},   // LAST_ACK
      {"203.0.113.9", 2, false},   // LISTEN
      {"203.0.113.9", 11, false},  // TIME_WAIT: no owner any more (pid 0)
      {"203.0.113.9", 12, false},  // DELETE_TCB
      {"127.0.0.1", 5, false},     // loopback: never on the line, both ends listed
      {"127.8.9.10", 5, false},   {"::1", 5, false},    {"0.0.0.0", 5, false},
      {"::", 5, false},           {"fe80::1", 5, true}, {"2001:db8::1", 5, true},
  };
  for (const auto& r : rows) {
    auto c = Conn(r.remote, 443, 100, 50000);
    c.state = r.state;
    CHECK_MESSAGE(CountsAsTraffic(c) == r.counts, r.remote << " state " << r.state);
  }
}

TEST_CASE("EStats errors: administrator, not implemented, or only this connection") {
  struct Row {
    std::uint32_t error;
    EstatsVerdict verdict;
  };
  const Row rows[] = {
      {0, EstatsVerdict::kAvailable},
      {5, EstatsVerdict::kNeedsAdministrator},  // ERROR_ACCESS_DENIED
      {50, EstatsVerdict::kNotImplemented},     // ERROR_NOT_SUPPORTED
      {120, EstatsVerdict::kNotImplemented},    // ERROR_CALL_NOT_IMPLEMENTED (Wine)
      {1168, EstatsVerdict::kThisConnection},   // ERROR_NOT_FOUND: closed meanwhile
      {87, EstatsVerdict::kThisConnection},     // ERROR_INVALID_PARAMETER
  };
  for (const auto& r : rows) CHECK(ClassifyEstatsError(r.error) == r.verdict);
}

TEST_CASE("traffic meter: a connection's first sample is its baseline, later ones are deltas") {
  TcpTrafficMeter m({});
  auto chrome = Conn("203.0.113.9", 443, 100, 50000, Bytes(1000, 500, 10, 8));
  CHECK(m.IsNew(chrome));
  const TcpConnectionSample first[] = {chrome};
  m.Observe(1000, first, kApps);
  CHECK_FALSE(m.IsNew(chrome));
  auto t1 = m.TakeInterval(1060, "tcp-estats", "");
  CHECK(t1.interval_seconds == doctest::Approx(60));
  CHECK(t1.source == "tcp-estats");
  CHECK(t1.capture_error.empty());
  REQUIRE(t1.apps.size() == 1);
  CHECK(t1.apps[0].key == "Google Chrome");
  CHECK(t1.apps[0].receive_bytes == 0);  // before the agent looked: not this interval's
  CHECK(t1.apps[0].connections == 1);
  CHECK(t1.receive_bytes_total.at("wan") == 0);

  chrome.stats = Bytes(51000, 2500, 45, 30);
  const TcpConnectionSample second[] = {chrome};
  m.Observe(1120, second, kApps);
  auto t2 = m.TakeInterval(1120, "tcp-estats", "");
  CHECK(t2.interval_seconds == doctest::Approx(60));
  REQUIRE(t2.apps.size() == 1);
  CHECK(t2.apps[0].receive_bytes == 50000);
  CHECK(t2.apps[0].transmit_bytes == 2000);
  CHECK(t2.apps[0].receive_packets == 35);
  CHECK(t2.apps[0].transmit_packets == 22);
  REQUIRE(t2.remote_hosts.size() == 1);
  CHECK(t2.remote_hosts[0].key == "203.0.113.9");
  CHECK(t2.remote_hosts[0].traffic_class == "wan");
  CHECK(t2.remote_hosts[0].receive_bytes == 50000);
  REQUIRE(t2.ports.size() == 1);
  CHECK(t2.ports[0].key == "tcp/443");
  CHECK(t2.receive_bytes_total.at("wan") == 50000);
  CHECK(t2.transmit_bytes_total.at("wan") == 2000);
  CHECK(t2.receive_bytes_total.at("lan") == 0);
  CHECK(t2.receive_bytes_total.count("multicast") == 1);
  CHECK(t2.packets_total == 57);

  // Counters that step back: a new connection on the same four-tuple counts from zero.
  chrome.stats = Bytes(700, 100, 3, 2);
  const TcpConnectionSample third[] = {chrome};
  m.Observe(1180, third, kApps);
  auto t3 = m.TakeInterval(1180, "tcp-estats", "");
  CHECK(t3.apps[0].receive_bytes == 700);
  CHECK(t3.receive_bytes_total.at("wan") == 50700);  // class totals are cumulative
}

TEST_CASE("traffic meter: a new owner, a failed read and a closed connection") {
  TcpTrafficMeter m({});
  auto c = Conn("203.0.113.9", 443, 100, 50000, Bytes(1000, 0));
  const TcpConnectionSample s1[] = {c};
  m.Observe(0, s1, kApps);
  // The same four-tuple now owned by another process: a new baseline, no bytes for Zalo yet.
  c.pid = 200;
  c.stats = Bytes(9000, 0);
  CHECK(m.IsNew(c));
  const TcpConnectionSample s2[] = {c};
  m.Observe(10, s2, kApps);
  // A failed read: the next successful one covers both samples.
  c.stats.reset();
  const TcpConnectionSample s3[] = {c};
  m.Observe(20, s3, kApps);
  c.stats = Bytes(9500, 0);
  const TcpConnectionSample s4[] = {c};
  m.Observe(30, s4, kApps);
  auto t = m.TakeInterval(30, "tcp-estats", "");
  const auto* zalo = Find(t.apps, "Zalo");
  REQUIRE(zalo != nullptr);
  CHECK(zalo->receive_bytes == 500);
  CHECK(Find(t.apps, "Google Chrome")->receive_bytes == 0);
  // Seen in four samples under two owners: two connections, each counted once.
  CHECK(t.remote_hosts[0].connections == 2);
  CHECK(zalo->connections == 1);

  // Closed: forgotten, so the same four-tuple later is a new baseline.
  m.Observe(40, {}, kApps);
  CHECK(m.IsNew(c));
  c.stats = Bytes(100000, 0);
  const TcpConnectionSample s5[] = {c};
  m.Observe(50, s5, kApps);
  auto t2 = m.TakeInterval(50, "tcp-estats", "");
  REQUIRE(t2.apps.size() == 1);
  CHECK(t2.apps[0].receive_bytes == 0);
}

TEST_CASE("traffic meter: LAN and WAN by remote address, IPv4 and IPv6, office subnets") {
  TcpTrafficOptions o;
  o.top_n = 12;
  o.office_subnets.push_back(*traffic::ParseCidr("203.0.113.0/24"));
  TcpTrafficMeter m(o);
  struct Row {
    const char* remote;
    const char* cls;
  };
  const Row rows[] = {
      {"192.168.1.10", "lan"}, {"10.20.30.40", "lan"},  {"172.16.5.5", "lan"},
      {"100.64.1.1", "lan"},   {"169.254.3.3", "lan"},  {"203.0.113.77", "lan"},
      {"198.51.100.1", "wan"}, {"fd12:3456::1", "lan"}, {"fe80::abcd", "lan"},
      {"2001:db8::99", "wan"}, {"2402:800::1", "wan"},  {"8.8.8.8", "wan"},
  };
  std::vector<TcpConnectionSample> snap;
  std::uint16_t port = 40000;
  for (const auto& r : rows) snap.push_back(Conn(r.remote, 445, 4, port++, Bytes(0, 0)));
  m.Observe(0, snap, kApps);
  for (auto& c : snap) c.stats = Bytes(100, 10);
  m.Observe(60, snap, kApps);
  auto t = m.TakeInterval(60, "tcp-estats", "");
  CHECK(t.receive_bytes_total.at("lan") == 800);
  CHECK(t.receive_bytes_total.at("wan") == 400);
  CHECK(t.transmit_bytes_total.at("lan") == 80);
  REQUIRE(t.remote_hosts.size() == 12);
  for (const auto& r : rows) {
    const auto* h = Find(t.remote_hosts, r.remote);
    REQUIRE_MESSAGE(h != nullptr, r.remote);
    CHECK_MESSAGE(h->traffic_class == r.cls, r.remote);
  }
  REQUIRE(t.apps.size() == 1);
  CHECK(t.apps[0].key == "System");  // SMB connections belong to the kernel (pid 4)
  CHECK(t.apps[0].connections == 12);
}

TEST_CASE("traffic meter: top-N applications plus other, by bytes then connections") {
  TcpTrafficOptions o;
  o.top_n = 2;
  TcpTrafficMeter m(o);
  std::vector<TcpConnectionSample> snap = {
      Conn("198.51.100.1", 443, 100, 50001, Bytes(0, 0)),  // Chrome
      Conn("198.51.100.2", 443, 100, 50002, Bytes(0, 0)),  // Chrome
      Conn("198.51.100.3", 443, 200, 50003, Bytes(0, 0)),  // Zalo
      Conn("198.51.100.4", 443, 300, 50004, Bytes(0, 0)),  // OneDrive
      Conn("198.51.100.5", 80, 999, 50005, Bytes(0, 0)),   // a pid that exited: unknown
  };
  m.Observe(0, snap, kApps);
  snap[0].stats = Bytes(1000, 0);
  snap[1].stats = Bytes(1000, 0);
  snap[2].stats = Bytes(0, 0);
  snap[3].stats = Bytes(5000000, 9000000);
  snap[4].stats = Bytes(10, 0);
  m.Observe(60, snap, kApps);
  auto t = m.TakeInterval(60, "tcp-estats", "");
  REQUIRE(t.apps.size() == 3);
  CHECK(t.apps[0].key == "OneDrive");
  CHECK(t.apps[1].key == "Google Chrome");
  CHECK(t.apps[1].receive_bytes == 2000);
  CHECK(t.apps[1].connections == 2);
  CHECK(t.apps[2].key == "other");
  CHECK(t.apps[2].receive_bytes == 10);  // unknown + Zalo
  CHECK(t.apps[2].connections == 2);
  REQUIRE(t.ports.size() == 2);  // only two ports: no "other"
  CHECK(t.ports[0].key == "tcp/443");
  CHECK(t.ports[0].connections == 4);
  CHECK(t.ports[1].key == "tcp/80");
}

TEST_CASE("traffic meter without EStats: connection counts, no bytes, and the reason") {
  TcpTrafficOptions o;
  o.top_n = 2;
  TcpTrafficMeter m(o);
  const TcpConnectionSample snap[] = {
      Conn("198.51.100.1", 443, 200, 50001), Conn("198.51.100.2", 443, 100, 50002),
      Conn("198.51.100.3", 443, 100, 50003), Conn("2001:db8::3", 443, 100, 50004),
      Conn("192.168.1.1", 53, 300, 50005),
  };
  m.Observe(0, snap, kApps);
  m.Observe(30, snap, kApps);  // a second sample: still three Chrome connections
  const std::string why = "per-connection bytes need administrator rights (...)";
  auto t = m.TakeInterval(60, "tcp-table", why);
  CHECK(t.source == "tcp-table");
  CHECK(t.capture_error == why);
  CHECK(t.receive_bytes_total.empty());  // no class totals that would read as "0 bytes"
  CHECK(t.transmit_bytes_total.empty());
  CHECK(t.packets_total == 0);
  REQUIRE(t.apps.size() == 3);
  CHECK(t.apps[0].key == "Google Chrome");
  CHECK(t.apps[0].connections == 3);
  CHECK(t.apps[1].key == "OneDrive");  // 1 connection each: by name
  CHECK(t.apps[2].key == "other");
  CHECK(t.apps[2].connections == 1);
  REQUIRE(t.remote_hosts.size() == 3);
  CHECK(t.remote_hosts[0].key == "192.168.1.1");
  CHECK(t.remote_hosts[0].traffic_class == "lan");
  CHECK(t.remote_hosts[2].key == "other");
  CHECK(t.remote_hosts[2].connections == 3);
  CHECK(t.ports[0].key == "tcp/443");
  CHECK(t.ports[0].connections == 4);
}

TEST_CASE("traffic meter: bounded connection table, duplicate rows counted once") {
  TcpTrafficOptions o;
  o.max_connections = 2;
  TcpTrafficMeter m(o);
  const TcpConnectionSample snap[] = {
      Conn("198.51.100.1", 443, 100, 50001, Bytes(0, 0)),
      Conn("198.51.100.1", 443, 100, 50001, Bytes(0, 0)),  // listed twice
      Conn("198.51.100.2", 443, 100, 50002, Bytes(0, 0)),
      Conn("198.51.100.3", 443, 200, 50003, Bytes(0, 0)),
      Conn("198.51.100.4", 443, 200, 50004, Bytes(0, 0)),
  };
  m.Observe(0, snap, kApps);
  auto t = m.TakeInterval(60, "tcp-estats", "");
  REQUIRE(t.apps.size() == 2);
  CHECK(t.apps[0].key == "Google Chrome");
  CHECK(t.apps[0].connections == 2);
  CHECK(t.apps[1].key == "other");
  CHECK(t.apps[1].connections == 2);  // the two beyond the bound
}

TEST_CASE("traffic entry: connections are in the JSON only when counted") {
  Report r;
  r.machine_id = "m";
  r.hostname = "h";
  schema::Traffic t;
  schema::TrafficEntry pcap;
  pcap.key = "firefox";
  schema::TrafficEntry windows;
  windows.key = "Google Chrome";
  windows.connections = 3;
  t.apps = {pcap, windows};
  r.network.traffic = t;
  const auto j = EncodeReportJson(r);
  const auto& apps = j.at("network").at("traffic").at("apps");
  CHECK_FALSE(apps[0].contains("connections"));
  CHECK(apps[1].at("connections") == 3);
  auto back = DecodeReport(j.dump());
  REQUIRE(back.ok());
  CHECK_FALSE(back->network.traffic->apps[0].connections.has_value());
  CHECK(back->network.traffic->apps[1].connections == 3);
}
