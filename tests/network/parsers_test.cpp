// Table-driven tests of the network parsers: /proc/net/snmp + netstat + snmp6, route,
// ipv6_route, resolv.conf, wireless, sysfs link facts, probe URLs and peak hours.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "collectors/netlink.h"
#include "collectors/netstat.h"
#include "collectors/probes.h"
#include "collectors/routes.h"
#include "collectors/speedtest.h"
#include "collectors/wireless.h"
#include "fsutil.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {
std::string Fixture(const std::string& rel) {
  auto text = ReadFile(std::string(WARDWATCH_FIXTURES) + "/network/" + rel);
  REQUIRE_MESSAGE(text.ok(), rel);
  return *text;
}
}  // namespace

TEST_CASE("netstat: /proc/net/snmp fixture gives node_exporter keys") {
  auto m = ParseNetstat(Fixture("proc/net/snmp"), "snmp");
  REQUIRE_MESSAGE(m.ok(), m.error());
  struct Row {
    const char* key;
    std::uint64_t value;
  };
  for (const Row& r :
       {Row{"Tcp_ActiveOpens", 1641}, Row{"Tcp_PassiveOpens", 1609}, Row{"Tcp_CurrEstab", 3},
        Row{"Tcp_InSegs", 22957}, Row{"Tcp_OutSegs", 20974}, Row{"Tcp_RetransSegs", 117},
        Row{"Tcp_OutRsts", 24}, Row{"Udp_InDatagrams", 26}, Row{"Ip_Forwarding", 2},
        Row{"IcmpMsg_InType3", 1}}) {
    CAPTURE(r.key);
    REQUIRE(m->count(r.key) == 1);
    CHECK(m->at(r.key) == r.value);
  }
  CHECK(m->count("Tcp_MaxConn") == 0);  // -1 means "no limit", not a counter
}

TEST_CASE("netstat: /proc/net/netstat and snmp6 fixtures") {
  auto ext = ParseNetstat(Fixture("proc/net/netstat"), "netstat");
  REQUIRE_MESSAGE(ext.ok(), ext.error());
  CHECK(ext->count("TcpExt_ListenDrops") == 1);
  CHECK(ext->count("IpExt_InOctets") == 1);
  auto v6 = ParseSnmp6(Fixture("proc/net/snmp6"));
  REQUIRE_MESSAGE(v6.ok(), v6.error());
  CHECK(v6->at("Ip6_InReceives") == 1);
  CHECK(v6->count("Icmp6_InMsgs") == 1);
  CHECK(v6->count("Udp6_InDatagrams") == 1);
}

TEST_CASE("netstat: malformed input names the problem") {
  struct Row {
    const char* text;
    const char* error_part;
  };
  for (const Row& r : {
           Row{"Tcp: A B\n", "has no value line"},
           Row{"Tcp: A B\nUdp: 1 2\n", "expected the values of Tcp"},
           Row{"Tcp: A B\nTcp: 1\n", "2 field names but 1 values"},
           Row{"Tcp: A B\nTcp: 1 x\n", "Tcp_B is not a number"},
           Row{"no colon here\n", "expected \"Protocol: field names\""},
       }) {
    CAPTURE(r.text);
    auto m = ParseNetstat(r.text, "/proc/net/snmp");
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().find(r.error_part) != std::string::npos);
    CHECK(m.error().find("/proc/net/snmp line") == 0);
  }
  CHECK_FALSE(ParseSnmp6("Ip6InReceives abc\n").ok());
  CHECK_FALSE(ParseSnmp6("Ip6InReceives 1 2\n").ok());
}

TEST_CASE("netstat: node_exporter's default field filter") {
  struct Row {
    const char* key;
    bool wanted;
  };
  for (const Row& r :
       {Row{"Tcp_RetransSegs", true}, Row{"Tcp_OutRsts", true}, Row{"Tcp_InSegs", true},
        Row{"Tcp_RtoMin", false}, Row{"TcpExt_ListenOverflows", true},
        Row{"TcpExt_TCPTimeouts", true}, Row{"TcpExt_TW", false}, Row{"Udp_NoPorts", true},
        Row{"Udp6_InDatagrams", true}, Row{"Ip6_InOctets", true}, Row{"Ip_InReceives", false},
        Row{"Udp_InErrors", true}, Row{"Icmp_InMsgs", true}}) {
    CAPTURE(r.key);
    CHECK(NetstatFieldWanted(r.key) == r.wanted);
  }
}

