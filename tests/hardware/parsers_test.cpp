// Table-driven tests for the hardware parsers: each row is input text and what must come out
// (or the words the error must contain).
#include <doctest/doctest.h>

#include <string>

#include "collectors/battery.h"
#include "collectors/chassis.h"
#include "collectors/cpuinfo.h"
#include "collectors/disks.h"
#include "collectors/diskstats.h"
#include "collectors/hwmon.h"
#include "collectors/loadavg.h"
#include "collectors/pressure.h"
#include "collectors/thermal.h"
#include "collectors/vmstat.h"

using namespace wardwatch;
using namespace wardwatch::agent;

TEST_CASE("IsWholeDiskName") {
  struct Row {
    const char* name;
    bool whole;
  } rows[] = {
      {"sda", true},        {"sda1", false},      {"sdaa", true},     {"sdaa12", false},
      {"vda", true},        {"vdb3", false},      {"xvda", true},     {"xvda1", false},
      {"nvme0n1", true},    {"nvme0n1p2", false}, {"nvme10n3", true}, {"mmcblk0", true},
      {"mmcblk0p1", false}, {"loop0", false},     {"zram0", false},   {"ram1", false},
      {"sr0", false},       {"fd0", false},       {"dm-0", true},     {"md127", true},
      {"", false},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    CHECK(IsWholeDiskName(r.name) == r.whole);
  }
}

TEST_CASE("ParseDiskstats") {
  const std::string text =
      "   8       0 sda 812345 91234 91234567 48123456 412345 301234 41234567 81234567 3 "
      "61234567 129812345 0 0 0 0 41234 912345\n"
      "   8       1 sda1 412 0 12345 612 2 0 2 5 0 700 617 0 0 0 0 0 0\n"
      "   7       0 loop0 51 0 2144 9 0 0 0 0 0 28 9\n"
      " 259       0 nvme0n1 10 1 16 2000 20 2 24 3000 0 4000 5000\n";
  auto r = ParseDiskstats(text);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  const auto& sda = (*r)[0];
  CHECK(sda.device == "sda");
  CHECK(sda.reads_completed == 812345);
  CHECK(sda.reads_merged == 91234);
  CHECK(sda.read_bytes == 91234567ULL * 512);
  CHECK(sda.read_time_seconds == doctest::Approx(48123.456));
  CHECK(sda.writes_completed == 412345);
  CHECK(sda.written_bytes == 41234567ULL * 512);
  CHECK(sda.write_time_seconds == doctest::Approx(81234.567));
  CHECK(sda.io_now == 3);
  CHECK(sda.io_time_seconds == doctest::Approx(61234.567));
  CHECK(sda.io_time_weighted_seconds == doctest::Approx(129812.345));
  CHECK((*r)[1].device == "nvme0n1");  // 14-field layout of kernels before 4.18
  CHECK((*r)[1].written_bytes == 24 * 512);

  struct Bad {
    const char* text;
    const char* error;
  } bad[] = {
      {"   8 0 sda 1 2 3\n", "line 1: expected at least 14 fields, got 6"},
      {"   8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n", "field 6 of sda is not a number: \"x\""},
  };
  for (const Bad& b : bad) {
    auto e = ParseDiskstats(b.text);
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().find(b.error) != std::string::npos);
  }
}

TEST_CASE("ParsePressure") {
  struct Row {
    const char* text;
    std::optional<double> some, full;
    const char* error;
  } rows[] = {
      {"some avg10=0.04 avg60=0.17 avg300=0.11 total=6999707\n"
       "full avg10=0.00 avg60=0.00 avg300=0.00 total=4712456\n",
       6.999707, 4.712456, nullptr},
      {"some avg10=1.00 avg60=2.00 avg300=3.00 total=1000000\n", 1.0, std::nullopt, nullptr},
      {"some avg10=0.00 avg60=0.00 avg300=0.00 total=abc\n", {}, {}, "total is not a number"},
      {"some avg10=0.00\n", {}, {}, "some line has no total="},
      {"partial avg10=0 total=1\n", {}, {}, "unexpected line kind \"partial\""},
      {"", {}, {}, "no \"some\" line"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    auto p = ParsePressure(r.text, "io");
    if (r.error) {
      REQUIRE_FALSE(p.ok());
      CHECK(p.error().find("/proc/pressure/io") != std::string::npos);
      CHECK(p.error().find(r.error) != std::string::npos);
      continue;
    }
    REQUIRE(p.ok());
    CHECK(p->some_seconds.value() == doctest::Approx(*r.some));
    CHECK(p->full_seconds.has_value() == r.full.has_value());
    if (r.full) CHECK(*p->full_seconds == doctest::Approx(*r.full));
  }
}

TEST_CASE("ParseVmstat keeps only the swap and fault counters") {
  auto r = ParseVmstat("nr_free_pages 5\npswpin 12\npswpout 34\npgmajfault 56\npgfault 9\n");
  REQUIRE(r.ok());
  CHECK(r->size() == 3);
  CHECK(r->at("pswpin") == 12);
  CHECK(r->at("pswpout") == 34);
  CHECK(r->at("pgmajfault") == 56);
  CHECK(r->count("pgfault") == 0);
  auto bad = ParseVmstat("pswpin twelve\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("\"pswpin twelve\" is not \"name value\"") != std::string::npos);
  CHECK_FALSE(ParseVmstat("nr_free_pages 5\n").ok());
}

