// The network collectors run over fixture trees (--path.procfs/sysfs/rootfs), in registry
// order: netdev, then netlink and wireless adding to its interfaces, netstat, routes.
#include <doctest/doctest.h>

#include <algorithm>

#include "collector.h"
#include "collectors/netdev.h"
#include "collectors/netlink.h"
#include "collectors/netstat.h"
#include "collectors/routes.h"
#include "collectors/wireless.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {

CollectContext FixtureContext(const std::string& rootfs = "rootfs") {
  const std::string base = std::string(WARDWATCH_FIXTURES) + "/network/";
  CollectContext ctx;
  ctx.paths.procfs = base + "proc";
  ctx.paths.sysfs = base + "sys";
  ctx.paths.rootfs = base + rootfs;
  return ctx;
}

const schema::NetInterface& Find(const Report& r, const std::string& name) {
  auto it = std::find_if(r.network.interfaces.begin(), r.network.interfaces.end(),
                         [&](const auto& i) { return i.name == name; });
  REQUIRE_MESSAGE(it != r.network.interfaces.end(), name);
  return *it;
}

}  // namespace

TEST_CASE("a 100 Mb/s half-duplex NIC, a Wi-Fi link and loopback") {
  auto ctx = FixtureContext();
  Report r;
  for (auto make : {&NewNetdevCollector, &NewNetlinkCollector, &NewWirelessCollector}) {
    auto s = make()->Collect(ctx, r);
    REQUIRE_MESSAGE(s.ok(), s.error());
  }
  REQUIRE(r.network.interfaces.size() == 3);
  const auto& eth0 = Find(r, "eth0");
  CHECK(eth0.speed_bytes == 12'500'000u);  // 100 Mb/s
  CHECK(eth0.duplex == "half");
  CHECK(eth0.carrier_changes == 14u);
  CHECK(eth0.mtu == 1500u);
  CHECK(eth0.receive_bytes == 987654321u);
  CHECK_FALSE(eth0.wireless.has_value());
  const auto& wlan0 = Find(r, "wlan0");
  CHECK_FALSE(wlan0.speed_bytes.has_value());  // -1: unknown
  CHECK(wlan0.duplex.empty());                 // no duplex file for Wi-Fi
  CHECK(wlan0.carrier_changes == 3u);
  REQUIRE(wlan0.wireless.has_value());
  CHECK(wlan0.wireless->link_quality == 54);
  CHECK(wlan0.wireless->signal_dbm == -56);
  const auto& lo = Find(r, "lo");
  CHECK(lo.mtu == 65536u);
  CHECK_FALSE(lo.wireless.has_value());
}

TEST_CASE("netstat collector keeps node_exporter's default fields") {
  auto ctx = FixtureContext();
  Report r;
  auto s = NewNetstatCollector()->Collect(ctx, r);
  REQUIRE_MESSAGE(s.ok(), s.error());
  const auto& m = r.network.netstat;
  CHECK(m.at("Tcp_RetransSegs") == 117);
  CHECK(m.at("Tcp_OutSegs") == 20974);
  CHECK(m.at("Tcp_InSegs") == 22957);
  CHECK(m.at("Tcp_OutRsts") == 24);
  CHECK(m.at("Tcp_ActiveOpens") == 1641);
  CHECK(m.at("Tcp_PassiveOpens") == 1609);
  CHECK(m.count("TcpExt_ListenDrops") == 1);
  CHECK(m.count("Ip6_InOctets") == 1);
  CHECK(m.count("Tcp_RtoMin") == 0);  // filtered out
  CHECK(m.count("TcpExt_TW") == 0);
}

TEST_CASE("netstat collector: missing /proc/net/snmp is a failure naming the file") {
  CollectContext ctx;
  ctx.paths.procfs = "/nonexistent-procfs";
  Report r;
  auto s = NewNetstatCollector()->Collect(ctx, r);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().find("/nonexistent-procfs/net/snmp") != std::string::npos);
}

TEST_CASE("routes collector: gateways and resolvers") {
  Report r;
  auto s = NewRoutesCollector()->Collect(FixtureContext(), r);
  REQUIRE_MESSAGE(s.ok(), s.error());
  CHECK(r.network.default_gateways ==
        std::vector<std::string>{"192.168.1.1", "fe80::1%eth0", "2001:db8::1"});
  CHECK(r.network.dns_servers == std::vector<std::string>{"192.168.1.1", "2001:db8::53"});
}

TEST_CASE("routes collector: systemd-resolved stub is followed to its upstream servers") {
  Report r;
  auto s = NewRoutesCollector()->Collect(FixtureContext("rootfs-stub"), r);
  REQUIRE_MESSAGE(s.ok(), s.error());
  CHECK(r.network.dns_servers == std::vector<std::string>{"127.0.0.53", "10.0.0.2", "10.0.0.3"});
}
