// Tests the whole offline pipeline on pcap files the test writes: exact bytes per direction,
// class, remote host, port and application; learned names; decode errors; top-N and bounds.
#include "wardwatch/traffic/analyzer.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "packet_builder.h"
#include "wardwatch/traffic/capture.h"

using namespace wardwatch::traffic;
using namespace wardwatch::traffic::testing;
namespace fs = std::filesystem;

namespace {

std::string TempPcap(const std::string& name) {
  return (fs::temp_directory_path() / ("ww-" + name + "-" + std::to_string(getpid()) + ".pcap"))
      .string();
}

const HostUsage* FindHost(const TrafficSummary& s, const std::string& address) {
  for (const auto& h : s.top_hosts) {
    if (h.address == address) return &h;
  }
  return nullptr;
}
const PortUsage* FindPort(const TrafficSummary& s, const std::string& proto, int port) {
  for (const auto& p : s.top_ports) {
    if (p.protocol == proto && p.port == port) return &p;
  }
  return nullptr;
}

// Records what the test sends so that expectations are sums of the frames actually written.
struct Expect {
  std::map<std::string, Counters> host, port, cls;
  Counters total, not_local;
};

}  // namespace

TEST_CASE("offline pipeline: exact bytes per direction, class, host and port; learned names") {
  const std::string path = TempPcap("office");
  auto w = PcapWriter::Open(path, kLinkEthernet);
  REQUIRE(w);
  const IpAddr me = Ip("192.168.1.10"), me6 = Ip("2001:db8:ff::10");
  const IpAddr gw = Ip("192.168.1.1"), web = Ip("93.184.216.34"), drive = Ip("142.250.1.1");
  const IpAddr web6 = Ip("2001:db8::1"), office = Ip("203.0.113.5");
  Expect e;
  double t = 1764300000.0;
  auto send = [&](const Bytes& frame, bool out, const std::string& host, const std::string& port,
                  const std::string& cls) {
    w->Write(frame, t += 0.001);
    auto n = frame.size();
    auto add = [&](Counters& c) { out ? c.AddOut(n) : c.AddIn(n); };
    add(e.total);
    add(e.host[host]);
    add(e.port[port]);
    add(e.cls[cls]);
  };
  // TLS to a web server: the ClientHello names it.
  send(Ethernet(Ipv4(me, web, kProtoTcp, Tcp(50000, 443, TlsClientHello("example.com")))), true,
       "93.184.216.34", "tcp/443", "wan");
  send(Ethernet(Ipv4(web, me, kProtoTcp, Tcp(443, 50000, Bytes(1000, 1)))), false, "93.184.216.34",
       "tcp/443", "wan");
  send(Ethernet(Ipv4(web, me, kProtoTcp, Tcp(443, 50000, Bytes(1400, 1)))), false, "93.184.216.34",
       "tcp/443", "wan");
  // DNS: the answer names drive's address through a CNAME.
  send(Ethernet(Ipv4(me, gw, kProtoUdp, Udp(40000, 53, Bytes(34, 0)))), true, "192.168.1.1",
       "udp/53", "lan");
  send(Ethernet(
           Ipv4(gw, me, kProtoUdp,
                Udp(53, 40000,
                    DnsResponse("drive.google.com", {{"drive.google.com", 5, "drive.l.google.com"},
                                                     {"drive.l.google.com", 1, "142.250.1.1"}})))),
       false, "192.168.1.1", "udp/53", "lan");
  send(Ethernet(Ipv4(me, drive, kProtoTcp, Tcp(50001, 443, Bytes(500, 2)))), true, "142.250.1.1",
       "tcp/443", "wan");
  // IPv6 download.
  send(Ethernet(Ipv6(web6, me6, kProtoTcp, Tcp(443, 50002, Bytes(200, 3)))), false, "2001:db8::1",
       "tcp/443", "wan");
  // The office's own public subnet, behind VLAN 10: LAN by configuration.
  send(Ethernet(Ipv4(me, office, kProtoTcp, Tcp(50003, 8080, Bytes(300, 4))), {10}), true,
       "203.0.113.5", "tcp/8080", "lan");
  // Multicast out, broadcast in.
  send(Ethernet(Ipv4(me, Ip("224.0.0.251"), kProtoUdp, Udp(5353, 5353, Bytes(40, 0)))), true,
       "224.0.0.251", "udp/5353", "multicast");
  send(Ethernet(
           Ipv4(Ip("192.168.1.50"), Ip("255.255.255.255"), kProtoUdp, Udp(68, 67, Bytes(300, 0)))),
       false, "192.168.1.50", "udp/68", "multicast");
  // Neither end is ours (promiscuous capture on a shared segment).
  Bytes transit =
      Ethernet(Ipv4(Ip("10.9.9.9"), Ip("10.9.9.8"), kProtoUdp, Udp(1, 2, Bytes(20, 0))));
  w->Write(transit, t += 0.001);
  e.not_local.AddIn(transit.size());
  // Not IP, truncated, malformed: skipped and counted.
  w->Write({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1, 8, 0},
           t += 0.001);
  w->Write(Bytes(10, 0xAB), t += 0.001);
  Bytes bad_ihl = Ethernet(Ipv4(me, web, kProtoTcp, Tcp(1, 443)));
  bad_ihl[14] = 0x43;
  w->Write(bad_ihl, t += 0.001);
  w->Write(bad_ihl, t += 0.001);
  REQUIRE(w->Close());

  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("192.168.1.10"), *ParseCidr("2001:db8:ff::10")});
  o.office_subnets = {*ParseCidr("203.0.113.0/24")};
  auto s = AnalyzeFile(path, o);
  REQUIRE_MESSAGE(s, s.error());
  fs::remove(path);

  CHECK(s->packets_seen == 15);
  CHECK(s->total == e.total);
  CHECK(s->not_local == e.not_local);
  for (const auto& [cls, c] : e.cls) {
    CAPTURE(cls);
    CHECK(s->by_class.at(cls) == c);
  }
  CHECK(s->top_hosts.size() == e.host.size());
  for (const auto& [addr, c] : e.host) {
    CAPTURE(addr);
    const HostUsage* h = FindHost(*s, addr);
    REQUIRE(h);
    CHECK(h->counters == c);
  }
  for (const auto& [key, c] : e.port) {
    CAPTURE(key);
    auto slash = key.find('/');
    const PortUsage* p = FindPort(*s, key.substr(0, slash), std::stoi(key.substr(slash + 1)));
    REQUIRE(p);
    CHECK(p->counters == c);
  }
  CHECK(FindHost(*s, "93.184.216.34")->name == "example.com");
  CHECK(FindHost(*s, "93.184.216.34")->name_source == "sni");
  CHECK(FindHost(*s, "142.250.1.1")->name == "drive.google.com");
  CHECK(FindHost(*s, "142.250.1.1")->name_source == "dns");
  CHECK(FindHost(*s, "203.0.113.5")->traffic_class == "lan");
  CHECK(FindHost(*s, "192.168.1.1")->name.empty());
  // Hosts are ordered by bytes, largest first.
  CHECK(s->top_hosts.front().address == "93.184.216.34");
  // Without a resolver every flow's application is unknown.
  REQUIRE(s->top_apps.size() == 1);
  CHECK(s->top_apps[0].name == "unknown");
  CHECK(s->top_apps[0].counters == e.total);

  CHECK(s->non_ip_packets == 1);
  CHECK(s->decode_errors.size() == 2);
  CHECK(s->decode_errors.at("truncated_link_header") == 1);
  CHECK(s->decode_errors.at("bad_ip_header_length") == 2);
  CHECK(s->names_learned_dns == 1);
  CHECK(s->names_learned_sni == 1);
  CHECK(s->start_unix_seconds == doctest::Approx(1764300000.001));

  auto j = ToJson(*s);
  CHECK(j["total"]["out_bytes"] == e.total.out_bytes);
  CHECK(j["classes"]["multicast"]["in_packets"] == 1);
  CHECK(j["hosts"][0]["name"] == "example.com");
  CHECK(j["decode_errors"]["bad_ip_header_length"] == 2);
  CHECK_FALSE(j.contains("capture"));
}

