// The simulated office is a function of its seed, and its reports look like real ones:
// counters only go down at a reboot, office hours are respected, the planted faults show.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "office.h"
#include "wardwatch/analytics/local_time.h"

using namespace wardwatch;
using namespace wardwatch::simulate;

namespace {

// A report whose interval ends in the morning's office hours (08:00-11:30, Monday-Friday).
bool OfficeReport(const Office& office, const Report& r) {
  const auto lt = analytics::ToLocal(static_cast<std::int64_t>(r.collected_at_ms / 1000),
                                     office.options().utc_offset_minutes);
  return lt.weekday < 5 && lt.minute_of_day() >= 480 && lt.minute_of_day() <= 690;
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

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

TEST_CASE("memory and paging look like /proc/meminfo and /proc/vmstat of the PC's system") {
  SimOptions o = Small(5);
  o.machines = 30;
  const Office office(o);
  int linux_reports = 0, windows_reports = 0, reboots = 0;
  std::vector<double> pressured_reads, healthy_reads;  // Windows, office hours, per second
  for (int i = 0; i < static_cast<int>(office.machines().size()); ++i) {
    const MachinePlan& m = office.machines()[static_cast<std::size_t>(i)];
    const bool windows = m.os_id == "windows";
    MachineStream s(office, i);
    Report r, prev;
    bool have_prev = false;
    for (std::int64_t t = office.start() + office.step_seconds(); t <= office.options().end;
         t += office.step_seconds()) {
      if (!s.Next(t, r)) continue;  // off: the next report comes from a new boot
      auto& mi = r.system.meminfo;
      const auto& vm = r.hardware->vmstat;
      const auto& ds = r.hardware->diskstats.at(0);
      const double total = static_cast<double>(mi.at("MemTotal"));
      REQUIRE(mi.at("MemAvailable") <= mi.at("MemTotal"));
      CHECK(mi.at("SwapFree") <= mi.at("SwapTotal"));
      if (windows) {
        ++windows_reports;
        // The Windows agent has no slab, no buffers and no block-layer paging counters.
        CHECK(mi.count("SReclaimable") == 0);
        CHECK(mi.count("Buffers") == 0);
        CHECK(mi.at("MemFree") == mi.at("MemAvailable"));
        // Exactly the vmstat keys the Windows agent sends (vmstat_windows.cpp), and none of
        // the Linux-only signals (PSI, load average, throttle counts, temperatures).
        std::set<std::string> keys;
        for (const auto& [key, v] : vm) keys.insert(key);
        CHECK(keys == std::set<std::string>{"pgfault", "pgmajfault", "pswpout"});
        CHECK(vm.at("pgmajfault") <= vm.at("pgfault"));
        CHECK_FALSE(r.hardware->pressure.has_value());
        CHECK_FALSE(r.hardware->load.has_value());
        CHECK(r.hardware->temperatures.empty());
        REQUIRE(r.hardware->cpu.has_value());
        CHECK_FALSE(r.hardware->cpu->core_throttle_total.has_value());
        for (const char* a : {"pressure", "loadavg", "cpu_throttle"}) {
          const auto& absent = r.hardware->absent;
          CHECK(std::find(absent.begin(), absent.end(), a) != absent.end());
        }
        if (have_prev && *r.system.os->boot_time_seconds == *prev.system.os->boot_time_seconds) {
          const auto& pvm = prev.hardware->vmstat;
          CHECK(vm.at("pgfault") > pvm.at("pgfault"));
          CHECK(vm.at("pgmajfault") >= pvm.at("pgmajfault"));
          // Office hours: hard-fault reads a second, by whether memory pressure was planted.
          const double dt = static_cast<double>(r.collected_at_ms - prev.collected_at_ms) / 1000;
          if (dt > 0 && OfficeReport(office, r)) {
            (m.swap_in_per_interval > 0 ? pressured_reads : healthy_reads)
                .push_back(static_cast<double>(vm.at("pgmajfault") - pvm.at("pgmajfault")) / dt);
          }
        }
      } else {
        ++linux_reports;
        for (const auto& [key, v] : mi) CHECK_MESSAGE(v % 1024 == 0, key);  // kB in /proc
        CHECK(mi.at("Slab") == mi.at("SReclaimable") + mi.at("SUnreclaim"));
        CHECK(mi.at("SReclaimable") > 0);
        CHECK(mi.at("Cached") >= mi.at("Shmem"));
        const double free = static_cast<double>(mi.at("MemFree"));
        const double reclaimable = static_cast<double>(mi.at("Cached") + mi.at("Buffers") +
                                                       mi.at("SReclaimable") - mi.at("Shmem"));
        const double avail = static_cast<double>(mi.at("MemAvailable"));
        // MemAvailable is free memory plus what reclaim can take, less the kernel's reserve.
        CHECK(avail < free + reclaimable);
        CHECK(avail > free);
        // Both "RAM used" of Node Exporter Full agree within a few percent of RAM.
        const double used_quick = 1 - avail / total;
        const double used_basic =
            (total - free -
             static_cast<double>(mi.at("Cached") + mi.at("Buffers") + mi.at("SReclaimable"))) /
            total;
        CHECK(std::abs(used_quick - used_basic) < 0.05);
        CHECK(mi.count("KReclaimable") == (std::atoi(m.os_kernel.c_str()) >= 5 ? 1u : 0u));
        // pgpgin/pgpgout count KiB through the block layer: the boot disk's reads and writes.
        CHECK(vm.at("pgpgin") == ds.read_bytes / 1024);
        CHECK(vm.at("pgpgout") == ds.written_bytes / 1024);
        if (have_prev) {
          const auto& pvm = prev.hardware->vmstat;
          const bool rebooted =
              *r.system.os->boot_time_seconds != *prev.system.os->boot_time_seconds;
          if (rebooted) {
            ++reboots;
            CHECK(vm.at("pgpgin") < pvm.at("pgpgin"));
          } else {
            CHECK(vm.at("pgpgin") > pvm.at("pgpgin"));
            CHECK(vm.at("pgpgout") > pvm.at("pgpgout"));
            // Swapped-in pages were read from the disk too.
            const auto swapped = (vm.at("pswpin") - pvm.at("pswpin")) * 4;
            CHECK(vm.at("pgpgin") - pvm.at("pgpgin") >= swapped);
          }
        }
      }
      prev = r;
      have_prev = true;
    }
  }
  CHECK(linux_reports > 100);
  CHECK(windows_reports > 100);
  CHECK(reboots > 5);
  // The analytics' Windows memory-pressure signal (hard-fault reads, threshold 5 a second)
  // tells the planted PCs from the others.
  REQUIRE_FALSE(pressured_reads.empty());
  REQUIRE_FALSE(healthy_reads.empty());
  MESSAGE("Windows hard-fault reads a second in office hours: planted "
          << Mean(pressured_reads) << ", others " << Mean(healthy_reads));
  CHECK(Mean(pressured_reads) > 8);
  CHECK(Mean(healthy_reads) < 2);
}

namespace {

bool Has(const MachinePlan& m, const std::string& name) {
  for (const schema::Package& p : m.packages) {
    if (p.name == name) return true;
  }
  return false;
}

std::string VersionOf(const MachinePlan& m, const std::string& name) {
  for (const schema::Package& p : m.packages) {
    if (p.name == name) return p.version;
  }
  return {};
}

}  // namespace

TEST_CASE("installed software differs from PC to PC, reproducibly, and matches what runs") {
  SimOptions o = Small(1);
  o.machines = 60;
  o.days = 14;
  const Office office(o);
  std::set<std::vector<std::pair<std::string, std::string>>> windows_lists;
  std::map<std::string, std::set<std::string>> versions;  // Windows program -> versions seen
  int windows = 0, no_zoom = 0, htkk = 0, extra = 0;
  for (const MachinePlan& m : office.machines()) {
    CHECK_MESSAGE((Has(m, "Zalo") || Has(m, "zalo")), m.hostname);
    CHECK_MESSAGE((m.zoom || m.teams), m.hostname);
    CHECK(Has(m, m.os_id == "windows" ? "Zoom Workplace" : "zoom") == m.zoom);
    CHECK(Has(m, m.os_id == "windows" ? "Microsoft Teams" : "teams-for-linux") == m.teams);
    extra += Has(m, "AnyDesk") || Has(m, "anydesk") || Has(m, "TeamViewer") || Has(m, "teamviewer");
    if (m.os_id != "windows") continue;
    ++windows;
    std::vector<std::pair<std::string, std::string>> list;
    for (const schema::Package& p : m.packages) {
      list.emplace_back(p.name, p.version);
      versions[p.name].insert(p.version);
    }
    windows_lists.insert(list);
    no_zoom += !m.zoom;
    htkk += Has(m, "HTKK");
    if (m.department == "Kế toán") CHECK_MESSAGE(Has(m, "HTKK"), m.hostname);  // the tax tool
    if (m.os_version == "7" && Has(m, "Google Chrome")) {  // the last Chrome for Windows 7
      CHECK(VersionOf(m, "Google Chrome").rfind("109.", 0) == 0);
    }
  }
  REQUIRE(windows >= 30);
  CHECK(windows_lists.size() > static_cast<std::size_t>(windows / 2));
  CHECK(no_zoom >= 3);
  CHECK(no_zoom < windows / 2);
  CHECK(htkk > 0);
  CHECK(htkk < windows / 2);  // accounting and a few other desks, not everyone
  CHECK(extra >= 1);
  CHECK(extra <= 2);
  for (const char* p : {"Google Chrome", "Zalo", "UniKey", "Zoom Workplace"}) {
    CHECK_MESSAGE(versions[p].size() >= 2, p);  // some PCs lag behind
  }

  // Who fills the line with a video call has that program installed.
  for (const CongestedBlock& b : office.blocks()) {
    for (const Culprit& c : b.culprits) {
      const MachinePlan& m = office.machines()[static_cast<std::size_t>(c.machine)];
      if (c.app == "Zoom") CHECK_MESSAGE(m.zoom, m.hostname);
      if (c.app == "Microsoft Teams") CHECK_MESSAGE(m.teams, m.hostname);
    }
  }

  // The planted truth lists what the first report sends; the hash names the list.
  const auto truth = office.Truth();
  std::map<std::string, std::string> hashes;  // hash -> machine id
  for (int i = 0; i < 12; ++i) {
    const MachinePlan& m = office.machines()[static_cast<std::size_t>(i)];
    MachineStream s(office, i);
    Report r;
    std::int64_t t = office.start() + office.step_seconds();
    while (!s.Next(t, r)) t += office.step_seconds();
    REQUIRE(r.software);
    REQUIRE(r.software->packages);
    nlohmann::json sent = nlohmann::json::object();
    for (const schema::Package& p : *r.software->packages) sent[p.name] = p.version;
    CHECK(sent == truth["machines"][static_cast<std::size_t>(i)]["packages"]);
    const std::string hash = r.software->inventory_hash;
    t += office.step_seconds();
    while (!s.Next(t, r)) t += office.step_seconds();
    CHECK_FALSE(r.software->packages);  // sent in full only once
    CHECK(r.software->inventory_hash == hash);
    auto [it, fresh] = hashes.emplace(hash, m.machine_id);
    if (!fresh) {  // the same hash only for the same list
      const auto& other =
          std::find_if(office.machines().begin(), office.machines().end(),
                       [&](const MachinePlan& x) { return x.machine_id == it->second; });
      CHECK(other->packages.size() == m.packages.size());
      for (std::size_t k = 0; k < m.packages.size(); ++k) {
        CHECK(other->packages[k].version == m.packages[k].version);
      }
    }
  }
  // Another seed, another office: the lists move with it.
  const Office other(Small(2));
  CHECK(other.Truth()["machines"][0]["packages"] !=
        Office(Small(1)).Truth()["machines"][0]["packages"]);
}