TEST_CASE("ParseLoadavg") {
  struct Row {
    const char* text;
    double l1, l5, l15;
    const char* error;
  } rows[] = {
      {"0.52 0.58 0.59 1/467 12345\n", 0.52, 0.58, 0.59, nullptr},
      {"12.00 8.50 4.25 9/999 1", 12, 8.5, 4.25, nullptr},
      {"0.52 0.58\n", 0, 0, 0, "expected at least 3 fields, got 2"},
      {"0.52 x 0.59 1/2 3\n", 0, 0, 0, "field 2 is not a load average: \"x\""},
      {"-1 0 0 1/2 3\n", 0, 0, 0, "field 1"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    auto l = ParseLoadavg(r.text);
    if (r.error) {
      REQUIRE_FALSE(l.ok());
      CHECK(l.error().find(r.error) != std::string::npos);
      continue;
    }
    REQUIRE(l.ok());
    CHECK(l->load1 == doctest::Approx(r.l1));
    CHECK(l->load5 == doctest::Approx(r.l5));
    CHECK(l->load15 == doctest::Approx(r.l15));
  }
}

TEST_CASE("ParseCpuinfo: topology and generation flags") {
  auto cpu = [](int n, int phys, int core) {
    return "processor\t: " + std::to_string(n) +
           "\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 142\n"
           "model name\t: Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz\nstepping\t: 10\n"
           "physical id\t: " +
           std::to_string(phys) + "\ncore id\t\t: " + std::to_string(core) +
           "\nflags\t\t: fpu sse sse2 aes sse4_1 sse4_2 avx avx2 hypervisor\n\n";
  };
  struct Row {
    std::string text;
    std::uint32_t sockets, cores, threads;
  } rows[] = {
      {cpu(0, 0, 0) + cpu(1, 0, 1) + cpu(2, 0, 0) + cpu(3, 0, 1), 1, 2, 4},
      {cpu(0, 0, 0) + cpu(1, 1, 0), 2, 2, 2},
      // ARM-like: no physical id / core id lines.
      {"processor\t: 0\nBogoMIPS\t: 48.00\n\nprocessor\t: 1\nBogoMIPS\t: 48.00\n", 1, 2, 2},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    auto c = ParseCpuinfo(r.text);
    REQUIRE(c.ok());
    CHECK(c->sockets == r.sockets);
    CHECK(c->cores == r.cores);
    CHECK(c->threads == r.threads);
  }
  auto c = ParseCpuinfo(rows[0].text);
  CHECK(c->vendor == "GenuineIntel");
  CHECK(c->model_name == "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz");
  CHECK(c->family == 6);
  CHECK(c->model == 142);
  CHECK(c->stepping == 10);
  CHECK(c->flags == std::vector<std::string>{"sse4_2", "avx", "avx2", "aes"});

  auto empty = ParseCpuinfo("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().find("no \"processor\" entries") != std::string::npos);
  auto bad = ParseCpuinfo("processor\t: 0\ncpu family\t: six\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("line 2: cpu family is not a number: \"six\"") != std::string::npos);
}

