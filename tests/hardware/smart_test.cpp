// smartctl JSON parser (fixture outputs in smartmontools 7.3 structure and hand-made edge
// cases) and the smart collector's runs, caching and "why no SMART" reasons, using a stand-in
// smartctl script so no test touches a real disk.
#include "collectors/smart.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "collectors/hardware_common.h"
#include "options.h"

using namespace wardwatch;
using namespace wardwatch::agent;
namespace fs = std::filesystem;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Fixture(const std::string& machine, const std::string& disk) {
  return ReadAll(std::string(WARDWATCH_FIXTURES) + "/machines/" + machine + "/smartctl/" + disk +
                 ".json");
}

const schema::SmartAttribute* Attr(const SmartResult& r, std::uint32_t id) {
  for (const auto& a : r.attributes) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

// smartctl --json output with only the envelope, an exit status and one message.
std::string Envelope(int exit_status, const std::string& message, const std::string& extra = "") {
  return R"({"json_format_version":[1,0],"smartctl":{"version":[7,3],"exit_status":)" +
         std::to_string(exit_status) + R"(,"messages":[{"string":")" + message +
         R"(","severity":"error"}]})" + extra + "}";
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/wardwatch-smart-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A stand-in smartctl: logs each call, then prints <dir>/<disk>.json and exits with the
// number in <dir>/<disk>.rc (as smartctl exits non-zero when it found problems).
std::string FakeSmartctl(const TempDir& dir) {
  const std::string script = (dir.path / "smartctl").string();
  std::ofstream(script) << "#!/bin/sh\n"
                           "for last; do :; done\n"
                           "d=$(basename \"$last\")\n"
                           "echo \"$*\" >> '"
                        << (dir.path / "calls").string()
                        << "'\n"
                           "cat '"
                        << dir.path.string() << "'/$d.json\n"
                        << "exit $(cat '" << dir.path.string()
                        << "'/$d.rc 2>/dev/null || echo 0)\n";
  ::chmod(script.c_str(), 0755);
  return script;
}

int Calls(const TempDir& dir) {
  std::ifstream f(dir.path / "calls");
  int n = 0;
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}

Report DisksReport(std::initializer_list<const char*> names) {
  Report r;
  for (const char* n : names) {
    schema::Disk d;
    d.name = n;
    HardwareOf(r).disks.push_back(d);
  }
  return r;
}

}  // namespace

TEST_CASE("ParseSmartctlJson: NVMe health log (new desktop)") {
  auto r = ParseSmartctlJson(Fixture("new-desktop-nvme", "nvme0n1"));
  REQUIRE(r.ok());
  CHECK(r->unavailable.empty());
  CHECK(r->protocol == "NVMe");
  CHECK(r->model == "SAMSUNG MZVL2512HCJQ-00BL7");
  CHECK(r->serial == "S64KNX0T512345");
  CHECK(r->passed == true);
  REQUIRE(r->nvme.has_value());
  CHECK(r->nvme->percentage_used == 1);
  CHECK(r->nvme->available_spare == 100);
  CHECK(r->nvme->available_spare_threshold == 10);
  CHECK(r->nvme->media_errors == 0);
  CHECK(r->nvme->critical_warning == 0);
  CHECK(r->nvme->unsafe_shutdowns == 9);
  CHECK(r->nvme->power_on_hours == 1870);
  CHECK(r->power_on_hours == 1870);
  CHECK(r->power_cycles == 214);
  CHECK(r->temperature_celsius == 38);
  CHECK(r->attributes.empty());
}

