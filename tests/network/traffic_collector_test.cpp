// The agent's traffic collector: the library's summaries become network.traffic with running
// totals, and `wardwatch-agent --pcap-file FILE --print --once` reports a capture written here.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "packet_builder.h"
#include "pcap/traffic_convert.h"
#include "wardwatch/report.h"
#include "wardwatch/traffic/decode.h"

using namespace wardwatch;
using namespace wardwatch::agent;
using namespace wardwatch::traffic;
using namespace wardwatch::traffic::testing;

namespace {

std::string RunAgent(const std::string& args) {
  const std::string cmd = std::string(WARDWATCH_BINARY_DIR) + "/agent/wardwatch-agent " + args;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

const schema::TrafficEntry* Find(const std::vector<schema::TrafficEntry>& v,
                                 const std::string& key) {
  for (const auto& e : v)
    if (e.key == key) return &e;
  return nullptr;
}

}  // namespace

TEST_CASE("accumulator: per-interval entries, cumulative class and error totals") {
  TrafficSummary a;
  a.start_unix_seconds = 100;
  a.end_unix_seconds = 160;
  a.by_class["wan"] = Counters{1000, 200, 3, 2};
  a.by_class["lan"] = Counters{50, 60, 1, 1};
  a.top_apps = {AppUsage{"firefox", Counters{1000, 200, 3, 2}}};
  a.other_apps = Counters{50, 60, 1, 1};
  a.top_hosts = {HostUsage{"142.250.1.1", "drive.google.com", "dns", "wan", {900, 100, 2, 1}},
                 HostUsage{"93.184.216.34", "", "", "wan", {100, 100, 1, 1}}};
  a.top_ports = {PortUsage{"tcp", 443, {1000, 200, 3, 2}}};
  a.packets_seen = 7;
  a.decode_errors["truncated"] = 2;
  a.names_learned_dns = 1;
  TrafficAccumulator acc;
  auto t = acc.Add(a, "live:eth0");
  CHECK(t.interval_seconds == 60);
  CHECK(t.source == "live:eth0");
  CHECK(t.receive_bytes_total.at("wan") == 1000);
  CHECK(t.transmit_bytes_total.at("lan") == 60);
  REQUIRE(t.apps.size() == 2);
  CHECK(t.apps[0].key == "firefox");
  CHECK(t.apps[1].key == "other");
  CHECK(t.apps[1].receive_bytes == 50);
  REQUIRE(t.remote_hosts.size() == 2);  // no "other" row when nothing was left over
  CHECK(t.remote_hosts[0].key == "drive.google.com");
  CHECK(t.remote_hosts[1].key == "93.184.216.34");
  CHECK(t.remote_hosts[0].traffic_class == "wan");
  CHECK(t.ports[0].key == "tcp/443");
  auto t2 = acc.Add(a, "live:eth0");
  CHECK(t2.receive_bytes_total.at("wan") == 2000);
  CHECK(t2.decode_errors_total.at("truncated") == 4);
  CHECK(t2.packets_total == 14);
  CHECK(t2.names_learned_total == 2);
  CHECK(t2.apps[0].receive_bytes == 1000);  // entries are per interval, not cumulative
}

TEST_CASE("wardwatch-agent --pcap-file FILE --print --once reports that capture's traffic") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("ww-agent-" + std::to_string(::getpid()) + ".pcap"))
                               .string();
  auto w = PcapWriter::Open(path, kLinkEthernet);
  REQUIRE(w);
  const IpAddr me = Ip("192.168.1.10"), web = Ip("93.184.216.34"), gw = Ip("192.168.1.1");
  double t = 1764300000.0;
  std::uint64_t web_in = 0, web_out = 0, lan_out = 0;
  Bytes hello =
      Ethernet(Ipv4(me, web, kProtoTcp, Tcp(50000, 443, TlsClientHello("portal.example"))));
  Bytes data = Ethernet(Ipv4(web, me, kProtoTcp, Tcp(443, 50000, Bytes(1400, 1))));
  Bytes dns = Ethernet(Ipv4(me, gw, kProtoUdp, Udp(40000, 53, Bytes(30, 0))));
  w->Write(hello, t += 0.01);
  web_out += hello.size();
  for (int i = 0; i < 5; ++i) {
    w->Write(data, t += 0.01);
    web_in += data.size();
  }
  w->Write(dns, t += 0.01);
  lan_out += dns.size();
  w->Write(Bytes(9, 0xAB), t += 0.01);  // truncated: counted, skipped
  REQUIRE(w->Close());

  const std::string out = RunAgent("--print --once --pcap-file " + path +
                                   " --local-net 192.168.1.10/32 --disable-collector probes"
                                   " 2>/dev/null");
  std::filesystem::remove(path);
  auto report = DecodeReport(out);
  REQUIRE_MESSAGE(report.ok(),
                  ((report.ok() ? std::string() : report.error()) + "\n" + out.substr(0, 300)));
  REQUIRE(report->network.traffic.has_value());
  const auto& tr = *report->network.traffic;
  CHECK(tr.source == "file:" + std::filesystem::path(path).filename().string());
  CHECK(tr.packets_total == 8);
  CHECK(tr.receive_bytes_total.at("wan") == web_in);
  CHECK(tr.transmit_bytes_total.at("wan") == web_out);
  CHECK(tr.transmit_bytes_total.at("lan") == lan_out);
  const auto* portal = Find(tr.remote_hosts, "portal.example");  // named from the SNI
  REQUIRE(portal != nullptr);
  CHECK(portal->receive_bytes == web_in);
  CHECK(portal->transmit_bytes == web_out);
  CHECK(portal->traffic_class == "wan");
  REQUIRE(Find(tr.ports, "tcp/443") != nullptr);
  CHECK(Find(tr.ports, "tcp/443")->receive_packets == 5);
  std::uint64_t errors = 0;
  for (const auto& [reason, n] : tr.decode_errors_total) errors += n;
  CHECK(errors == 1);
}

TEST_CASE("a missing capture file fails the traffic collector only") {
  const std::string out = RunAgent(
      "--print --once --pcap-file /nonexistent/x.pcap --disable-collector probes 2>&1 >/dev/null");
  CHECK(out.find("collector traffic failed") != std::string::npos);
  CHECK(out.find("/nonexistent/x.pcap") != std::string::npos);
}