TEST_CASE("ApplyCpuSysfs: frequencies in Hz and throttle counts once per core and package") {
  std::vector<CpuSysfs> cpus;
  // Two packages, two cores each, two threads per core: siblings repeat their counters.
  for (unsigned i = 0; i < 8; ++i) {
    CpuSysfs c;
    c.cpu = i;
    c.package_id = i / 4;
    c.core_id = i % 2;
    c.cur_khz = 1000000 + i;
    c.max_khz = 3400000;
    c.min_khz = 400000;
    c.base_khz = 1600000;
    c.core_throttle_count = 10 * (i / 4) + (i % 2);  // p0: 0,1  p1: 10,11
    c.package_throttle_count = 100 * (i / 4 + 1);    // p0: 100  p1: 200
    cpus.push_back(c);
  }
  schema::CpuInfo info;
  ApplyCpuSysfs(cpus, info);
  CHECK(*info.max_hertz == doctest::Approx(3.4e9));
  CHECK(*info.min_hertz == doctest::Approx(4e8));
  CHECK(*info.base_hertz == doctest::Approx(1.6e9));
  REQUIRE(info.current_hertz.size() == 8);
  CHECK(info.current_hertz[7] == doctest::Approx(1000007e3));
  CHECK(*info.core_throttle_total == 0 + 1 + 10 + 11);
  CHECK(*info.package_throttle_total == 300);

  schema::CpuInfo vm;
  ApplyCpuSysfs({CpuSysfs{}, CpuSysfs{1}}, vm);
  CHECK_FALSE(vm.max_hertz.has_value());
  CHECK_FALSE(vm.core_throttle_total.has_value());
  CHECK(vm.current_hertz.empty());
}

TEST_CASE("ParseHwmonChip") {
  std::map<std::string, std::string> files = {
      {"temp1_input", "94000"},    {"temp1_label", "Package id 0"},
      {"temp1_max", "100000"},     {"temp1_crit", "100000"},
      {"temp10_input", "-5500"},   {"temp2_input", "91000"},
      {"fan1_input", "4980"},      {"fan1_label", "CPU Fan"},
      {"temp3_label", "no input"}, {"in0_input", "1200"},
      {"temp_foo", "x"},
  };
  auto r = ParseHwmonChip("coretemp", files);
  REQUIRE(r.ok());
  REQUIRE(r->temperatures.size() == 3);
  CHECK(r->temperatures[0].sensor == "temp1");
  CHECK(r->temperatures[0].label == "Package id 0");
  CHECK(r->temperatures[0].celsius == doctest::Approx(94.0));
  CHECK(*r->temperatures[0].max_celsius == doctest::Approx(100.0));
  CHECK(*r->temperatures[0].crit_celsius == doctest::Approx(100.0));
  CHECK(r->temperatures[1].sensor == "temp2");  // natural order: temp2 before temp10
  CHECK_FALSE(r->temperatures[1].max_celsius.has_value());
  CHECK(r->temperatures[2].sensor == "temp10");
  CHECK(r->temperatures[2].celsius == doctest::Approx(-5.5));
  REQUIRE(r->fans.size() == 1);
  CHECK(r->fans[0].chip == "coretemp");
  CHECK(r->fans[0].label == "CPU Fan");
  CHECK(r->fans[0].rpm == 4980);

  auto bad = ParseHwmonChip("nct6775", {{"fan2_input", "fast"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "hwmon nct6775/fan2_input: not a number: \"fast\"");
}

TEST_CASE("ParseThermalZone") {
  auto z = ParseThermalZone("thermal_zone2", "x86_pkg_temp\n", "94000\n");
  REQUIRE(z.ok());
  CHECK(z->zone == "thermal_zone2");
  CHECK(z->type == "x86_pkg_temp");
  CHECK(z->celsius == doctest::Approx(94.0));
  auto bad = ParseThermalZone("thermal_zone0", "acpitz", "hot");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "thermal thermal_zone0/temp: not a number: \"hot\"");
}

TEST_CASE("ParsePowerSupply") {
  using Files = std::map<std::string, std::string>;
  struct Row {
    const char* name;
    Files files;
    bool battery;
    std::optional<double> wear;
    const char* error;
  } rows[] = {
      {"BAT0",
       Files{{"type", "Battery"},
             {"status", "Discharging"},
             {"capacity", "61"},
             {"energy_full", "14820000"},
             {"energy_full_design", "24050000"},
             {"cycle_count", "812"}},
       true, 1 - 14.82 / 24.05, nullptr},
      {"BAT1",
       Files{{"type", "Battery"}, {"charge_full", "1850000"}, {"charge_full_design", "2090000"}},
       true, 1 - 1.85 / 2.09, nullptr},
      // A new battery can hold more than its design: wear is 0, not negative.
      {"BAT2",
       Files{{"type", "Battery"}, {"energy_full", "51000000"}, {"energy_full_design", "50000000"}},
       true, 0.0, nullptr},
      {"BAT3", Files{{"type", "Battery"}, {"capacity", "80"}}, true, std::nullopt, nullptr},
      {"AC", Files{{"type", "Mains"}, {"online", "1"}}, false, std::nullopt, nullptr},
      {"hidpp_battery_0", Files{{"type", "Battery"}, {"scope", "Device"}}, false, std::nullopt,
       nullptr},
      {"BAT9", Files{{"type", "Battery"}, {"energy_full", "lots"}}, false, std::nullopt,
       "power_supply BAT9/energy_full: not a count: \"lots\""},
  };
  for (const Row& r : rows) {
    CAPTURE(r.name);
    auto b = ParsePowerSupply(r.name, r.files);
    if (r.error) {
      REQUIRE_FALSE(b.ok());
      CHECK(b.error() == r.error);
      continue;
    }
    REQUIRE(b.ok());
    REQUIRE(b->has_value() == r.battery);
    if (!r.battery) continue;
    CHECK((*b)->wear_ratio.has_value() == r.wear.has_value());
    if (r.wear) CHECK(*(*b)->wear_ratio == doctest::Approx(*r.wear));
  }
  auto b = ParsePowerSupply("BAT0", rows[0].files);
  CHECK(*(*b)->capacity_ratio == doctest::Approx(0.61));
  CHECK(*(*b)->energy_full_wh == doctest::Approx(14.82));
  CHECK(*(*b)->energy_full_design_wh == doctest::Approx(24.05));
  CHECK(*(*b)->cycle_count == 812);
  CHECK((*b)->status == "Discharging");
}

TEST_CASE("ParseChassisType") {
  struct Row {
    const char* text;
    std::uint32_t code;
    const char* name;
  } rows[] = {{"3\n", 3, "Desktop"}, {"10", 10, "Notebook"}, {"9", 9, "Laptop"},
              {"1", 1, "Other"},     {"35", 35, "Mini PC"},  {"36", 36, "Stick PC"}};
  for (const Row& r : rows) {
    auto c = ParseChassisType(r.text);
    REQUIRE(c.ok());
    CHECK(*c == r.code);
    CHECK(ChassisTypeName(*c) == r.name);
  }
  for (const char* bad : {"0", "37", "desktop", ""}) {
    CAPTURE(bad);
    auto c = ParseChassisType(bad);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().find("not an SMBIOS chassis code") != std::string::npos);
  }
}