TEST_CASE("ParseSmartctlJson: failing HDD with reallocated and pending sectors") {
  auto r = ParseSmartctlJson(Fixture("old-desktop-hdd", "sda"));
  REQUIRE(r.ok());
  CHECK(r->unavailable.empty());
  CHECK(r->exit_status == 64);  // error log has entries; SMART data is still there
  CHECK(r->protocol == "ATA");
  CHECK(r->passed == true);
  CHECK(r->power_on_hours == 41870);
  CHECK(r->power_cycles == 2876);
  CHECK(r->temperature_celsius == 41);  // not raw 194, which packs min/max in high bytes
  struct Row {
    std::uint32_t id;
    const char* name;
    std::uint64_t value, worst, thresh, raw;
    const char* flags;
  } rows[] = {
      {5, "Reallocated_Sector_Ct", 95, 95, 10, 184, "PO--CK"},
      {9, "Power_On_Hours", 53, 53, 0, 41870, "-O--CK"},
      {12, "Power_Cycle_Count", 97, 97, 20, 2876, "-O--CK"},
      {187, "Reported_Uncorrect", 69, 69, 0, 31, "-O--CK"},
      {188, "Command_Timeout", 100, 99, 0, 4295032833ULL, "-O--CK"},
      {194, "Temperature_Celsius", 41, 52, 0, 223338299433ULL, "-O---K"},
      {197, "Current_Pending_Sector", 100, 100, 0, 24, "-O--C-"},
      {198, "Offline_Uncorrectable", 100, 100, 0, 24, "----C-"},
      {199, "UDMA_CRC_Error_Count", 200, 200, 0, 0, "-O--CK"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.id);
    const auto* a = Attr(*r, row.id);
    REQUIRE(a != nullptr);
    CHECK(a->name == row.name);
    CHECK(a->value == row.value);
    CHECK(a->worst == row.worst);
    CHECK(a->thresh == row.thresh);
    CHECK(a->raw == row.raw);
    CHECK(a->flags == row.flags);
  }
  // Attributes outside the kept list are dropped.
  CHECK(Attr(*r, 1) == nullptr);
  CHECK(Attr(*r, 240) == nullptr);
}

TEST_CASE("ParseSmartctlJson: laptop SATA SSD wear and a virtio disk without SMART") {
  auto ssd = ParseSmartctlJson(Fixture("laptop-worn-battery", "sda"));
  REQUIRE(ssd.ok());
  REQUIRE(Attr(*ssd, 177) != nullptr);
  CHECK(Attr(*ssd, 177)->value == 81);
  CHECK(Attr(*ssd, 177)->raw == 287);
  CHECK_FALSE(ssd->nvme.has_value());

  auto vm = ParseSmartctlJson(Fixture("vm-minimal", "vda"));
  REQUIRE(vm.ok());
  CHECK(vm->unavailable == "/dev/vda: Unable to detect device type");
  CHECK_FALSE(vm->permission_denied);
  CHECK_FALSE(vm->passed.has_value());
}

TEST_CASE("ParseSmartctlJson: reasons and errors") {
  struct Row {
    const char* what;
    std::string text;
    const char* unavailable;  // nullptr: SMART data expected
    bool denied, standby;
    const char* error;
  } rows[] = {
      {"not root", Envelope(2, "Smartctl open device: /dev/sda [SAT] failed: Permission denied"),
       "smartctl needs root to open the device", true, false, nullptr},
      {"asleep", Envelope(2, "Device is in STANDBY mode, exit(2)"),
       "disk in standby; not woken for SMART", false, true, nullptr},
      {"no such disk", Envelope(2, "Smartctl open device: /dev/sdq failed: No such device"),
       "Smartctl open device: /dev/sdq failed: No such device", false, false, nullptr},
      {"USB bridge without SMART",
       Envelope(4, "x", R"(,"device":{"protocol":"ATA"},"smart_support":{"available":false})"),
       "device does not support SMART", false, false, nullptr},
      {"failing disk",
       R"({"smartctl":{"exit_status":8},"device":{"protocol":"ATA"},"smart_status":{"passed":false}})",
       nullptr, false, false, nullptr},
      {"not JSON", "Segmentation fault", nullptr, false, false, "smartctl output is not JSON"},
      {"other JSON", R"({"hello":1})", nullptr, false, false, "no \"smartctl\" object"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.what);
    auto r = ParseSmartctlJson(row.text);
    if (row.error) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().find(row.error) != std::string::npos);
      continue;
    }
    REQUIRE(r.ok());
    if (row.unavailable) {
      CHECK(r->unavailable == row.unavailable);
    } else {
      CHECK(r->unavailable.empty());
      CHECK(r->passed == false);
    }
    CHECK(r->permission_denied == row.denied);
    CHECK(r->standby == row.standby);
  }
}

