// Facts kept between reports (collectors/fact_cache.h): the re-read rule, and the collectors
// that keep facts on copies of the fixture machines, with a fake clock: what changes shows at
// once, what is kept is not read again until the refresh period passes.
#include "collectors/fact_cache.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "collectors/cpuinfo.h"
#include "collectors/disks.h"
#include "collectors/dmi.h"
#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "options.h"

using namespace wardwatch;
using namespace wardwatch::agent;
namespace fs = std::filesystem;
using std::chrono::seconds;

TEST_CASE("ShouldReread") {
  const SteadyTime t0{seconds(1000)};
  struct Row {
    bool have, changed;
    seconds age;
    bool reread;
  } rows[] = {
      {false, false, seconds(0), true},                                    // nothing kept yet
      {true, false, seconds(0), false},                                    // just read
      {true, false, seconds(599), false},                                  // within the period
      {true, false, seconds(600), true},                                   // the period has passed
      {true, false, seconds(601), true},  {true, true, seconds(1), true},  // the signature changed
      {true, false, seconds(-5), true},                                    // a clock that went back
  };
  for (const Row& r : rows) {
    CAPTURE(r.age.count());
    CAPTURE(r.changed);
    CHECK(ShouldReread(r.have, r.changed, t0, t0 + r.age) == r.reread);
  }
}

TEST_CASE("FactCache keeps a value for its signature and the refresh period") {
  FactCache<std::string, int> cache(seconds(10));
  const SteadyTime t0{seconds(50)};
  CHECK(cache.Get("a", t0) == nullptr);
  CHECK(cache.Last() == nullptr);
  cache.Put("a", 1, t0);
  REQUIRE(cache.Get("a", t0 + seconds(9)));
  CHECK(*cache.Get("a", t0 + seconds(9)) == 1);
  CHECK(cache.Get("b", t0 + seconds(1)) == nullptr);
  CHECK(cache.Get("a", t0 + seconds(10)) == nullptr);
  REQUIRE(cache.Last());
  CHECK(*cache.Last() == 1);
  cache.Clear();
  CHECK(cache.Get("a", t0) == nullptr);
}

namespace {

// A copy of a fixture machine that a test may change, and a fake clock.
struct Machine {
  fs::path dir;
  SteadyTime now{seconds(1)};
  AgentOptions options;
  explicit Machine(const std::string& name) {
    dir = fs::temp_directory_path() / ("wardwatch-facts-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::copy(std::string(WARDWATCH_FIXTURES) + "/machines/" + name, dir,
             fs::copy_options::recursive);
    options.paths.procfs = (dir / "proc").string();
    options.paths.sysfs = (dir / "sys").string();
    options.paths.rootfs = (dir / "rootfs").string();
  }
  ~Machine() { fs::remove_all(dir); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::trunc) << text << "\n";
  }
  Report Collect(Collector& c) {
    CollectContext ctx{
        .paths = options.paths, .options = &options, .clock = [this] { return now; }};
    Report r;
    Status s = c.Collect(ctx, r);
    CHECK_MESSAGE(s.ok(), s.error());
    return r;
  }
};

const schema::Disk* DiskNamed(const Report& r, const std::string& name) {
  if (!r.hardware) return nullptr;
  for (const auto& d : r.hardware->disks) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

bool Absent(const Report& r, const std::string& signal) {
  if (!r.hardware) return false;
  const auto& a = r.hardware->absent;
  return std::find(a.begin(), a.end(), signal) != a.end();
}

}  // namespace

