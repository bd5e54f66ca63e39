// The simulated office is a function of its seed, and its reports look like real ones:
// counters only go down at a reboot, office hours are respected, the planted faults show.
#include <doctest/doctest.h>

#include <set>

#include "office.h"
#include "wardwatch/analytics/local_time.h"

using namespace wardwatch;
using namespace wardwatch::simulate;

namespace {

SimOptions Small(std::uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  o.machines = 12;
  o.days = 3;
  o.end = analytics::LocalMidnight(2026, 11, 28, 420);  // a Saturday: Wed, Thu, Fri simulated
  return o;
}

std::uint64_t StreamHash(const Office& office, std::size_t* count = nullptr) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::size_t n = 0;
  for (int i = 0; i < static_cast<int>(office.machines().size()); ++i) {
    MachineStream s(office, i);
    Report r;
    for (std::int64_t t = office.start() + office.step_seconds(); t <= office.options().end;
         t += office.step_seconds()) {
      if (!s.Next(t, r)) continue;
      for (unsigned char c : EncodeReport(r)) {
        h ^= c;
        h *= 0x100000001b3ULL;
      }
      ++n;
    }
  }
  if (count) *count = n;
  return h;
}

}  // namespace

TEST_CASE("same seed, same report stream; another seed, another office") {
  const Office a(Small(7)), b(Small(7)), c(Small(8));
  std::size_t n = 0;
  const std::uint64_t ha = StreamHash(a, &n);
  CHECK(n > 1000);
  CHECK(ha == StreamHash(b));
  CHECK(ha != StreamHash(c));
  CHECK(a.Truth() == b.Truth());
  CHECK(a.Truth() != c.Truth());
}

TEST_CASE("every report decodes, and counters only go down at a reboot") {
  const Office office(Small(3));
  for (int i = 0; i < static_cast<int>(office.machines().size()); ++i) {
    MachineStream s(office, i);
    Report r, prev;
    bool have_prev = false;
    for (std::int64_t t = office.start() + office.step_seconds(); t <= office.options().end;
         t += office.step_seconds()) {
      if (!s.Next(t, r)) continue;
      auto back = DecodeReport(EncodeReport(r));
      REQUIRE_MESSAGE(back.ok(), back.error());
      if (have_prev) {
        CHECK(r.sequence == prev.sequence + 1);
        const bool rebooted = *r.system.os->boot_time_seconds != *prev.system.os->boot_time_seconds;
        if (!rebooted) {
          CHECK(r.system.cpus[0].user >= prev.system.cpus[0].user);
          CHECK(r.network.interfaces[1].receive_bytes >= prev.network.interfaces[1].receive_bytes);
          CHECK(r.hardware->vmstat["pswpin"] >= prev.hardware->vmstat["pswpin"]);
        } else {
          CHECK(*r.system.os->boot_time_seconds > *prev.system.os->boot_time_seconds);
        }
      }
      prev = r;
      have_prev = true;
    }
  }
}

TEST_CASE("the fleet has the planted mix and office PCs sleep at night and at weekends") {
  SimOptions o = Small(1);
  o.machines = 60;
  o.days = 14;
  const Office office(o);
  std::map<std::string, int> planted;
  int hdd = 0, low_ram = 0, failing = 0, worn = 0, slow_nic = 0;
  std::set<std::string> os;
  for (const MachinePlan& m : office.machines()) {
    ++planted[m.planted];
    hdd += m.hdd;
    low_ram += m.ram_bytes < 5e9;
    failing += m.failing_disk;
    worn += m.battery_wear > 0.4;
    slow_nic += m.nic_speed_bytes == 12'500'000;
    os.insert(m.os_pretty);
    if (m.planted == "replace") CHECK(m.age_years >= 8);
  }
  CHECK(planted["replace"] == 12);
  CHECK(planted["upgrade"] == 10);  // 9 middle-aged + the laptop
  CHECK(planted["healthy"] == 38);
  CHECK(hdd >= 12);
  CHECK(low_ram >= 12);
  CHECK(failing >= 4);
  CHECK(worn == 1);
  CHECK(slow_nic == 12);
  CHECK(os.count("Windows 7 Professional SP1") == 1);
  const MachinePlan* office_pc = nullptr;
  for (const MachinePlan& m : office.machines()) {
    if (!m.always_on) office_pc = &m;
  }
  REQUIRE(office_pc);
  const std::int64_t sat = analytics::LocalMidnight(2026, 11, 21, 420) + 10 * 3600;
  const std::int64_t tue3am = analytics::LocalMidnight(2026, 11, 24, 420) + 3 * 3600;
  CHECK_FALSE(office.IsOn(office_pc->index, sat));
  CHECK_FALSE(office.IsOn(office_pc->index, tue3am));
}

TEST_CASE("planted congestion fills the uplink mid-morning and not at night") {
  SimOptions o = Small(1);
  o.machines = 60;
  o.days = 14;
  const Office office(o);
  REQUIRE_FALSE(office.blocks().empty());
  const CongestedBlock& b = office.blocks().front();
  const std::int64_t nine = b.day * 86400 - 420 * 60 + b.first_hour * 3600;
  CHECK(office.Utilisation(nine + 1800) > 0.9);
  CHECK(office.Utilisation(b.day * 86400 - 420 * 60 + 2 * 3600) < 0.05);
  const auto truth = office.Truth();
  bool morning = false;
  for (const auto& c : truth["congested_cells"]) morning |= c["hour"] == 9;
  CHECK(morning);
}