TEST_CASE("Linux cooked capture (tcpdump -i any) gives the same counts") {
  const std::string path = TempPcap("sll");
  auto w = PcapWriter::Open(path, kLinkLinuxSll);
  REQUIRE(w);
  Bytes up =
      LinuxSll(Ipv4(Ip("10.0.0.2"), Ip("8.8.4.4"), kProtoUdp, Udp(33000, 443, Bytes(1200, 0))));
  for (int i = 0; i < 5; ++i) w->Write(up, 1.0 + i);
  REQUIRE(w->Close());
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("10.0.0.0/24")});
  auto s = AnalyzeFile(path, o);
  fs::remove(path);
  REQUIRE(s);
  CHECK(s->total.out_bytes == 5 * up.size());
  CHECK(s->by_class.at("wan").out_packets == 5);
  REQUIRE(FindPort(*s, "udp", 443));
  CHECK(s->end_unix_seconds - s->start_unix_seconds == doctest::Approx(4.0));
}

TEST_CASE("top-N keeps the largest and sums the rest into other; intervals start afresh") {
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("192.168.1.10")});
  o.top_n = 3;
  o.resolver = [](std::uint8_t, const IpAddr&, std::uint16_t port) {
    return "app" + std::to_string(port % 5);
  };
  TrafficAnalyzer a(o);
  std::uint64_t all = 0;
  for (int host = 1; host <= 8; ++host) {
    Bytes f = Ethernet(
        Ipv4(Ip("192.168.1.10"), Ip(("198.51.100." + std::to_string(host)).c_str()), kProtoTcp,
             Tcp(static_cast<std::uint16_t>(40000 + host), static_cast<std::uint16_t>(1000 + host),
                 Bytes(static_cast<std::size_t>(100 * host), 0))));
    a.OnPacket(kLinkEthernet, 1.0, f, static_cast<std::uint32_t>(f.size()));
    all += f.size();
  }
  auto s = a.Summarize();
  REQUIRE(s.top_hosts.size() == 3);
  CHECK(s.top_hosts[0].address == "198.51.100.8");
  CHECK(s.top_hosts[2].address == "198.51.100.6");
  std::uint64_t listed = 0;
  for (const auto& h : s.top_hosts) listed += h.counters.out_bytes;
  CHECK(listed + s.other_hosts.out_bytes == all);
  CHECK(s.top_ports.size() == 3);
  CHECK(s.top_ports[0].port == 1008);
  REQUIRE(s.top_apps.size() == 3);
  std::uint64_t apps = s.other_apps.out_bytes;
  for (const auto& app : s.top_apps) apps += app.counters.out_bytes;
  CHECK(apps == all);
  CHECK(s.top_apps[0].name == "app3");  // ports 40003 and 40008 -> hosts 3 + 8

  auto next = a.Summarize();
  CHECK(next.total.out_bytes == 0);
  CHECK(next.top_hosts.empty());
  CHECK(next.packets_seen == 0);
}