TEST_CASE("RootDeviceNumber and ResolveBootDisk") {
  const std::string mountinfo =
      "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
      "25 22 259:1 / /boot/efi rw - vfat /dev/nvme0n1p1 rw\n"
      "40 22 0:35 / / rw - overlay overlay rw\n";  // a later mount over / wins
  auto dev = RootDeviceNumber(mountinfo);
  REQUIRE(dev.ok());
  CHECK(*dev == "0:35");
  CHECK(*RootDeviceNumber("22 1 8:2 / / rw - ext4 /dev/sda2 rw\n") == "8:2");
  CHECK_FALSE(RootDeviceNumber("25 22 259:1 / /boot rw - vfat x rw\n").ok());
  auto bad = RootDeviceNumber("garbage\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("mountinfo line 1") != std::string::npos);

  const std::vector<BlockNode> nodes = {
      {"sda", "8:0", "sda", {}},
      {"sda1", "8:1", "sda", {}},
      {"sda3", "8:3", "sda", {}},
      {"nvme0n1", "259:0", "nvme0n1", {}},
      {"dm-0", "254:0", "dm-0", {"sda3"}},  // LUKS on sda3
      {"dm-1", "254:1", "dm-1", {"dm-0"}},  // LVM root inside LUKS
      {"md0", "9:0", "md0", {"nvme0n1p1", "sdb1"}},
      {"sdb1", "8:17", "sdb", {}},
  };
  struct Row {
    const char* dev;
    const char* disk;
  } rows[] = {{"8:1", "sda"},       {"8:0", "sda"}, {"254:1", "sda"}, {"254:0", "sda"},
              {"259:0", "nvme0n1"}, {"9:0", "sdb"}, {"0:35", ""}};
  for (const Row& r : rows) {
    CAPTURE(r.dev);
    CHECK(ResolveBootDisk(r.dev, nodes) == r.disk);
  }
}

TEST_CASE("DiskFromSysfs") {
  auto d = DiskFromSysfs("sda", {{"size", "1953525168"},
                                 {"queue/rotational", "1"},
                                 {"removable", "0"},
                                 {"device/model", "ST1000DM010-2EP1"},
                                 {"device/rev", "CC46"}});
  REQUIRE(d.ok());
  CHECK(d->size_bytes == 1000204886016ULL);
  CHECK(d->rotational);
  CHECK_FALSE(d->removable);
  CHECK(d->model == "ST1000DM010-2EP1");
  CHECK(d->firmware == "CC46");
  auto v = DiskFromSysfs("vda", {{"size", "100"}, {"serial", "abc"}});
  REQUIRE(v.ok());
  CHECK(v->serial == "abc");
  auto bad = DiskFromSysfs("sdz", {{"size", "big"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "/sys/block/sdz/size: not a sector count: \"big\"");
}