TEST_CASE("routes: IPv4 default gateways") {
  const std::string hdr =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
  struct Row {
    std::string body;
    std::vector<std::string> want;
  };
  for (const Row& r : std::vector<Row>{
           {"eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n", {"192.168.1.1"}},
           {"eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            "wlan0\t00000000\t0A00000A\t0003\t0\t0\t600\t00000000\t0\t0\t0\n",
            {"192.0.2.1", "10.0.0.10"}},
           {"eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n", {}},  // subnet
           {"eth0\t00000000\t0101A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\n", {}},  // not up
           {"", {}},
       }) {
    CAPTURE(r.body);
    auto gw = ParseIpv4DefaultGateways(hdr + r.body);
    REQUIRE_MESSAGE(gw.ok(), gw.error());
    CHECK(*gw == r.want);
  }
  auto fixture = ParseIpv4DefaultGateways(Fixture("proc/net/route"));
  REQUIRE(fixture.ok());
  CHECK(*fixture == std::vector<std::string>{"192.168.1.1"});  // eth0 + wlan0: listed once
  auto bad = ParseIpv4DefaultGateways(hdr + "eth0\t0000000G\t0101A8C0\t0003\t0\t0\t0\t0\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("/proc/net/route line 2") == 0);
}

TEST_CASE("routes: IPv6 default gateways, link-local with their interface") {
  auto gw = ParseIpv6DefaultGateways(Fixture("proc/net/ipv6_route"));
  REQUIRE_MESSAGE(gw.ok(), gw.error());
  CHECK(*gw == std::vector<std::string>{"fe80::1%eth0", "2001:db8::1"});
  auto bad = ParseIpv6DefaultGateways("0000 00 0000\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("line 1") != std::string::npos);
}

TEST_CASE("routes: resolv.conf nameservers") {
  struct Row {
    const char* text;
    std::vector<std::string> want;
  };
  for (const Row& r : std::vector<Row>{
           {"nameserver 10.0.0.1\n", {"10.0.0.1"}},
           {"# nameserver 10.0.0.1\n;nameserver 10.0.0.2\nnameserver\n", {}},
           {"search a\nnameserver 10.0.0.1 # primary\nnameserver  ::1\n", {"10.0.0.1", "::1"}},
           {"nameserver 10.0.0.1\nnameserver 10.0.0.1\n", {"10.0.0.1"}},
       }) {
    CAPTURE(r.text);
    CHECK(ParseResolvConf(r.text) == r.want);
  }
  CHECK(ParseResolvConf(Fixture("rootfs/etc/resolv.conf")) ==
        std::vector<std::string>{"192.168.1.1", "2001:db8::53"});
}

TEST_CASE("wireless: /proc/net/wireless") {
  auto w = ParseWireless(Fixture("proc/net/wireless"));
  REQUIRE_MESSAGE(w.ok(), w.error());
  REQUIRE(w->size() == 2);
  CHECK(w->at("wlan0").link_quality == 54);
  CHECK(w->at("wlan0").signal_dbm == -56);
  CHECK_FALSE(w->at("wlan0").noise_dbm.has_value());  // -256: not measured
  CHECK(w->at("wlan1").link_quality == 30);
  CHECK(w->at("wlan1").signal_dbm == 190 - 256);  // unsigned level from an older driver
  REQUIRE(w->at("wlan1").noise_dbm.has_value());
  CHECK(*w->at("wlan1").noise_dbm == 161 - 256);
  auto bad = ParseWireless(" wlan0: 0000 abc -56. -256 0 0 0 0 0 0\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("wlan0 is not a number") != std::string::npos);
  auto empty = ParseWireless(
      "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
      " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("netlink: link facts from sysfs values") {
  struct Row {
    LinkFiles files;
    std::string duplex;
    std::optional<std::uint64_t> carrier_changes;
    std::optional<std::uint32_t> mtu;
  };
  for (const Row& r : std::vector<Row>{
           {{"half\n", "14\n", "1500\n"}, "half", 14, 1500},
           {{"full", "0", "9000"}, "full", 0, 9000},
           {{"unknown", std::nullopt, "65536"}, "unknown", std::nullopt, 65536},
           {{std::nullopt, std::nullopt, std::nullopt}, "", std::nullopt, std::nullopt},
       }) {
    schema::NetInterface i;
    i.name = "eth0";
    REQUIRE(ApplyLinkFacts(r.files, i).ok());
    CHECK(i.duplex == r.duplex);
    CHECK(i.carrier_changes == r.carrier_changes);
    CHECK(i.mtu == r.mtu);
  }
  schema::NetInterface i;
  i.name = "eth1";
  auto s = ApplyLinkFacts({"full", "x", "1500"}, i);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error() == "carrier_changes of eth1 is not a number: \"x\"");
}

TEST_CASE("probes: target URLs") {
  struct Row {
    const char* spec;
    const char* kind;
    const char* host;
    int port;
    const char* query;
  };
  for (const Row& r : {
           Row{"collector=http://127.0.0.1:9477/healthz", "http", "127.0.0.1", 9477, ""},
           Row{"portal=https://dichvucong.gov.vn/", "http", "dichvucong.gov.vn", 443, ""},
           Row{"web=http://[::1]/x", "http", "::1", 80, ""},
           Row{"gw=tcp://127.0.0.1:80", "tcp", "127.0.0.1", 80, ""},
           Row{"dns=dns://127.0.0.1/example.lan", "dns", "127.0.0.1", 53, "example.lan"},
           Row{"dns2=dns://[::1]:5353/a.b", "dns", "::1", 5353, "a.b"},
           Row{"sys=dns:///example.lan", "dns", "", 0, "example.lan"},
       }) {
    CAPTURE(r.spec);
    auto p = ParseProbeSpec(r.spec);
    REQUIRE_MESSAGE(p.ok(), p.error());
    CHECK(p->kind == r.kind);
    CHECK(p->host == r.host);
    CHECK(p->port == r.port);
    CHECK(p->query_name == r.query);
  }
  struct Bad {
    const char* spec;
    const char* error_part;
  };
  for (const Bad& b : {
           Bad{"no-equals", "expected NAME=URL"},
           Bad{"Bad Name=http://127.0.0.1/", "must be 1-32 characters"},
           Bad{"x=ftp://127.0.0.1/", "unknown scheme \"ftp\""},
           Bad{"x=127.0.0.1", "expected a URL"},
           Bad{"x=tcp://127.0.0.1", "needs a port"},
           Bad{"x=tcp://127.0.0.1:70000", "bad port"},
           Bad{"x=dns://resolver.lan/a", "must be an IP address"},
           Bad{"x=dns://127.0.0.1", "expected dns://SERVER/NAME"},
       }) {
    CAPTURE(b.spec);
    auto p = ParseProbeSpec(b.spec);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().find(b.error_part) != std::string::npos);
  }
}

TEST_CASE("probes: phase summary uses nearest-rank quantiles") {
  auto p = SummarizePhase("total", {0.5, 0.1, 0.3, 0.2, 0.4}, 5, 1.5, 0.5);
  CHECK(p.phase == "total");
  CHECK(p.count == 5);
  CHECK(p.p50 == 0.3);
  CHECK(p.p95 == 0.5);
  CHECK(p.max == 0.5);
  CHECK(p.sum == doctest::Approx(1.5));
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  auto q = SummarizePhase("dns", hundred, 100, 5050, 100);
  CHECK(q.p50 == 50);
  CHECK(q.p95 == 95);
  auto one = SummarizePhase("tls", {0.25}, 1, 0.25, 0.25);
  CHECK(one.p50 == 0.25);
  CHECK(one.p95 == 0.25);
}

TEST_CASE("probes: the DNS query a dns:// probe sends") {
  using namespace std::string_literals;
  struct Row {
    std::uint16_t id;
    std::string name;
    std::string wire;  // "" = refused
  };
  const std::string header_0102 = "\x01\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"s;
  const std::string a_in = "\x00\x00\x01\x00\x01"s;  // root label, type A, class IN
  const Row rows[] = {
      {0x0102, "portal.example.lan",
       header_0102 +
           "\x06portal\x07"
           "example\x03lan"s +
           a_in},
      {0x0102, "portal.example.lan.",
       header_0102 +
           "\x06portal\x07"
           "example\x03lan"s +
           a_in},
      {0xfffe, "a", "\xff\xfe\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01\x61"s + a_in},
      {1, "a..b", ""},
      {1, "a..", ""},
      {1, ".", ""},
      {1, std::string(64, 'x') + ".lan", ""},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto q = BuildDnsQuery(r.id, r.name);
    if (r.wire.empty()) {
      REQUIRE_FALSE(q.ok());
      CHECK(q.error() == "bad name " + r.name);
    } else {
      REQUIRE(q.ok());
      CHECK(*q == r.wire);
    }
  }
}

TEST_CASE("probes: which datagram answers the DNS query, and how") {
  using namespace std::string_literals;
  struct Row {
    const char* what;
    std::string datagram;
    std::optional<std::string> verdict;
  };
  const std::string tail = "\x00\x01\x00\x01\x00\x00\x00\x00"s;  // counts
  const Row rows[] = {
      {"NOERROR", "\x12\x34\x81\x80"s + tail, ""},
      {"NXDOMAIN", "\x12\x34\x81\x83"s + tail, "NXDOMAIN"},
      {"SERVFAIL", "\x12\x34\x81\x82"s + tail, "SERVFAIL"},
      {"REFUSED", "\x12\x34\x81\x85"s + tail, "REFUSED"},
      {"rcode 9 (NOTAUTH)", "\x12\x34\x81\x89"s + tail, "rcode 9"},
      {"another id", "\x12\x35\x81\x80"s + tail, std::nullopt},
      {"a query, not an answer", "\x12\x34\x01\x00"s + tail, std::nullopt},
      {"shorter than a header", "\x12\x34\x81\x80"s, std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    CHECK(DnsAnswerError(0x1234, r.datagram) == r.verdict);
  }
}

TEST_CASE("speedtest: peak hours and schedule") {
  auto peak = ParsePeakHours("07:30-11:30, 13:30-17:00");
  REQUIRE_MESSAGE(peak.ok(), peak.error());
  struct Row {
    int minute;
    bool in_peak;
  };
  for (const Row& r : {Row{7 * 60 + 29, false}, Row{7 * 60 + 30, true}, Row{11 * 60 + 29, true},
                       Row{11 * 60 + 30, false}, Row{12 * 60, false}, Row{16 * 60 + 59, true},
                       Row{17 * 60, false}, Row{23 * 60, false}}) {
    CAPTURE(r.minute);
    CHECK(InPeakHours(*peak, r.minute) == r.in_peak);
  }
  auto night = ParsePeakHours("22:00-06:00");  // wraps midnight
  REQUIRE(night.ok());
  CHECK(InPeakHours(*night, 23 * 60));
  CHECK(InPeakHours(*night, 5 * 60));
  CHECK_FALSE(InPeakHours(*night, 12 * 60));
  CHECK(ParsePeakHours("")->empty());
  for (const char* bad : {"7-11", "07:30", "25:00-26:00", "07:30-07:30", "07:60-08:00"}) {
    CAPTURE(bad);
    auto p = ParsePeakHours(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().find("expected HH:MM-HH:MM") != std::string::npos);
  }

  SpeedTestPolicy policy;
  policy.peak = *peak;
  policy.per_day = 2;
  policy.min_gap_seconds = 3600;
  const std::int64_t day = 1'000'000'000;  // a local midnight
  const int lunch = 12 * 60;
  const std::int64_t at_lunch = day + lunch * 60;
  CHECK(SpeedTestDue(policy, {}, at_lunch, day, lunch));
  CHECK_FALSE(SpeedTestDue(policy, {}, day + 9 * 3600, day, 9 * 60));               // peak
  CHECK_FALSE(SpeedTestDue(policy, {at_lunch - 600}, at_lunch, day, lunch));        // too soon
  CHECK(SpeedTestDue(policy, {at_lunch - 7200}, at_lunch, day, lunch));             // 1 of 2
  CHECK_FALSE(SpeedTestDue(policy, {day + 60, day + 7200}, at_lunch, day, lunch));  // 2 of 2
  CHECK(SpeedTestDue(policy, {day - 60, day - 7200}, at_lunch, day, lunch));        // yesterday's
  policy.per_day = 0;
  CHECK_FALSE(SpeedTestDue(policy, {}, at_lunch, day, lunch));
}