TEST_CASE("disks: kept until /sys/block or a size changes, or the refresh period passes") {
  Machine m("new-desktop-nvme");
  auto c = NewDisksCollector();
  Report r1 = m.Collect(*c);
  const schema::Disk* nvme = DiskNamed(r1, "nvme0n1");
  REQUIRE(nvme);
  CHECK(nvme->boot);
  const std::string model = nvme->model;
  REQUIRE(r1.hardware->disks.size() == 1);

  // A changed identity file with the same listing: not read again, the kept disk is sent.
  m.Write("sys/block/nvme0n1/device/model", "Changed Model 1TB");
  m.now += seconds(599);
  Report r2 = m.Collect(*c);
  REQUIRE(DiskNamed(r2, "nvme0n1"));
  CHECK(DiskNamed(r2, "nvme0n1")->model == model);
  CHECK(DiskNamed(r2, "nvme0n1")->boot);

  // Past the refresh period: a full scan again.
  m.now += seconds(1);
  Report r3 = m.Collect(*c);
  REQUIRE(DiskNamed(r3, "nvme0n1"));
  CHECK(DiskNamed(r3, "nvme0n1")->model == "Changed Model 1TB");

  // A disk plugged in shows at the next report, whatever the clock.
  m.Write("sys/block/sdb/size", "1953525168");
  m.Write("sys/block/sdb/dev", "8:16");
  m.Write("sys/block/sdb/removable", "1");
  m.Write("sys/block/sdb/device/model", "USB Disk");
  m.now += seconds(1);
  Report r4 = m.Collect(*c);
  REQUIRE(DiskNamed(r4, "sdb"));
  CHECK(DiskNamed(r4, "sdb")->size_bytes == 1953525168ull * 512);
  CHECK(DiskNamed(r4, "sdb")->removable);
  CHECK_FALSE(DiskNamed(r4, "sdb")->boot);
  CHECK(DiskNamed(r4, "nvme0n1")->boot);

  // Media taken out of it (size 0, the name stays): gone at once.
  m.Write("sys/block/sdb/size", "0");
  m.now += seconds(1);
  Report r5 = m.Collect(*c);
  CHECK_FALSE(DiskNamed(r5, "sdb"));
  CHECK(r5.hardware->disks.size() == 1);

  // Unplugged: gone at once; the report is the same as before it came.
  fs::remove_all(m.dir / "sys/block/sdb");
  m.now += seconds(1);
  Report r6 = m.Collect(*c);
  CHECK_FALSE(DiskNamed(r6, "sdb"));
  REQUIRE(r6.hardware->disks.size() == 1);
  CHECK(r6.hardware->disks[0].boot);
}

TEST_CASE("disks: a machine with no disks is marked absent on every report, kept or not") {
  Machine m("new-desktop-nvme");
  fs::remove_all(m.dir / "sys/block/nvme0n1");  // loop0 only
  auto c = NewDisksCollector();
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    Report r = m.Collect(*c);
    CHECK(Absent(r, "disks"));
    CHECK(r.hardware->disks.empty());
    m.now += seconds(300);
  }
}

TEST_CASE("cpuinfo: model and topology kept, frequencies and throttle counts read every report") {
  Machine m("old-desktop-hdd");
  const std::string cpu0 = "sys/devices/system/cpu/cpu0/";
  auto c = NewCpuinfoCollector();
  Report r1 = m.Collect(*c);
  REQUIRE(r1.hardware->cpu);
  const schema::CpuInfo first = *r1.hardware->cpu;
  CHECK(first.threads == 4);
  REQUIRE(first.min_hertz);
  CHECK(*first.min_hertz == 800e6);

  // What changes at run time shows at the next report.
  m.Write(cpu0 + "cpufreq/scaling_cur_freq", "1200000");
  m.Write(cpu0 + "cpufreq/cpuinfo_max_freq", "4100000");  // turbo switched on
  m.Write(cpu0 + "thermal_throttle/core_throttle_count", "103");
  // What cannot change is not read again.
  m.Write(cpu0 + "cpufreq/cpuinfo_min_freq", "400000");
  m.Write("proc/cpuinfo", "processor\t: 0\nmodel name\t: Replaced CPU\n");
  m.now += seconds(599);
  Report r2 = m.Collect(*c);
  REQUIRE(r2.hardware->cpu);
  const schema::CpuInfo& second = *r2.hardware->cpu;
  REQUIRE_FALSE(second.current_hertz.empty());
  CHECK(second.current_hertz[0] == 1200e6);
  CHECK(*second.max_hertz == 4100e6);
  REQUIRE(second.core_throttle_total);
  CHECK(*second.core_throttle_total == *first.core_throttle_total + 100);
  CHECK(*second.min_hertz == 800e6);
  CHECK(second.model_name == first.model_name);
  CHECK(second.threads == 4);

  // Past the refresh period everything is read again.
  m.now += seconds(1);
  Report r3 = m.Collect(*c);
  REQUIRE(r3.hardware->cpu);
  CHECK(*r3.hardware->cpu->min_hertz == 400e6);
  CHECK(r3.hardware->cpu->model_name == "Replaced CPU");
  CHECK(r3.hardware->cpu->threads == 1);
}