TEST_CASE("memory stays bounded: flows beyond the table and apps beyond the cap are counted") {
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("10.1.0.0/16")});
  o.flow_capacity = 100;
  o.max_apps = 4;  // unknown, other + 2 names
  o.resolver = [](std::uint8_t, const IpAddr&, std::uint16_t port) {
    return "p" + std::to_string(port);
  };
  TrafficAnalyzer a(o);
  std::uint64_t all = 0;
  for (int i = 0; i < 1000; ++i) {
    Bytes f = Ethernet(Ipv4(Ip("10.1.0.5"), Ip("192.0.2.1"), kProtoUdp,
                            Udp(static_cast<std::uint16_t>(20000 + i), 9999, Bytes(10, 0))));
    a.OnPacket(kLinkEthernet, 1.0, f, static_cast<std::uint32_t>(f.size()));
    all += f.size();
  }
  auto s = a.Summarize();
  CHECK(s.flows == 100);
  CHECK(s.untracked_packets == 900);
  CHECK(s.total.out_bytes == all);
  CHECK(s.by_class.at("wan").out_bytes == all);
  REQUIRE(s.top_hosts.size() == 1);
  CHECK(s.top_hosts[0].counters.out_bytes + s.other_hosts.out_bytes == all);
  CHECK(s.top_apps.size() == 2);
  std::uint64_t apps = s.other_apps.out_bytes;
  for (const auto& app : s.top_apps) apps += app.counters.out_bytes;
  CHECK(apps == all);
}

TEST_CASE("a missing or corrupt capture file is a clear error") {
  auto missing = AnalyzeFile("/nonexistent/x.pcap", {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().find("cannot open capture file /nonexistent/x.pcap") == 0);
  const std::string path = TempPcap("junk");
  {
    auto w = PcapWriter::Open(path, kLinkEthernet);
    REQUIRE(w);
    REQUIRE(w->Close());
  }
  // Corrupt the magic number.
  {
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    REQUIRE(f);
    std::fputc('X', f);
    std::fclose(f);
  }
  auto junk = AnalyzeFile(path, {});
  fs::remove(path);
  REQUIRE_FALSE(junk);
  CHECK(junk.error().find("cannot open capture file") == 0);
}