TEST_CASE("smart collector: runs smartctl once per interval and caches the result") {
  TempDir dir;
  AgentOptions o;
  o.smartctl = FakeSmartctl(dir);
  fs::copy_file(std::string(WARDWATCH_FIXTURES) + "/machines/old-desktop-hdd/smartctl/sda.json",
                dir.path / "sda.json");
  std::ofstream(dir.path / "sda.rc") << "64\n";
  CollectContext ctx;
  ctx.options = &o;
  auto collector = NewSmartCollector();

  for (int round = 0; round < 3; ++round) {
    Report r = DisksReport({"sda"});
    REQUIRE(collector->Collect(ctx, r).ok());
    const auto& d = r.hardware->disks[0];
    CHECK(d.smart_unavailable.empty());
    CHECK(d.smart_passed == true);
    CHECK(d.power_on_hours == 41870);
    CHECK(d.smart_collected_at_ms.has_value());
    CHECK(r.hardware->absent.empty());
  }
  CHECK(Calls(dir) == 1);
  CHECK(ReadAll((dir.path / "calls").string()) == "--json -a -n standby /dev/sda\n");

  o.smart_interval_seconds = 0;  // every collection may run it now
  Report r = DisksReport({"sda"});
  REQUIRE(collector->Collect(ctx, r).ok());
  CHECK(Calls(dir) == 2);
}

TEST_CASE("smart collector: no smartctl, no root, no data are reasons, not failures") {
  TempDir dir;
  AgentOptions o;
  CollectContext ctx;
  ctx.options = &o;

  SUBCASE("smartctl not installed") {
    o.smartctl = (dir.path / "no-such-smartctl").string();
    Report r = DisksReport({"sda", "sdb"});
    REQUIRE(NewSmartCollector()->Collect(ctx, r).ok());
    CHECK(r.hardware->disks[1].smart_unavailable == "smartctl not installed (" + o.smartctl + ")");
    CHECK(r.hardware->absent == std::vector<std::string>{"smart"});
    CHECK(r.hardware->needs_privilege.empty());
  }
  SUBCASE("agent without root") {
    o.smartctl = FakeSmartctl(dir);
    std::ofstream(dir.path / "sda.json")
        << Envelope(2, "Smartctl open device: /dev/sda [SAT] failed: Permission denied");
    std::ofstream(dir.path / "sda.rc") << "2\n";
    Report r = DisksReport({"sda"});
    REQUIRE(NewSmartCollector()->Collect(ctx, r).ok());
    CHECK(r.hardware->disks[0].smart_unavailable == "smartctl needs root to open the device");
    CHECK(r.hardware->needs_privilege == std::vector<std::string>{"smart"});
    CHECK(r.hardware->absent.empty());
  }
  SUBCASE("smartctl prints garbage: the collector fails and names the disk") {
    o.smartctl = FakeSmartctl(dir);
    std::ofstream(dir.path / "sda.json") << "garbage";
    Report r = DisksReport({"sda"});
    Status s = NewSmartCollector()->Collect(ctx, r);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().find("/dev/sda: smartctl output is not JSON") != std::string::npos);
  }
  SUBCASE("fixture directory: reads files, runs nothing") {
    o.smartctl = FakeSmartctl(dir);
    o.smartctl_fixtures = std::string(WARDWATCH_FIXTURES) + "/machines/new-desktop-nvme/smartctl";
    Report r = DisksReport({"nvme0n1", "sdz"});
    REQUIRE(NewSmartCollector()->Collect(ctx, r).ok());
    CHECK(r.hardware->disks[0].nvme->percentage_used == 1);
    CHECK(r.hardware->disks[1].smart_unavailable == "no saved smartctl output for sdz");
    CHECK(Calls(dir) == 0);
  }
  SUBCASE("no disks at all") {
    Report r;
    REQUIRE(NewSmartCollector()->Collect(ctx, r).ok());
    CHECK(r.hardware->absent == std::vector<std::string>{"smart"});
  }
}