TEST_CASE("cpuinfo: a CPU brought online or a new cpu folder is seen at once") {
  Machine m("old-desktop-hdd");
  const std::string cpu_dir = "sys/devices/system/cpu/";
  m.Write(cpu_dir + "online", "0-2");
  auto c = NewCpuinfoCollector();
  REQUIRE(m.Collect(*c).hardware->cpu->threads == 4);
  const std::string two_cpus =
      "processor\t: 0\nmodel name\t: Small\nprocessor\t: 1\nmodel name\t: Small\n";
  m.Write("proc/cpuinfo", two_cpus);
  m.now += seconds(1);
  CHECK(m.Collect(*c).hardware->cpu->threads == 4);  // kept: nothing it depends on changed
  m.Write(cpu_dir + "online", "0-3");
  m.now += seconds(1);
  CHECK(m.Collect(*c).hardware->cpu->threads == 2);
  m.Write("proc/cpuinfo", two_cpus + "processor\t: 2\nmodel name\t: Small\n");
  m.Write(cpu_dir + "cpu4/topology/core_id", "4");
  m.now += seconds(1);
  CHECK(m.Collect(*c).hardware->cpu->threads == 3);
}

TEST_CASE("dmi and memory_modules: firmware tables read once per refresh period") {
  Machine m("old-desktop-hdd");
  auto dmi = NewDmiCollector();
  auto memory = NewMemoryModulesCollector();
  Report r1 = m.Collect(*dmi);
  m.Collect(*memory);  // keeps it
  const std::string product = r1.system.dmi.at("product_name");
  Report before = m.Collect(*memory);
  REQUIRE(before.hardware);
  const auto modules = before.hardware->memory_modules.size();
  const auto slots = before.hardware->memory_slots;

  m.Write("sys/class/dmi/id/product_name", "Other Product");
  fs::copy_file(
      fs::path(WARDWATCH_FIXTURES) / "machines/new-desktop-nvme/sys/firmware/dmi/tables/DMI",
      m.dir / "sys/firmware/dmi/tables/DMI", fs::copy_options::overwrite_existing);
  m.now += seconds(599);
  CHECK(m.Collect(*dmi).system.dmi.at("product_name") == product);
  Report kept = m.Collect(*memory);
  CHECK(kept.hardware->memory_modules.size() == modules);
  CHECK(kept.hardware->memory_slots == slots);

  m.now += seconds(1);
  CHECK(m.Collect(*dmi).system.dmi.at("product_name") == "Other Product");
  Report fresh = m.Collect(*memory);
  CHECK(fresh.hardware->memory_slots != slots);
}

TEST_CASE("dmi and memory_modules: absent is reported on every report, kept or not") {
  Machine m("vm-minimal");
  fs::remove_all(m.dir / "sys/class/dmi");
  auto dmi = NewDmiCollector();
  auto memory = NewMemoryModulesCollector();
  for (int i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(Absent(m.Collect(*dmi), "dmi"));
    CHECK(Absent(m.Collect(*memory), "memory_modules"));
    m.now += seconds(10);
  }
}
