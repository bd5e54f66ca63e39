// The hardware collectors end to end through the registration table: on the four fixture
// machines (facts an IT officer would ask about), on this live machine, and without root.
#include <doctest/doctest.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "collector.h"
#include "options.h"

using namespace wardwatch;
using namespace wardwatch::agent;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHardwareCollectors[] = {
    "disks",   "smart",          "diskstats", "pressure", "vmstat",  "loadavg",
    "cpuinfo", "memory_modules", "hwmon",     "thermal",  "battery", "chassis"};

struct Run {
  Report report;
  std::vector<std::string> failures;  // "name: error"
};

Run RunHardware(const Paths& paths, const AgentOptions& options) {
  Run run;
  CollectContext ctx;
  ctx.paths = paths;
  ctx.options = &options;
  for (const CollectorEntry& e : AllCollectors()) {
    if (std::find(std::begin(kHardwareCollectors), std::end(kHardwareCollectors), e.name) ==
        std::end(kHardwareCollectors)) {
      continue;
    }
    Status s = e.make()->Collect(ctx, run.report);
    if (!s.ok()) run.failures.push_back(std::string(e.name) + ": " + s.error());
  }
  return run;
}

Run RunMachine(const std::string& machine) {
  const std::string root = std::string(WARDWATCH_FIXTURES) + "/machines/" + machine;
  Paths p;
  p.procfs = root + "/proc";
  p.sysfs = root + "/sys";
  p.rootfs = root + "/rootfs";
  AgentOptions o;
  o.smartctl = "/nonexistent/smartctl-must-not-run";
  o.smartctl_fixtures = root + "/smartctl";
  return RunHardware(p, o);
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const schema::SmartAttribute* Attr(const schema::Disk& d, std::uint32_t id) {
  for (const auto& a : d.attributes) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("every hardware collector is in the registration table") {
  for (std::string_view name : kHardwareCollectors) {
    CAPTURE(name);
    auto all = AllCollectors();
    CHECK(std::any_of(all.begin(), all.end(),
                      [&](const CollectorEntry& e) { return e.name == name; }));
  }
}

TEST_CASE("fixture: new desktop with NVMe") {
  Run run = RunMachine("new-desktop-nvme");
  CHECK(run.failures.empty());
  const auto& hw = *run.report.hardware;
  REQUIRE(hw.disks.size() == 1);  // loop0 is not a disk
  const auto& d = hw.disks[0];
  CHECK(d.name == "nvme0n1");
  CHECK(d.boot);
  CHECK_FALSE(d.rotational);
  CHECK(d.size_bytes == 512110190592ULL);
  CHECK(d.serial == "S64KNX0T512345");
  CHECK(d.smart_passed == true);
  REQUIRE(d.nvme.has_value());
  CHECK(d.nvme->percentage_used == 1);
  CHECK(d.nvme->available_spare == 100);
  CHECK(hw.chassis_type == 3u);
  REQUIRE(hw.cpu.has_value());
  CHECK(hw.cpu->cores == 6);
  CHECK(hw.cpu->threads == 12);
  CHECK(hw.cpu->flags == std::vector<std::string>{"sse4_2", "avx", "avx2", "aes"});
  CHECK(*hw.cpu->max_hertz == doctest::Approx(4.6e9));
  CHECK(*hw.cpu->core_throttle_total == 1);
  CHECK(hw.memory_modules.size() == 2);
  CHECK(hw.memory_slots == 4u);
  CHECK(hw.fans.size() == 2);
  CHECK(hw.batteries.empty());
  CHECK(Has(hw.absent, "battery"));
  CHECK(hw.needs_privilege.empty());
  REQUIRE(hw.diskstats.size() == 1);
  CHECK(hw.diskstats[0].device == "nvme0n1");
}

TEST_CASE("fixture: 8-year-old desktop, HDD boot disk with reallocated and pending sectors") {
  Run run = RunMachine("old-desktop-hdd");
  CHECK(run.failures.empty());
  const auto& hw = *run.report.hardware;
  REQUIRE(hw.disks.size() == 1);  // the empty DVD drive sr0 is not listed
  const auto& d = hw.disks[0];
  CHECK(d.name == "sda");
  CHECK(d.boot);
  CHECK(d.rotational);
  CHECK(d.model == "ST1000DM010-2EP1");  // sysfs model wins over smartctl's
  CHECK(d.serial == "ZN1A2B3C");         // SATA serial comes from smartctl
  CHECK(d.power_on_hours == 41870);
  REQUIRE(Attr(d, 5) != nullptr);
  CHECK(Attr(d, 5)->raw == 184);
  REQUIRE(Attr(d, 197) != nullptr);
  CHECK(Attr(d, 197)->raw == 24);
  CHECK(Attr(d, 198)->raw == 24);
  CHECK(hw.vmstat.at("pswpout") == 2411907);
  CHECK(*hw.pressure->memory_some_seconds == doctest::Approx(812.345678));
  CHECK(hw.memory_modules.size() == 1);
  CHECK(hw.memory_modules[0].type == "DDR4");
  CHECK(hw.memory_modules[0].size_bytes == 4ULL << 30);
  CHECK(Has(hw.absent, "fans"));
  CHECK(hw.cpu->package_throttle_total == 5u);
}

TEST_CASE("fixture: laptop with a worn battery and a hot CPU") {
  Run run = RunMachine("laptop-worn-battery");
  CHECK(run.failures.empty());
  const auto& hw = *run.report.hardware;
  CHECK(hw.chassis_type == 10u);
  REQUIRE(hw.batteries.size() == 2);  // the mouse battery (scope=Device) is not the laptop's
  CHECK(hw.batteries[0].name == "BAT0");
  CHECK(*hw.batteries[0].wear_ratio == doctest::Approx(1 - 14.82 / 24.05));
  CHECK(*hw.batteries[0].cycle_count == 812);
  CHECK(*hw.batteries[1].wear_ratio == doctest::Approx(1 - 1.85 / 2.09));
  const auto hottest =
      std::max_element(hw.temperatures.begin(), hw.temperatures.end(),
                       [](const auto& a, const auto& b) { return a.celsius < b.celsius; });
  CHECK(hottest->chip == "coretemp");
  CHECK(hottest->label == "Package id 0");
  CHECK(hottest->celsius == doctest::Approx(94.0));
  CHECK(*hw.cpu->core_throttle_total == 1843 + 1790 + 1812 + 1766);
  CHECK(*hw.cpu->package_throttle_total == 5123);
  REQUIRE(hw.disks.size() == 1);
  CHECK(hw.disks[0].boot);  // root is LVM inside LUKS on sda3
  CHECK_FALSE(hw.disks[0].rotational);
  CHECK(hw.thermal_zones.size() == 3);
  CHECK(hw.fans.size() == 1);
  CHECK(hw.memory_modules[0].form_factor == "SODIMM");
}

TEST_CASE("fixture: minimal VM has almost nothing, and says so without failing") {
  Run run = RunMachine("vm-minimal");
  CHECK(run.failures.empty());
  const auto& hw = *run.report.hardware;
  REQUIRE(hw.disks.size() == 1);
  CHECK(hw.disks[0].boot);
  CHECK(hw.disks[0].smart_unavailable == "/dev/vda: Unable to detect device type");
  CHECK(hw.disks[0].serial.empty());
  // "fans" is only named when hwmon exists but has no fan; here hwmon itself is absent.
  for (std::string a : {"smart", "pressure", "hwmon", "thermal_zones", "battery", "memory_modules",
                        "cpu_frequency", "cpu_throttle"}) {
    CAPTURE(a);
    CHECK(Has(hw.absent, a));
  }
  CHECK(hw.chassis_type == 1u);
  CHECK(hw.cpu->sockets == 2);
  CHECK(hw.cpu->flags.empty());
  CHECK(hw.load->load1 == doctest::Approx(0.08));
  CHECK(hw.needs_privilege.empty());
}

TEST_CASE("dmi: a machine without DMI says so; root-only serials are read as root") {
  // The foundation's dmi collector carries the machine's identity and BIOS date (age).
  auto dmi = [](const std::string& sysfs) {
    Paths p;
    p.sysfs = sysfs;
    AgentOptions o;
    CollectContext ctx{p, &o};
    Report r;
    for (const CollectorEntry& e : AllCollectors()) {
      if (std::string(e.name) == "dmi") CHECK(e.make()->Collect(ctx, r).ok());
    }
    return r;
  };
  char tmpl[] = "/tmp/wardwatch-nodmi-XXXXXX";
  const fs::path empty = ::mkdtemp(tmpl);
  Report none = dmi(empty.string());
  fs::remove_all(empty);
  CHECK(none.system.dmi.empty());
  REQUIRE(none.hardware);
  CHECK(Has(none.hardware->absent, "dmi"));
  Report old = dmi(std::string(WARDWATCH_FIXTURES) + "/machines/old-desktop-hdd/sys");
  CHECK(old.system.dmi["bios_date"] == "05/22/2018");
  const schema::HardwareSection no_lists;
  const auto& hw = old.hardware ? *old.hardware : no_lists;
  CHECK_FALSE(Has(hw.absent, "dmi"));
  if (::geteuid() == 0) CHECK_FALSE(Has(hw.needs_privilege, "dmi_serial"));
}

TEST_CASE("live machine: reports what exists, marks the rest absent, nothing fails") {
  AgentOptions o;  // the real smartctl, if installed
  Run run = RunHardware(Paths{}, o);
  for (const auto& f : run.failures) CAPTURE(f);
  CHECK(run.failures.empty());
  const auto& hw = *run.report.hardware;
  CHECK(hw.load.has_value());
  REQUIRE(hw.cpu.has_value());
  CHECK(hw.cpu->threads == static_cast<std::uint32_t>(::sysconf(_SC_NPROCESSORS_CONF)));
  CHECK(!hw.vmstat.empty());
  if (fs::exists("/proc/pressure/io")) CHECK(hw.pressure.has_value());
  if (fs::exists("/proc/diskstats")) CHECK(!hw.diskstats.empty());
  // Everything the machine lacks is named, nothing is silently missing.
  if (!fs::exists("/sys/class/power_supply/BAT0")) CHECK(Has(hw.absent, "battery"));
  if (!fs::exists("/sys/class/hwmon")) CHECK(Has(hw.absent, "hwmon"));
  if (!fs::exists("/sys/firmware/dmi/tables/DMI")) CHECK(Has(hw.absent, "memory_modules"));
  if (!fs::exists("/sys/class/dmi/id/chassis_type")) CHECK(Has(hw.absent, "chassis_type"));
  MESSAGE("live absent: " << [&] {
    std::string s;
    for (const auto& a : hw.absent) s += a + " ";
    return s;
  }());
}

TEST_CASE("without root: runs, fails nothing, lists what needs privilege") {
  if (::geteuid() != 0) {
    MESSAGE("not root: cannot drop to nobody; skipped");
    return;
  }
  // A copy of the old desktop whose SMBIOS table is root-only, as on a real machine.
  char tmpl[] = "/tmp/wardwatch-nobody-XXXXXX";
  const fs::path tmp = ::mkdtemp(tmpl);
  fs::copy(std::string(WARDWATCH_FIXTURES) + "/machines/old-desktop-hdd", tmp,
           fs::copy_options::recursive);
  ::chmod(tmp.c_str(), 0755);
  const fs::path dmi = tmp / "sys/firmware/dmi/tables/DMI";
  ::chmod(dmi.c_str(), 0400);

  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0) {
      ::_exit(90);
    }
    Paths p;
    p.procfs = (tmp / "proc").string();
    p.sysfs = (tmp / "sys").string();
    AgentOptions o;
    o.smartctl_fixtures = (tmp / "smartctl").string();
    Run fixture = RunHardware(p, o);
    Run live = RunHardware(Paths{}, AgentOptions{});
    std::string out;
    for (const auto& f : fixture.failures) out += "FAIL " + f + "\n";
    for (const auto& f : live.failures) out += "FAIL live " + f + "\n";
    for (const auto& n : fixture.report.hardware->needs_privilege) out += "PRIV " + n + "\n";
    if (fixture.report.hardware->memory_modules.empty()) out += "NO_MODULES\n";
    if (live.report.hardware->load) out += "LIVE_LOAD\n";
    (void)!::write(pipe_fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) out.append(buf, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove_all(tmp);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CAPTURE(out);
  CHECK(out.find("FAIL") == std::string::npos);
  CHECK(out.find("PRIV memory_modules\n") != std::string::npos);
  CHECK(out.find("NO_MODULES\n") != std::string::npos);
  CHECK(out.find("LIVE_LOAD\n") != std::string::npos);
}
