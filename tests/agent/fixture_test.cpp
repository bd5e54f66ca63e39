// The foundation collectors on the fixture tree tests/fixtures/{proc,sys,rootfs}.
#include <doctest/doctest.h>

#include <set>

#include "agent.h"

using namespace wardwatch::agent;

namespace {

AgentOptions FixtureOptions() {
  AgentOptions o;
  o.print = true;
  o.paths.procfs = WARDWATCH_FIXTURES "/proc";
  o.paths.sysfs = WARDWATCH_FIXTURES "/sys";
  o.paths.rootfs = WARDWATCH_FIXTURES "/rootfs";
  o.state_dir = WARDWATCH_BINARY_DIR "/agent-fixture-state";
  return o;
}

}  // namespace

TEST_CASE("the agent reads the fixture machine") {
  Agent agent(FixtureOptions());
  REQUIRE(agent.Init().ok());
  auto r = agent.Collect();
  REQUIRE(r.ok());
  // This tree carries the foundation collectors' files; hardware, network and software
  // collectors have their own fixture machines (tests/fixtures/machines, network, software).
  const std::set<std::string> foundation = {"cpu", "meminfo", "filesystem", "netdev", "dmi", "os"};
  std::size_t seen = 0;
  for (const auto& c : r->collectors) {
    if (!foundation.count(c.name)) continue;
    ++seen;
    CAPTURE(c.name);
    CHECK(c.success);
  }
  CHECK(seen == foundation.size());
  CHECK(r->machine_id == "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  CHECK(r->hostname == "pc-ketoan-01");
  REQUIRE(r->system.cpus.size() == 2);
  CHECK(r->system.meminfo.at("MemTotal") == 3912176ULL * 1024);
  REQUIRE(r->network.interfaces.size() == 3);
  const auto& eth0 = r->network.interfaces.at(1);
  CHECK(eth0.name == "eth0");
  CHECK(eth0.receive_bytes == 9876543210ULL);
  REQUIRE(eth0.speed_bytes.has_value());
  CHECK(*eth0.speed_bytes == 12500000);                              // 100 Mb/s
  CHECK_FALSE(r->network.interfaces.at(2).speed_bytes.has_value());  // wlan0: -1 = unknown
  CHECK(r->system.dmi.at("bios_date") == "03/15/2016");
  CHECK(r->system.dmi.count("product_version") == 0);  // "To Be Filled By O.E.M."
  REQUIRE(r->system.os.has_value());
  CHECK(r->system.os->release == "6.1.0-13-amd64");
  CHECK(r->system.os->os_release.at("VERSION_ID") == "18.04");
  CHECK(*r->system.os->boot_time_seconds == 1700000000.0);
}

TEST_CASE("a missing procfs is a collector failure with the path in the message") {
  AgentOptions o = FixtureOptions();
  o.paths.procfs = "/nonexistent-proc";
  Agent agent(o);
  REQUIRE(agent.Init().ok());
  auto r = agent.Collect();
  REQUIRE(r.ok());
  bool found = false;
  for (const auto& c : r->collectors) {
    if (c.name == "cpu") {
      found = true;
      CHECK_FALSE(c.success);
      CHECK(c.error == "cannot read /nonexistent-proc/stat: No such file or directory");
    }
  }
  CHECK(found);
}

TEST_CASE("the agent runs on the live machine") {
  AgentOptions o;
  o.print = true;
  o.state_dir = WARDWATCH_BINARY_DIR "/agent-live-state";
  Agent agent(o);
  REQUIRE(agent.Init().ok());
  auto r = agent.Collect();
  REQUIRE(r.ok());
  for (const auto& c : r->collectors) {
    CAPTURE(c.name);
    CAPTURE(c.error);
    CHECK(c.success);
  }
  CHECK(r->system.meminfo.count("MemTotal") == 1);
  CHECK_FALSE(r->system.cpus.empty());
}
