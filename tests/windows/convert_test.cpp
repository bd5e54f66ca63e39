// The pure converters of Windows API outputs (agent/src/collectors/windows_convert.h) and the
// parsers over raw DeviceIoControl / EStats bytes (windows_ioctl.h), table-driven. These run in
// the Linux suite and, in the Windows build, under Wine.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "collectors/apps.h"
#include "collectors/chassis.h"
#include "collectors/memory_modules.h"
#include "collectors/netlink.h"
#include "collectors/session_file.h"
#include "collectors/windows_convert.h"
#include "collectors/windows_ioctl.h"

using namespace wardwatch;
using namespace wardwatch::agent;
using namespace wardwatch::agent::winconv;

TEST_CASE("FILETIME to Unix seconds") {
  struct Row {
    std::uint64_t filetime;
    double unix_seconds;
  };
  const Row rows[] = {
      {116444736000000000ull, 0},                                    // 1970-01-01
      {116444736000000000ull + 17000000000000000ull, 1700000000.0},  // 2023-11-14
      {0, 0},                                                        // not set
  };
  for (const auto& r : rows)
    CHECK(FileTimeToUnixSeconds(r.filetime) == doctest::Approx(r.unix_seconds));
}

TEST_CASE("CPU ticks: kernel time includes idle, DPC and interrupt time") {
  struct Row {
    CpuTicks in;
    double user, system, idle, irq, softirq;
  };
  const Row rows[] = {
      // 10 s user, 30 s kernel of which 20 s idle, 1 s DPC, 2 s interrupts -> 7 s system.
      {{200000000, 300000000, 100000000, 10000000, 20000000}, 10, 7, 20, 2, 1},
      // GetSystemTimes fallback: no DPC/interrupt split.
      {{50000000, 80000000, 40000000, 0, 0}, 4, 3, 5, 0, 0},
      // Counters sampled out of step (idle > kernel): never negative.
      {{90000000, 80000000, 1, 0, 0}, 0.0000001, 0, 9, 0, 0},
  };
  for (const auto& r : rows) {
    auto out = CpuTimesFromTicks(std::span(&r.in, 1));
    REQUIRE(out.size() == 1);
    CHECK(out[0].cpu == 0);
    CHECK(out[0].user == doctest::Approx(r.user));
    CHECK(out[0].system == doctest::Approx(r.system));
    CHECK(out[0].idle == doctest::Approx(r.idle));
    CHECK(out[0].irq == doctest::Approx(r.irq));
    CHECK(out[0].softirq == doctest::Approx(r.softirq));
  }
  const CpuTicks two[] = {{1, 2, 3, 0, 0}, {4, 5, 6, 0, 0}};
  auto out = CpuTimesFromTicks(two);
  REQUIRE(out.size() == 2);
  CHECK(out[1].cpu == 1);
}

TEST_CASE("memory status to meminfo keys") {
  constexpr std::uint64_t G = 1ull << 30;
  struct Row {
    MemoryStatus in;
    std::uint64_t total, avail, swap_total, swap_free;
  };
  const Row rows[] = {
      // 4 GiB RAM, 1.5 GiB free; commit limit 6 GiB (2 GiB page file), 2 GiB of commit left:
      // 4 GiB committed, 2.5 GiB of it in RAM -> 1.5 GiB in the page file.
      {{4 * G, 3 * G / 2, 6 * G, 2 * G, std::nullopt}, 4 * G, 3 * G / 2, 2 * G, G / 2},
      // No page file.
      {{8 * G, 6 * G, 8 * G, 6 * G, std::nullopt}, 8 * G, 6 * G, 0, 0},
  };
  for (const auto& r : rows) {
    auto m = MeminfoFromStatus(r.in);
    CHECK(m["MemTotal"] == r.total);
    CHECK(m["MemAvailable"] == r.avail);
    CHECK(m["SwapTotal"] == r.swap_total);
    CHECK(m["SwapFree"] == r.swap_free);
    CHECK(m.count("Cached") == 0);
  }
  MemoryStatus with_cache{G, G / 2, G, G / 2, 123456};
  CHECK(MeminfoFromStatus(with_cache)["Cached"] == 123456);
}

TEST_CASE("volumes: fixed and removable drives with a filesystem") {
  struct Row {
    Volume v;
    bool keep;
  };
  const Row rows[] = {
      {{"C:\\", 3, "NTFS", "\\\\?\\Volume{1}\\", false, 100, 40, 30}, true},
      {{"E:\\", 2, "FAT32", "", false, 16, 8, 8}, true},      // USB stick
      {{"D:\\", 5, "CDFS", "", true, 700, 0, 0}, false},      // optical
      {{"Z:\\", 4, "NTFS", "", false, 1000, 10, 10}, false},  // network share
      {{"F:\\", 2, "", "", false, 0, 0, 0}, false},           // empty card reader
  };
  for (const auto& r : rows) CHECK(KeepVolume(r.v) == r.keep);
  auto f = FilesystemFromVolume(rows[0].v);
  CHECK(f.mountpoint == "C:");
  CHECK(f.device == "\\\\?\\Volume{1}\\");
  CHECK(f.fstype == "ntfs");
  CHECK(f.size_bytes == 100);
  CHECK(f.free_bytes == 40);
  CHECK(f.avail_bytes == 30);
  CHECK(FilesystemFromVolume(rows[1].v).device == "E:\\");
}

TEST_CASE("Wi-Fi levels from the Native Wifi API") {
  struct Case {
    std::uint32_t quality;
    std::optional<std::int32_t> rssi;
    double link_quality, signal_dbm;
  };
  const Case cases[] = {
      {80, -56, 80, -56},             // the driver's RSSI wins over the mapped quality
      {80, std::nullopt, 80, -60},    // no RSSI: 80 % maps to -60 dBm
      {0, std::nullopt, 0, -100},     // the bottom of Microsoft's mapping
      {100, std::nullopt, 100, -50},  // and its top
      {250, std::nullopt, 100, -50},  // a quality over 100 is capped
      {60, 0, 60, -70},               // an RSSI of 0 means "none": the mapping is used
      {60, -130, 60, -70},            // below any real receiver: the mapping is used
  };
  for (const auto& c : cases) {
    CAPTURE(c.quality);
    const auto w = WirelessFromWlan(c.quality, c.rssi);
    CHECK(w.link_quality == doctest::Approx(c.link_quality));
    CHECK(w.signal_dbm == doctest::Approx(c.signal_dbm));
    CHECK_FALSE(w.noise_dbm.has_value());
  }
}

TEST_CASE("interfaces from GetIfTable2 rows") {
  IfRow eth;
  eth.alias = "Ethernet";
  eth.if_type = 6;
  eth.oper_status = 1;
  eth.hardware_interface = true;
  eth.in_octets = 1000;
  eth.out_octets = 2000;
  eth.in_ucast = 10;
  eth.in_nucast = 5;
  eth.out_ucast = 20;
  eth.in_errors = 1;
  eth.in_discards = 2;
  eth.receive_link_speed = 100'000'000;
  eth.transmit_link_speed = 100'000'000;
  eth.mtu = 1500;
  eth.physical_address = {0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e};
  auto i = InterfaceFromRow(eth);
  CHECK(i.name == "Ethernet");
  CHECK(i.receive_bytes == 1000);
  CHECK(i.transmit_bytes == 2000);
  CHECK(i.receive_packets == 15);
  CHECK(i.transmit_packets == 20);
  CHECK(i.receive_errs == 1);
  CHECK(i.receive_drop == 2);
  REQUIRE(i.speed_bytes.has_value());
  CHECK(*i.speed_bytes == 12'500'000);  // 100 Mb/s
  CHECK(i.operstate == "up");
  CHECK(i.type == 1);
  CHECK(i.address == "00:1a:2b:3c:4d:5e");
  CHECK(i.mtu == 1500u);

  IfRow unknown_speed = eth;
  unknown_speed.receive_link_speed = unknown_speed.transmit_link_speed = ~std::uint64_t{0};
  CHECK_FALSE(InterfaceFromRow(unknown_speed).speed_bytes.has_value());

  struct KeepRow {
    bool hardware, filter;
    std::uint32_t type;
    bool keep;
  };
  const KeepRow keep[] = {{true, false, 6, true},
                          {true, true, 6, false},
                          {false, false, 24, true},
                          {false, false, 131, false},
                          {true, false, 71, true}};
  for (const auto& k : keep) {
    IfRow r;
    r.hardware_interface = k.hardware;
    r.filter_interface = k.filter;
    r.if_type = k.type;
    CHECK(KeepInterface(r) == k.keep);
  }
  const std::pair<std::uint32_t, const char*> states[] = {
      {1, "up"},      {2, "down"},           {4, "unknown"},
      {5, "dormant"}, {7, "lowerlayerdown"}, {99, "unknown"}};
  for (const auto& [s, word] : states) CHECK(OperState(s) == word);
  CHECK(ArphrdFromIfType(24) == 772);
  CHECK(ArphrdFromIfType(71) == 1);
}

TEST_CASE("DMI from the BIOS registry key") {
  const std::map<std::string, std::string> key = {
      {"BIOSVendor", "Dell Inc."},
      {"BIOSVersion", "A28"},
      {"BIOSReleaseDate", "07/07/2016"},
      {"SystemManufacturer", "Dell Inc."},
      {"SystemProductName", "OptiPlex 3020"},
      {"SystemFamily", "To be filled by O.E.M."},
      {"BaseBoardProduct", "0WMJ54"},
      {"BiosMajorRelease", "4"},
      {"BiosMinorRelease", "28"},
      {"Unrelated", "x"},
  };
  auto dmi = DmiFromBiosKey(key);
  CHECK(dmi["bios_vendor"] == "Dell Inc.");
  CHECK(dmi["bios_version"] == "A28");
  CHECK(dmi["bios_date"] == "07/07/2016");
  CHECK(dmi["sys_vendor"] == "Dell Inc.");
  CHECK(dmi["product_name"] == "OptiPlex 3020");
  CHECK(dmi["board_name"] == "0WMJ54");
  CHECK(dmi["bios_release"] == "4.28");
  CHECK(dmi.count("product_family") == 0);  // placeholder
  CHECK(dmi.size() == 7);
  CHECK(DmiFromBiosKey({{"BiosMajorRelease", "255"}, {"BiosMinorRelease", "255"}}).empty());
}

TEST_CASE("OS version: Windows 11 still says Windows 10 in ProductName") {
  struct Row {
    WindowsVersion v;
    const char* version_id;
    const char* pretty;
    const char* release;
  };
  const Row rows[] = {
      {{10, 0, 22631, 2861, "Windows 10 Pro", "23H2", "Professional", "pc1", "x86_64", {}},
       "11",
       "Windows 11 Pro 23H2 (build 22631.2861)",
       "10.0.22631.2861"},
      {{10, 0, 19045, 3803, "Windows 10 Home", "22H2", "Core", "pc2", "x86_64", {}},
       "10",
       "Windows 10 Home 22H2 (build 19045.3803)",
       "10.0.19045.3803"},
      {{6, 1, 7601, std::nullopt, "Windows 7 Professional", "", "Professional", "", "", {}},
       "7",
       "Windows 7 Professional (build 7601)",
       "6.1.7601"},
      {{10, 0, 19041, std::nullopt, "", "", "", "", "", 1700000000.0},
       "10",
       "Windows 10 (build 19041)",
       "10.0.19041"},
  };
  for (const auto& r : rows) {
    auto os = OsInfoFromVersion(r.v);
    CHECK(os.sysname == "Windows_NT");
    CHECK(os.os_release["ID"] == "windows");
    CHECK(os.os_release["VERSION_ID"] == r.version_id);
    CHECK(os.os_release["PRETTY_NAME"] == r.pretty);
    CHECK(os.release == r.release);
  }
  CHECK(OsInfoFromVersion(rows[0].v).os_release["VARIANT_ID"] == "professional");
  CHECK(OsInfoFromVersion(rows[3].v).boot_time_seconds == 1700000000.0);
}

TEST_CASE("installed programs from Uninstall keys") {
  using Values = std::map<std::string, std::string>;
  struct Row {
    Values v;
    bool program;
  };
  const Row rows[] = {
      {{{"DisplayName", "Google Chrome"},
        {"DisplayVersion", "120.0.6099.130"},
        {"InstallDate", "20231220"}},
       true},
      {{{"DisplayName", "Microsoft Visual C++ 2019 X64 Minimum Runtime"}, {"SystemComponent", "1"}},
       false},
      {{{"DisplayName", "Security Update for Microsoft Office (KB5002469)"},
        {"ParentKeyName", "Office16.PROPLUS"}},
       false},
      {{{"DisplayName", "Hotfix X"}, {"ReleaseType", "Hotfix"}}, false},
      {{{"UninstallString", "x.exe"}}, false},  // no name: not shown in Apps & features
      {{{"DisplayName", "  "}}, false},
  };
  for (const auto& r : rows) CHECK(PackageFromUninstallKey(r.v, "x64").has_value() == r.program);
  auto p = PackageFromUninstallKey(rows[0].v, "x64");
  REQUIRE(p);
  CHECK(p->name == "Google Chrome");
  CHECK(p->version == "120.0.6099.130");
  CHECK(p->source == "registry");
  CHECK(p->arch == "x64");
  REQUIRE(p->install_time);
  CHECK(*p->install_time == 1703030400);  // 2023-12-20T00:00:00Z

  const std::pair<const char*, std::optional<std::uint64_t>> dates[] = {
      {"19700101", std::nullopt},  // before 1980: junk some installers write
      {"20240229", 1709164800},    // leap day
      {"20230229", std::nullopt},  // not a date
      {"2023-12-20", std::nullopt}, {"", std::nullopt},
  };
  for (const auto& [text, want] : dates) CHECK(ParseInstallDate(text) == want);
}

TEST_CASE("processes: Windows paths meet the application table") {
  ProcessRaw chrome{4242,
                    "chrome.exe",
                    "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                    116444736000000000ull + 17000000000000000ull,
                    15000000,
                    5000000,
                    200u << 20};
  auto s = ProcessFromRaw(chrome);
  CHECK(s.pid == 4242);
  CHECK(s.comm == "chrome");
  CHECK(s.exe == "C:/Program Files/Google/Chrome/Application/chrome");
  CHECK(s.cpu_seconds == doctest::Approx(2.0));
  CHECK(s.start_time == doctest::Approx(1700000000.0));
  CHECK(s.rss_bytes == (200u << 20));
  CHECK(AppNameFor(s.exe, s.comm) == "Google Chrome");
  CHECK(AppNameFor(ProcessFromRaw({1, "msedge.exe", "C:\\x\\MSEDGE.EXE", 1, 0, 0, 0}).exe,
                   "msedge") == "Microsoft Edge");
  // Another user's process: name only.
  auto other = ProcessFromRaw({8, "svchost.exe", "", 0, 0, 0, 0});
  CHECK(other.exe.empty());
  CHECK(other.comm == "svchost");
}

TEST_CASE("idle seconds across the 49.7-day GetTickCount wrap") {
  CHECK(IdleSecondsFromTicks(5000, 2000) == doctest::Approx(3.0));
  CHECK(IdleSecondsFromTicks(1000, 0xFFFFFC18u) == doctest::Approx(2.0));  // wrapped
  CHECK(IdleSecondsFromTicks(7, 7) == 0.0);
}

TEST_CASE("carrier from OperStatus and MediaConnectState") {
  struct Row {
    std::uint32_t oper_status, media;
    std::optional<bool> up;
  };
  const Row rows[] = {
      {1, 1, true},          // up, connected
      {1, 0, true},          // up, media unknown (loopback, virtual adapters)
      {1, 2, false},         // up but the media says disconnected
      {2, 2, false},         // down, cable out
      {2, 0, false},         // down (disabled)
      {7, 2, false},         // lower layer down
      {6, 0, false},         // not present
      {5, 1, std::nullopt},  // dormant: a Wi-Fi link still authenticating
      {3, 1, std::nullopt},  // testing
      {4, 0, std::nullopt},  // unknown
      {5, 2, false},         // dormant, but the media is disconnected
  };
  for (const auto& r : rows) {
    CAPTURE(r.oper_status);
    CAPTURE(r.media);
    CHECK(CarrierUp(r.oper_status, r.media) == r.up);
  }
}

TEST_CASE("carrier changes counted from successive samples") {
  const std::optional<bool> up = true, down = false, unknown = std::nullopt;
  struct Row {
    const char* what;
    std::vector<std::vector<CarrierSample>> samples;
    std::vector<std::pair<std::string, std::optional<std::uint64_t>>> expect;
  };
  const Row rows[] = {
      {"first sight counts nothing, whatever the state",
       {{{"a", up}, {"b", down}}},
       {{"a", 0}, {"b", 0}}},
      {"steady up", {{{"a", up}}, {{"a", up}}, {{"a", up}}}, {{"a", 0}}},
      {"down then up again: two changes, as Linux counts",
       {{{"a", up}}, {{"a", down}}, {{"a", up}}},
       {{"a", 2}}},
      {"a flap between two samples is not seen", {{{"a", up}}, {{"a", up}}}, {{"a", 0}}},
      {"unknown states keep the last known one",
       {{{"a", up}}, {{"a", unknown}}, {{"a", up}}, {{"a", unknown}}, {{"a", down}}},
       {{"a", 1}}},
      {"first seen unknown, then up: no change",
       {{{"a", unknown}}, {{"a", up}}, {{"a", down}}},
       {{"a", 1}}},
      {"an interface missing from a sample keeps its count and state",
       {{{"a", up}, {"b", up}}, {{"a", down}}, {{"a", down}, {"b", down}}},
       {{"a", 1}, {"b", 1}}},
      {"never seen: no count", {{{"a", up}}}, {{"zzz", std::nullopt}}},
  };
  for (const auto& r : rows) {
    CAPTURE(std::string(r.what));
    CarrierCounter c;
    for (const auto& s : r.samples) c.Observe(s);
    for (const auto& [key, count] : r.expect) {
      CAPTURE(key);
      CHECK(c.Changes(key) == count);
    }
  }
}

TEST_CASE("carrier counter: bounded; interfaces gone from the table are forgotten first") {
  CarrierCounter c;
  std::vector<CarrierSample> many;
  for (std::size_t i = 0; i < CarrierCounter::kMaxInterfaces; ++i) {
    many.push_back({"if" + std::to_string(i), true});
  }
  c.Observe(many);
  // One more while all are listed: not tracked.
  auto more = many;
  more.push_back({"extra", true});
  c.Observe(more);
  CHECK_FALSE(c.Changes("extra"));
  CHECK(c.Changes("if0") == 0u);
  // if0 left the table: it makes room for the new one; the others keep counting.
  more.erase(more.begin());
  more.back().up = false;
  more[0].up = false;
  c.Observe(more);
  CHECK_FALSE(c.Changes("if0"));
  CHECK(c.Changes("extra") == 0u);
  CHECK(c.Changes("if1") == 1u);
}

TEST_CASE("session helper file names on Windows: a user's SID as text, nothing else") {
  struct Row {
    const char* name;
    bool ok;
  };
  const Row rows[] = {
      {"S-1-5-21-3623811015-3361044348-30300820-1013", true},  // a local or domain user
      {"S-1-5-21-0-0-0-1000", true},                           // Wine's user
      {"S-1-5-18", true},  // SYSTEM (well-formed; owner checked later)
      {"S-1-12-1-1234567890-1234567890-1234567890-1234567890", true},  // Azure AD user
      {"S-1-281474976710655-1", true},                                 // 48-bit authority
      {"S-1-281474976710656-1", false},                                // authority too large
      {"S-1-5-4294967295", true},
      {"S-1-5-4294967296", false},                              // sub-authority past 32 bits
      {"S-1-5", false},                                         // no sub-authority
      {"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", true},      // 15 sub-authorities
      {"S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", false},  // 16
      {"S-1-5-21-01-2-3-1000", false},                          // leading zero
      {"S-1-5-21--2-3-1000", false},                            // empty part
      {"S-1-5-21-1-2-3-", false},                               // trailing dash
      {"s-1-5-21-1-2-3-1000", false},                           // lower case
      {"S-2-5-21-1-2-3-1000", false},                           // revision 2
      {"S-1-5-21-1-2-3-+1000", false},
      {"S-1-5-21-1-2-3-1000.tmp", false},
      {".S-1-5-21-1-2-3-1000.12345", false},  // a helper's temporary file
      {"S-1-5-21-1-2-3-1000\\..\\x", false},
      {"1000", false},  // a Linux uid
      {"", false},
  };
  for (const auto& r : rows) {
    CAPTURE(std::string(r.name));
    CHECK(IsSidFileName(r.name) == r.ok);
  }
}

// ---- raw DeviceIoControl answers -------------------------------------------------------

namespace {

void Put(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) b.at(at + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

// One attribute slot of SMART READ DATA: id, flags, value, worst, 6-byte raw.
void Attr(std::vector<std::uint8_t>& b, int slot, int id, int flags, int value, int worst,
          std::uint64_t raw) {
  const std::size_t at = 2 + static_cast<std::size_t>(slot) * 12;
  b[at] = static_cast<std::uint8_t>(id);
  Put(b, at + 1, static_cast<std::uint64_t>(flags), 2);
  b[at + 3] = static_cast<std::uint8_t>(value);
  b[at + 4] = static_cast<std::uint8_t>(worst);
  Put(b, at + 5, raw, 6);
}

}  // namespace

TEST_CASE("ATA SMART READ DATA of an aging HDD") {
  std::vector<std::uint8_t> data(512, 0), thresh(512, 0);
  Attr(data, 0, 1, 0x000f, 117, 99, 123456);  // Raw_Read_Error_Rate: not kept
  Attr(data, 1, 5, 0x0033, 98, 98, 48);       // 48 reallocated sectors
  Attr(data, 2, 9, 0x0032, 40, 40, 52560);    // 6 years powered on
  Attr(data, 3, 12, 0x0032, 97, 97, 3102);
  Attr(data, 4, 194, 0x0022, 38, 52, 0x0012000f0026ull);  // 38 C, min/max packed above
  Attr(data, 5, 197, 0x0012, 100, 100, 8);
  thresh[2] = 1;
  thresh[3] = 6;
  thresh[2 + 12] = 5;
  thresh[3 + 12] = 36;
  auto r = ParseAtaSmartData(data, thresh);
  REQUIRE(r);
  CHECK(r->protocol == "ATA");
  REQUIRE(r->attributes.size() == 5);
  CHECK(r->attributes[0].id == 5);
  CHECK(r->attributes[0].name == "Reallocated_Sector_Ct");
  CHECK(r->attributes[0].value == 98);
  CHECK(r->attributes[0].thresh == 36);
  CHECK(r->attributes[0].raw == 48);
  CHECK(r->attributes[0].flags == "PO--CK");
  CHECK(r->power_on_hours == 52560u);
  CHECK(r->power_cycles == 3102u);
  REQUIRE(r->temperature_celsius);
  CHECK(*r->temperature_celsius == 38.0);
  CHECK(ParseAtaSmartData(std::span(data).first(100), {}).error().find("expected 512") !=
        std::string::npos);
  CHECK(ParseAtaSmartData(data, {})->attributes[0].thresh == 0);

  CHECK(AtaSmartStatus(0x4f, 0xc2) == true);
  CHECK(AtaSmartStatus(0xf4, 0x2c) == false);
  CHECK_FALSE(AtaSmartStatus(0, 0).has_value());
}

TEST_CASE("NVMe health log inside an IOCTL_STORAGE_QUERY_PROPERTY answer") {
  // STORAGE_PROTOCOL_DATA_DESCRIPTOR: Version, Size, STORAGE_PROTOCOL_SPECIFIC_DATA (40 bytes,
  // ProtocolDataOffset = 40 from its start), then the 512-byte log.
  std::vector<std::uint8_t> answer(8 + 40 + 512, 0);
  Put(answer, 0, 52, 4);
  Put(answer, 4, 52, 4);
  Put(answer, 8, 3, 4);        // ProtocolTypeNvme
  Put(answer, 12, 2, 4);       // NVMeDataTypeLogPage
  Put(answer, 16, 2, 4);       // log page 02h
  Put(answer, 8 + 16, 40, 4);  // ProtocolDataOffset
  Put(answer, 8 + 20, 512, 4);
  const std::size_t log = 8 + 40;
  answer[log + 0] = 0;                // no critical warning
  Put(answer, log + 1, 273 + 41, 2);  // 41 C
  answer[log + 3] = 100;              // spare
  answer[log + 4] = 10;               // spare threshold
  answer[log + 5] = 7;                // 7 % used
  Put(answer, log + 112, 1204, 8);    // power cycles
  Put(answer, log + 128, 8760, 8);    // power-on hours
  Put(answer, log + 144, 31, 8);      // unsafe shutdowns
  Put(answer, log + 160, 0, 8);       // media errors
  auto payload = ProtocolSpecificPayload(answer);
  REQUIRE(payload);
  CHECK(payload->size() == 512);
  auto r = ParseNvmeHealthLog(*payload);
  REQUIRE(r);
  CHECK(r->protocol == "NVMe");
  CHECK(r->passed == true);
  REQUIRE(r->nvme);
  CHECK(r->nvme->percentage_used == 7);
  CHECK(r->nvme->available_spare == 100);
  CHECK(r->nvme->available_spare_threshold == 10);
  CHECK(r->nvme->power_cycles == 1204);
  CHECK(r->nvme->power_on_hours == 8760);
  CHECK(r->nvme->unsafe_shutdowns == 31);
  CHECK(*r->temperature_celsius == 41.0);

  answer[log + 0] = 0x04;  // reliability degraded
  CHECK(ParseNvmeHealthLog(*ProtocolSpecificPayload(answer))->passed == false);

  Put(answer, 8 + 20, 4096, 4);  // claims more than was returned
  auto bad = ProtocolSpecificPayload(answer);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().find("past the 560-byte answer") != std::string::npos);
  CHECK_FALSE(ProtocolSpecificPayload(std::span(answer).first(20)));
}

TEST_CASE("TCP EStats data bytes attributed to applications") {
  std::vector<std::uint8_t> rod(96, 0);
  Put(rod, 0, 5000, 8);     // DataBytesOut
  Put(rod, 8, 10, 8);       // DataSegsOut
  Put(rod, 16, 900000, 8);  // DataBytesIn
  Put(rod, 24, 700, 8);     // DataSegsIn
  auto s = ParseTcpEstatsData(rod);
  REQUIRE(s);
  CHECK(s->bytes_out == 5000);
  CHECK(s->bytes_in == 900000);
  CHECK(s->segs_in == 700);
  CHECK_FALSE(ParseTcpEstatsData(std::span(rod).first(10)));

  const TcpConnectionBytes conns[] = {
      {100, *s}, {100, *s}, {200, {1, 1, 1, 1}}, {300, {2, 2, 2, 2}}};
  auto by_app = TcpBytesByApp(conns, {{100, "Google Chrome"}, {200, "Zalo"}});
  CHECK(by_app["Google Chrome"].bytes_in == 1800000);
  CHECK(by_app["Zalo"].bytes_out == 1);
  CHECK(by_app["other"].bytes_in == 2);
}

TEST_CASE("netstat: per-family TCP counters add up to Linux's one TCP MIB") {
  NetStats s;
  s.tcp4 = TcpStats{10, 20, 3, 4, 5, 1000, 900, 7, 1, 2};
  s.tcp6 = TcpStats{1, 2, 0, 1, 1, 5000000000ull, 100, 3, 0, 1};
  s.udp4 = UdpStats{50, 6, 2, 40};
  s.udp6 = UdpStats{5, 0, 0, 4};
  s.icmp4 = IcmpCounts{8, 1, 9};
  s.ip_forwarding = 2;
  auto m = NetstatFromStats(s);
  struct Row {
    const char* key;
    std::uint64_t value;
  };
  const Row rows[] = {
      {"Tcp_ActiveOpens", 11}, {"Tcp_PassiveOpens", 22},
      {"Tcp_AttemptFails", 3}, {"Tcp_EstabResets", 5},
      {"Tcp_CurrEstab", 6},    {"Tcp_InSegs", 5000001000ull},  // past 2^32 (the *Ex2 calls)
      {"Tcp_OutSegs", 1000},   {"Tcp_RetransSegs", 10},
      {"Tcp_InErrs", 1},       {"Tcp_OutRsts", 3},
      {"Udp_InDatagrams", 50}, {"Udp_NoPorts", 6},
      {"Udp_InErrors", 2},     {"Udp_OutDatagrams", 40},
      {"Udp6_InDatagrams", 5}, {"Udp6_OutDatagrams", 4},
      {"Udp6_NoPorts", 0},     {"Udp6_InErrors", 0},
      {"Icmp_InMsgs", 8},      {"Icmp_InErrors", 1},
      {"Icmp_OutMsgs", 9},     {"Ip_Forwarding", 2},
  };
  for (const auto& r : rows) {
    INFO(r.key);
    REQUIRE(m.count(r.key) == 1);
    CHECK(m[r.key] == r.value);
  }
  // No IPv6 ICMP answer: left out, not zero.
  CHECK(m.count("Icmp6_InMsgs") == 0);
  CHECK(m.size() == std::size(rows));

  // A PC without IPv6: TCP is the IPv4 count alone; no Udp6 keys.
  NetStats v4only;
  v4only.tcp4 = TcpStats{1, 1, 1, 1, 1, 100, 200, 5, 0, 0};
  v4only.udp4 = UdpStats{};
  auto m4 = NetstatFromStats(v4only);
  CHECK(m4["Tcp_InSegs"] == 100);
  CHECK(m4["Tcp_RetransSegs"] == 5);
  CHECK(m4.count("Udp6_InDatagrams") == 0);
  CHECK(m4.count("Ip_Forwarding") == 0);
  CHECK(NetstatFromStats(NetStats{}).empty());

  // Wine answers both families from Linux's one TCP MIB, read a moment apart (they need not be
  // equal): the IPv6 answer is not added. Without the flag the two families add up.
  NetStats wine;
  wine.tcp4 = TcpStats{3, 4, 0, 0, 2, 700, 800, 1, 0, 0};
  wine.tcp6 = TcpStats{3, 4, 0, 0, 2, 705, 806, 1, 0, 0};
  wine.shared_tcp_mib = true;
  CHECK(NetstatFromStats(wine)["Tcp_InSegs"] == 700);
  CHECK(NetstatFromStats(wine)["Tcp_OutSegs"] == 800);
  wine.shared_tcp_mib = false;
  CHECK(NetstatFromStats(wine)["Tcp_InSegs"] == 1405);
  // Only IPv6 answered: it is the count, shared or not.
  NetStats v6only;
  v6only.tcp6 = TcpStats{0, 0, 0, 0, 0, 9, 9, 0, 0, 0};
  v6only.shared_tcp_mib = true;
  CHECK(NetstatFromStats(v6only)["Tcp_InSegs"] == 9);
}

namespace {

IpAddress V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress ip;
  ip.version = 4;
  ip.bytes = {a, b, c, d};
  return ip;
}

IpAddress V6(std::initializer_list<std::uint16_t> groups) {
  IpAddress ip;
  ip.version = 6;
  std::size_t i = 0;
  for (auto g : groups) {
    ip.bytes[i++] = static_cast<std::uint8_t>(g >> 8);
    ip.bytes[i++] = static_cast<std::uint8_t>(g & 0xff);
  }
  return ip;
}

}  // namespace

TEST_CASE("addresses format as on Linux") {
  CHECK(FormatIp(V4(192, 168, 1, 1)) == "192.168.1.1");
  CHECK(FormatIp(V6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53})) == "2001:db8::53");
  CHECK(FormatIp(V6({0xfe80, 0, 0, 0, 0x1, 0, 0, 0x1})) == "fe80::1:0:0:1");
  CHECK(FormatIp(IpAddress{}).empty());
}

TEST_CASE("default gateways from GetIpForwardTable2 rows") {
  const auto gw = V4(192, 168, 1, 1);
  const auto backup = V4(10, 0, 0, 1);
  const auto ll = V6({0xfe80, 0, 0, 0, 0, 0, 0, 1});
  struct Row {
    const char* what;
    std::vector<RouteRow> routes;
    std::vector<std::string> want;
  };
  const Row rows[] = {
      {"one LAN gateway among on-link and host routes",
       {{24, V4(0, 0, 0, 0), 281, "Ethernet", true},
        {0, gw, 281, "Ethernet", true},
        {32, V4(127, 0, 0, 1), 331, "Loopback Pseudo-Interface 1", true}},
       {"192.168.1.1"}},
      {"lowest metric first; IPv4 before IPv6; link-local carries the interface",
       {{0, ll, 10, "Wi-Fi", true}, {0, backup, 300, "Wi-Fi", true}, {0, gw, 25, "Ethernet", true}},
       {"192.168.1.1", "10.0.0.1", "fe80::1%Wi-Fi"}},
      {"an unplugged adapter's default route is not used",
       {{0, gw, 25, "Ethernet", false}, {0, backup, 50, "Wi-Fi", true}},
       {"10.0.0.1"}},
      {"same gateway on two interfaces once; an on-link VPN default has no gateway",
       {{0, gw, 25, "Ethernet", true},
        {0, gw, 35, "Ethernet 2", true},
        {0, V4(0, 0, 0, 0), 1, "VPN", true}},
       {"192.168.1.1"}},
      {"no default route", {{24, V4(0, 0, 0, 0), 281, "Ethernet", true}}, {}},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    CHECK(DefaultGatewaysFromRoutes(r.routes) == r.want);
  }
}

TEST_CASE("DNS servers of the up adapters") {
  const auto placeholder1 = V6({0xfec0, 0, 0, 0xffff, 0, 0, 0, 1});
  const auto placeholder3 = V6({0xfec0, 0, 0, 0xffff, 0, 0, 0, 3});
  const AdapterDns adapters[] = {
      {"Ethernet", 6, 1, {V4(192, 168, 1, 1), V4(8, 8, 8, 8), placeholder1, placeholder3}},
      {"Wi-Fi", 71, 2, {V4(10, 0, 0, 1)}},  // down: not this PC's resolver now
      {"Loopback Pseudo-Interface 1", 24, 1, {placeholder1}},
      {"Ethernet 2", 6, 1, {V4(8, 8, 8, 8), V6({0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888})}},
  };
  CHECK(DnsServersFromAdapters(adapters) ==
        std::vector<std::string>{"192.168.1.1", "8.8.8.8", "2001:4860:4860::8888"});
  // A real fec0:0:0:ffff::4 is not one of the three placeholders.
  const AdapterDns site[] = {{"Ethernet", 6, 1, {V6({0xfec0, 0, 0, 0xffff, 0, 0, 0, 4})}}};
  CHECK(DnsServersFromAdapters(site) == std::vector<std::string>{"fec0:0:0:ffff::4"});
}

namespace {

// A STORAGE_DEVICE_DESCRIPTOR as a driver returns it: fixed fields, then the strings it names.
struct DescriptorSpec {
  const char* vendor;
  const char* product;
  const char* revision;
  const char* serial;
  std::uint32_t bus_type;
  bool removable;
};

std::vector<std::uint8_t> Descriptor(const DescriptorSpec& s) {
  constexpr std::size_t kFixed = 40;
  const char* const texts[4] = {s.vendor, s.product, s.revision, s.serial};
  std::string strings;
  std::size_t offsets[4] = {};  // 0: the driver has no such string
  for (int i = 0; i < 4; ++i) {
    if (texts[i] == nullptr) continue;
    offsets[i] = kFixed + strings.size();
    strings += texts[i];
    strings += '\0';
  }
  std::vector<std::uint8_t> b(kFixed + strings.size(), 0);
  std::copy(strings.begin(), strings.end(), b.begin() + kFixed);
  Put(b, 0, 1, 4);         // Version
  Put(b, 4, b.size(), 4);  // Size
  b[10] = s.removable ? 1 : 0;
  for (int i = 0; i < 4; ++i) Put(b, 12 + 4 * static_cast<std::size_t>(i), offsets[i], 4);
  Put(b, 28, s.bus_type, 4);
  return b;
}

}  // namespace

TEST_CASE("physical disks from STORAGE_DEVICE_DESCRIPTOR answers") {
  struct Row {
    const char* what;
    DescriptorSpec spec;
    std::optional<bool> seek_penalty;
    std::string model, serial, firmware;
    bool rotational, removable;
    std::string smart_protocol;
  };
  const Row rows[] = {
      {"SATA HDD of an old office PC: vendor split off the model",
       {"WDC", "WD5000AAKX-08U6AA0", "19.01H19", "     WD-WCC2EWP12345", 11, false},
       true,
       "WDC WD5000AAKX-08U6AA0",
       "WD-WCC2EWP12345",
       "19.01H19",
       true,
       false,
       "ATA"},
      {"SATA SSD: no vendor string",
       {nullptr, "Samsung SSD 860 EVO 500GB", "RVT04B6Q", "S3Z1NB0K123456A", 11, false},
       false,
       "Samsung SSD 860 EVO 500GB",
       "S3Z1NB0K123456A",
       "RVT04B6Q",
       false,
       false,
       "ATA"},
      {"NVMe: 'NVMe' is not a maker; no seek-penalty answer still means solid state",
       {"NVMe", "KINGSTON SNV2S500G", "SBM02103", "0026_B768_3C4F_1E25.", 17, false},
       std::nullopt,
       "KINGSTON SNV2S500G",
       "0026_B768_3C4F_1E25.",
       "SBM02103",
       false,
       false,
       ""},  // filled below: NVMe
      {"USB card reader: removable, no SMART over USB",
       {"Generic-", "SD/MMC", "1.00", nullptr, 7, true},
       std::nullopt,
       "Generic- SD/MMC",
       "",
       "1.00",
       false,
       true,
       ""},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto d = ParseStorageDeviceDescriptor(Descriptor(r.spec));
    REQUIRE_MESSAGE(d, (d ? "" : d.error()));
    CHECK(d->bus_type == r.spec.bus_type);
    auto disk = DiskFromStorage("PhysicalDrive1", *d, r.seek_penalty, 500107862016ull);
    CHECK(disk.name == "PhysicalDrive1");
    CHECK(disk.model == r.model);
    CHECK(disk.serial == r.serial);
    CHECK(disk.firmware == r.firmware);
    CHECK(disk.rotational == r.rotational);
    CHECK(disk.removable == r.removable);
    CHECK(disk.size_bytes == 500107862016ull);
    CHECK(SmartProtocolForBus(d->bus_type) ==
          (r.spec.bus_type == 17 ? std::string("NVMe") : r.smart_protocol));
  }
  CHECK(BusTypeName(7) == "USB");
  CHECK(BusTypeName(99) == "bus type 99");
  CHECK(PhysicalDriveName(3) == "PhysicalDrive3");

  // Mounted VHD/ISO images and empty card readers are not disks to report.
  StorageDescriptor vhd;
  vhd.bus_type = 15;
  CHECK_FALSE(KeepDisk(vhd, 1 << 30));
  StorageDescriptor reader;
  reader.bus_type = 7;
  CHECK_FALSE(KeepDisk(reader, 0));
  CHECK(KeepDisk(reader, 32ull << 30));

  // Broken answers name what does not fit.
  auto good = Descriptor({"ATA", "ST1000DM010", "CC43", "Z9A1234", 11, false});
  CHECK_FALSE(ParseStorageDeviceDescriptor(std::span(good).first(20)));
  auto bad = good;
  Put(bad, 16, 5000, 4);  // ProductIdOffset past the end
  auto e = ParseStorageDeviceDescriptor(bad);
  REQUIRE_FALSE(e);
  CHECK(e.error().find("ProductIdOffset 5000") != std::string::npos);
  // Size smaller than the buffer: strings past Size are not read.
  auto cut = good;
  Put(cut, 4, 40, 4);
  CHECK_FALSE(ParseStorageDeviceDescriptor(cut));
  // A string without its NUL (Size stops before it) ends at Size.
  auto unterminated = Descriptor({nullptr, nullptr, nullptr, "ABC", 11, false});
  Put(unterminated, 4, unterminated.size() - 1, 4);
  auto u = ParseStorageDeviceDescriptor(unterminated);
  REQUIRE(u);
  CHECK(u->serial == "ABC");
}

TEST_CASE("diskstats from DISK_PERFORMANCE") {
  DiskPerformance p;
  p.bytes_read = 10ull << 30;
  p.bytes_written = 3ull << 30;
  p.read_count = 120000;
  p.write_count = 45000;
  p.read_time = 900 * 10000000ull;  // 900 s summed over all reads
  p.write_time = 300 * 10000000ull;
  p.idle_time = 3000 * 10000000ull;
  p.queue_depth = 2;
  struct Row {
    std::uint64_t uptime_ticks;
    double io_time;
  };
  const Row rows[] = {
      {3600 * 10000000ull, 600},  // up an hour, idle 50 min: busy 10 min
      {2000 * 10000000ull, 0},    // idle longer than uptime (counters started early): not negative
  };
  for (const auto& r : rows) {
    auto d = DiskStatsFromPerformance("PhysicalDrive0", p, r.uptime_ticks);
    CHECK(d.device == "PhysicalDrive0");
    CHECK(d.reads_completed == 120000);
    CHECK(d.writes_completed == 45000);
    CHECK(d.read_bytes == (10ull << 30));
    CHECK(d.written_bytes == (3ull << 30));
    CHECK(d.read_time_seconds == doctest::Approx(900));
    CHECK(d.write_time_seconds == doctest::Approx(300));
    CHECK(d.io_time_weighted_seconds == doctest::Approx(1200));
    CHECK(d.io_now == 2);
    CHECK(d.reads_merged == 0);
    CHECK(d.io_time_seconds == doctest::Approx(r.io_time));
  }
}

TEST_CASE("battery from the battery device: wear, cycles, status") {
  struct Row {
    const char* what;
    BatteryDevice in;
    std::string status, technology;
    std::optional<double> capacity, wear, full_wh, design_wh;
    std::optional<std::uint64_t> cycles;
  };
  const Row rows[] = {
      {"worn laptop battery discharging",
       {"SMP", "DELL 7FHHV", 0x80000000, 1, "LION", 42000, 29400, 412, 2u, 14700},
       "Discharging",
       "Li-ion",
       0.5,
       0.3,
       29.4,
       42.0,
       412},
      {"charging",
       {"LGC", "L17L3P53", 0x80000000, 1, "LiP", 45000, 44000, 0, 5u, 22000},  // online+charging
       "Charging",
       "Li-poly",
       0.5,
       1.0 - 44000.0 / 45000.0,
       44.0,
       45.0,
       std::nullopt},  // 0 cycles: firmware does not count them
      {"full on mains",
       {"", "", 0x80000000, 1, "LION", 50000, 48000, 100, 1u, 48000},
       "Full",
       "Li-ion",
       1.0,
       0.04,
       48.0,
       50.0,
       100},
      {"held below full on mains (charge threshold)",
       {"", "", 0x80000000, 1, "LION", 50000, 48000, 100, 1u, 38400},
       "Not charging",
       "Li-ion",
       0.8,
       0.04,
       48.0,
       50.0,
       100},
      {"relative capacity: no Wh and no wear",
       {"", "", 0xC0000000, 1, "NiMH", 100, 80, 0, 2u, 40},
       "Discharging",
       "NiMH",
       0.5,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       std::nullopt},
      {"unknown capacities (0xFFFFFFFF)",
       {"", "", 0x80000000, 1, "", 0xFFFFFFFF, 0xFFFFFFFF, 0, std::nullopt, 0xFFFFFFFF},
       "",
       "Unknown",
       std::nullopt,
       std::nullopt,
       std::nullopt,
       std::nullopt,
       std::nullopt},
      {"full charge above design (a new battery): wear clamped to 0",
       {"", "", 0x80000000, 1, "LION", 40000, 41000, 3, 2u, 20500},
       "Discharging",
       "Li-ion",
       0.5,
       0.0,
       41.0,
       40.0,
       3},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    auto b = BatteryFromDevice("BAT0", r.in);
    CHECK(b.name == "BAT0");
    CHECK(b.status == r.status);
    CHECK(b.technology == r.technology);
    CHECK(b.manufacturer == r.in.manufacturer);
    CHECK(b.capacity_ratio.has_value() == r.capacity.has_value());
    if (r.capacity && b.capacity_ratio) CHECK(*b.capacity_ratio == doctest::Approx(*r.capacity));
    CHECK(b.wear_ratio.has_value() == r.wear.has_value());
    if (r.wear && b.wear_ratio) CHECK(*b.wear_ratio == doctest::Approx(*r.wear));
    CHECK(b.energy_full_wh.has_value() == r.full_wh.has_value());
    if (r.full_wh && b.energy_full_wh) CHECK(*b.energy_full_wh == doctest::Approx(*r.full_wh));
    CHECK(b.energy_full_design_wh.has_value() == r.design_wh.has_value());
    if (r.design_wh && b.energy_full_design_wh) {
      CHECK(*b.energy_full_design_wh == doctest::Approx(*r.design_wh));
    }
    CHECK(b.cycle_count == r.cycles);
  }
}

TEST_CASE("battery from GetSystemPowerStatus alone") {
  struct Row {
    PowerStatus in;
    bool present;
    std::string status;
    std::optional<double> capacity;
  };
  const Row rows[] = {
      {{1, 128, 255}, false, "", std::nullopt},    // desktop: no system battery
      {{255, 255, 255}, false, "", std::nullopt},  // Windows does not know
      {{0, 1, 76}, true, "Discharging", 0.76},
      {{1, 8 | 1, 90}, true, "Charging", 0.9},
      {{1, 1, 100}, true, "Full", 1.0},
      {{1, 2, 255}, true, "Not charging", std::nullopt},  // low, percentage unknown
  };
  for (const auto& r : rows) {
    auto b = BatteryFromPowerStatus(r.in);
    CHECK(b.has_value() == r.present);
    if (!b) continue;
    CHECK(b->name == "BAT0");
    CHECK(b->status == r.status);
    CHECK(b->capacity_ratio.has_value() == r.capacity.has_value());
    if (r.capacity && b->capacity_ratio) CHECK(*b->capacity_ratio == doctest::Approx(*r.capacity));
    CHECK_FALSE(b->wear_ratio);
  }
}

TEST_CASE("probe phases from WinHTTP's request times or its status callbacks") {
  namespace w = winhttp_time;
  // Request times in QueryPerformanceCounter ticks at 1 MHz: 1 tick = 1 us.
  auto times = [](std::initializer_list<std::pair<std::size_t, std::uint64_t>> at) {
    std::vector<std::uint64_t> t(w::kCount, 0);
    for (auto [i, v] : at) t[i] = v;
    return t;
  };
  struct Row {
    const char* what;
    WinHttpTiming in;
    std::map<std::string, double> phases;
  };
  WinHttpTiming http_times;
  http_times.qpc_frequency = 1000000;
  http_times.request_times = times({{w::kNameResolutionStart, 1000},
                                    {w::kNameResolutionEnd, 21000},
                                    {w::kConnectionEstablishmentStart, 21000},
                                    {w::kConnectionEstablishmentEnd, 31000},
                                    {w::kReceiveResponseHeadersEnd, 131000}});
  http_times.total = 0.2;
  WinHttpTiming https_times = http_times;
  https_times.secure = true;
  https_times.request_times = times({{w::kNameResolutionStart, 1000},
                                     {w::kNameResolutionEnd, 21000},
                                     {w::kConnectionEstablishmentStart, 21000},
                                     {w::kConnectionEstablishmentEnd, 31000},
                                     {w::kTlsLeg1Start, 31000},
                                     {w::kTlsLeg1Start + 1, 41000},
                                     {w::kTlsLeg1Start + 2, 41000},
                                     {w::kTlsLeg1Start + 3, 71000},  // a resumed session: 2 legs
                                     {w::kReceiveResponseHeadersEnd, 171000}});
  // A Windows that counts the handshake inside connection establishment.
  WinHttpTiming https_nested = https_times;
  https_nested.request_times[w::kConnectionEstablishmentEnd] = 71000;
  WinHttpTiming ip_literal = http_times;  // no name resolution at all
  ip_literal.request_times[w::kNameResolutionStart] = 0;
  ip_literal.request_times[w::kNameResolutionEnd] = 0;
  WinHttpTiming incomplete = http_times;  // the answer's head never came: use the callbacks
  incomplete.request_times[w::kReceiveResponseHeadersEnd] = 0;
  incomplete.resolving = 0.001;
  incomplete.resolved = 0.002;
  incomplete.connecting = 0.002;
  incomplete.connected = 0.005;
  incomplete.response_received = 0.105;
  WinHttpTiming wine_https;  // Wine: callbacks only, CONNECTED_TO_SERVER after the handshake
  wine_https.secure = true;
  wine_https.resolving = 0.0;
  wine_https.resolved = 0.010;
  wine_https.connecting = 0.010;
  wine_https.connected = 0.060;
  wine_https.sending = 0.060;
  wine_https.response_received = 0.090;
  wine_https.total = 0.1;
  WinHttpTiming no_resolve_callbacks = wine_https;
  no_resolve_callbacks.secure = false;
  no_resolve_callbacks.resolving = no_resolve_callbacks.resolved = -1;
  WinHttpTiming out_of_order = no_resolve_callbacks;  // never a negative phase
  out_of_order.response_received = 0.050;

  const Row rows[] = {
      {"http from request times",
       http_times,
       {{"dns", 0.020}, {"connect", 0.010}, {"first_byte", 0.100}, {"total", 0.2}}},
      {"https: tls from the first leg's start to the last leg's end",
       https_times,
       {{"dns", 0.020}, {"connect", 0.010}, {"tls", 0.040}, {"first_byte", 0.100}, {"total", 0.2}}},
      {"https: handshake inside establishment is not counted twice",
       https_nested,
       {{"dns", 0.020}, {"connect", 0.010}, {"tls", 0.040}, {"first_byte", 0.100}, {"total", 0.2}}},
      {"IP literal: dns 0",
       ip_literal,
       {{"dns", 0.0}, {"connect", 0.010}, {"first_byte", 0.100}, {"total", 0.2}}},
      {"incomplete request times: callbacks",
       incomplete,
       {{"dns", 0.001}, {"connect", 0.003}, {"first_byte", 0.100}, {"total", 0.2}}},
      {"Wine https: connect includes TLS, no tls phase",
       wine_https,
       {{"dns", 0.010}, {"connect", 0.050}, {"first_byte", 0.030}, {"total", 0.1}}},
      {"no resolve callbacks: no dns phase",
       no_resolve_callbacks,
       {{"connect", 0.050}, {"first_byte", 0.030}, {"total", 0.1}}},
      {"moments out of order: phase left out", out_of_order, {{"connect", 0.050}, {"total", 0.1}}},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const auto got = ProbePhasesFromWinHttp(r.in);
    CHECK(got.size() == r.phases.size());
    for (const auto& [phase, seconds] : r.phases) {
      INFO(phase);
      REQUIRE(got.count(phase) == 1);
      CHECK(got.at(phase) == doctest::Approx(seconds).epsilon(1e-9));
    }
  }
}

namespace {

// A SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX record: Relationship, Size, and for cores and
// packages a PROCESSOR_RELATIONSHIP with the given group masks.
void AppendProcessorRecord(std::vector<std::uint8_t>& b, std::uint32_t relationship,
                           std::vector<std::uint64_t> masks, std::uint32_t size_override = 0) {
  const std::size_t at = b.size();
  const std::uint32_t size = size_override ? size_override : 32 + 16 * masks.size();
  b.resize(at + std::max<std::size_t>(size, 32 + 16 * masks.size()), 0);
  auto put32 = [&](std::size_t o, std::uint32_t v) { std::memcpy(&b[at + o], &v, 4); };
  put32(0, relationship);
  put32(4, size);
  const auto groups = static_cast<std::uint16_t>(masks.size());
  std::memcpy(&b[at + 30], &groups, 2);
  for (std::size_t g = 0; g < masks.size(); ++g) std::memcpy(&b[at + 32 + 16 * g], &masks[g], 8);
}

CpuidLeaf Text(const char (&twelve)[13]) {  // vendor: ebx, edx, ecx
  CpuidLeaf l;
  std::memcpy(&l.ebx, twelve, 4);
  std::memcpy(&l.edx, twelve + 4, 4);
  std::memcpy(&l.ecx, twelve + 8, 4);
  return l;
}

std::array<CpuidLeaf, 3> Brand(const std::string& s) {
  std::array<CpuidLeaf, 3> out{};
  std::string padded = s;
  padded.resize(48, '\0');
  std::memcpy(out.data(), padded.data(), 48);
  return out;
}

}  // namespace

TEST_CASE("processor topology from GetLogicalProcessorInformationEx records") {
  constexpr std::uint32_t kCore = 0, kNuma = 1, kCache = 2, kPackage = 3, kGroup = 4;
  // 4 cores with SMT (2 threads each) and 2 without, one package, plus records to skip.
  std::vector<std::uint8_t> b;
  AppendProcessorRecord(b, kPackage, {0xfff});
  for (std::uint64_t m : {0x3ull, 0xcull, 0x30ull, 0xc0ull, 0x100ull, 0x200ull})
    AppendProcessorRecord(b, kCore, {m});
  AppendProcessorRecord(b, kCache, {});
  AppendProcessorRecord(b, kNuma, {});
  AppendProcessorRecord(b, kGroup, {});
  auto t = ParseLogicalProcessorInformationEx(b);
  REQUIRE(t.ok());
  CHECK(t->packages == 1);
  CHECK(t->cores == 6);
  CHECK(t->threads == 10);

  // Two processor groups (more than 64 CPUs): a core's threads never span groups, but a
  // package's masks do; threads come from the cores.
  std::vector<std::uint8_t> two;
  AppendProcessorRecord(two, kPackage, {~0ull, 0xffull});
  AppendProcessorRecord(two, kCore, {0x3ull});
  AppendProcessorRecord(two, kPackage, {0xff00ull});
  auto t2 = ParseLogicalProcessorInformationEx(two);
  REQUIRE(t2.ok());
  CHECK(t2->packages == 2);
  CHECK(t2->cores == 1);
  CHECK(t2->threads == 2);

  std::vector<std::uint8_t> cut = b;
  cut.resize(b.size() - 4);
  auto bad = ParseLogicalProcessorInformationEx(cut);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("has bad size") != std::string::npos);
  std::vector<std::uint8_t> zero;
  AppendProcessorRecord(zero, kCore, {1}, /*size_override=*/4);
  CHECK_FALSE(ParseLogicalProcessorInformationEx(zero).ok());  // would never advance
  std::vector<std::uint8_t> overflow;
  AppendProcessorRecord(overflow, kCore, {1, 2}, /*size_override=*/40);
  auto masks = ParseLogicalProcessorInformationEx(overflow);
  REQUIRE_FALSE(masks.ok());
  CHECK(masks.error().find("2 group masks do not fit") != std::string::npos);
  CHECK(ParseLogicalProcessorInformationEx({})->threads == 0);
}

TEST_CASE("cpuinfo from CPUID: family, model and flags as Linux computes them") {
  struct Row {
    const char* what;
    Cpuid id;
    std::optional<std::uint32_t> registry_mhz;
    std::vector<std::uint32_t> current;
    const char* vendor;
    const char* model_name;
    std::uint32_t family, model, stepping;
    std::vector<std::string> flags;
    std::optional<double> base, max;
  };
  Cpuid skylake;  // i5-6500: family 6, model 0x5E, stepping 3; leaf 0x16 3200 / 3600 MHz
  skylake.leaf0 = Text("GenuineIntel");
  skylake.leaf1.eax = 0x000506E3;
  skylake.leaf1.ecx = (1u << 20) | (1u << 25) | (1u << 27) | (1u << 28);
  skylake.leaf7.ebx = 1u << 5;
  skylake.leaf16 = CpuidLeaf{3200, 3600, 100, 0};
  skylake.brand = Brand("       Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz");
  Cpuid zen4 = skylake;  // Ryzen 7 7700: family 0xF + 0x10 = 25, model 0x61, stepping 2
  zen4.leaf0 = Text("AuthenticAMD");
  zen4.leaf1.eax = 0x00A60F12;
  zen4.leaf7.ebx = (1u << 5) | (1u << 16);
  zen4.leaf16.reset();  // AMD has no leaf 0x16: base from the registry, no max
  zen4.brand = Brand("AMD Ryzen 7 7700 8-Core Processor             ");
  Cpuid core2 = skylake;  // Core 2 Duo E8400: family 6, model 0x17; no AVX, no AES, no leaf 7
  core2.leaf1.eax = 0x0001067A;
  core2.leaf1.ecx = 1u << 19;  // SSE4.1 only
  core2.leaf7 = {};
  core2.leaf16.reset();
  core2.brand = Brand("Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz");
  Cpuid no_osxsave = skylake;  // AVX present but the OS did not enable XSAVE: not usable
  no_osxsave.leaf1.ecx &= ~(1u << 27);
  Cpuid p4 = core2;  // Pentium 4: family 15, extended model not added below family 6 rule
  p4.leaf1.eax = 0x00000F29;
  p4.brand = {};
  const CpuTopology four{1, 4, 4}, eight{1, 8, 16};
  const Row rows[] = {
      {"Skylake with leaf 0x16",
       skylake,
       3192,
       {3192, 800, 0, 3192},
       "GenuineIntel",
       "Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz",
       6,
       0x5E,
       3,
       {"sse4_2", "avx", "avx2", "aes"},
       3.2e9,
       3.6e9},
      {"Zen 4 from the registry",
       zen4,
       3800,
       {},
       "AuthenticAMD",
       "AMD Ryzen 7 7700 8-Core Processor",
       25,
       0x61,
       2,
       {"sse4_2", "avx", "avx2", "avx512f", "aes"},
       3.8e9,
       std::nullopt},
      {"Core 2: none of the generation flags",
       core2,
       std::nullopt,
       {},
       "GenuineIntel",
       "Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz",
       6,
       0x17,
       0xA,
       {},
       std::nullopt,
       std::nullopt},
      {"AVX without OSXSAVE is not reported",
       no_osxsave,
       3192,
       {},
       "GenuineIntel",
       "Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz",
       6,
       0x5E,
       3,
       {"sse4_2", "aes"},
       3.2e9,
       3.6e9},
      {"Pentium 4: family 15, no brand string",
       p4,
       2800,
       {},
       "GenuineIntel",
       "",
       15,
       2,
       9,
       {},
       2.8e9,
       std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    const auto& topo = std::string(r.what).starts_with("Zen") ? eight : four;
    const auto c = CpuInfoFromCpuid(r.id, topo, r.registry_mhz, r.current);
    CHECK(c.vendor == r.vendor);
    CHECK(c.model_name == r.model_name);
    CHECK(c.family == r.family);
    CHECK(c.model == r.model);
    CHECK(c.stepping == r.stepping);
    CHECK(c.flags == r.flags);
    CHECK(c.base_hertz == r.base);
    CHECK(c.max_hertz == r.max);
    CHECK(c.sockets == 1);
    CHECK(c.cores == topo.cores);
    CHECK(c.threads == topo.threads);
    if (r.current.empty()) {
      CHECK(c.current_hertz.empty());
    } else {
      CHECK(c.current_hertz == std::vector<double>{3.192e9, 0.8e9, 0, 3.192e9});
    }
  }
  // No package record (some hypervisors): still one socket.
  CHECK(CpuInfoFromCpuid(skylake, CpuTopology{0, 2, 2}, std::nullopt, {}).sockets == 1);
}

namespace {

std::string Structure(std::uint8_t type, std::string formatted, std::string strings = "") {
  std::string s;
  s += static_cast<char>(type);
  s += static_cast<char>(4 + formatted.size());
  s += std::string("\x00\x00", 2);  // handle
  s += formatted;
  s += strings.empty() ? std::string("\0\0", 2) : strings + std::string(1, '\0');
  return s;
}

std::string Rsmb(const std::string& table, std::uint32_t length) {
  std::string raw("\x00\x03\x04\x00", 4);  // SMBIOS 3.4
  for (int i = 0; i < 4; ++i) raw += static_cast<char>((length >> (8 * i)) & 0xff);
  return raw + table;
}

}  // namespace

TEST_CASE("SMBIOS through RSMB: the table, the chassis type, the memory devices") {
  using namespace std::string_literals;
  const std::string bios = Structure(0, "\x01\x02\x00\xf0\x03"s, "LENOVO\0M1AKT4FA\0"s);
  const std::string notebook_locked = Structure(3, "\x01\x8a\x00\x00"s, "LENOVO\0"s);  // 0x80|10
  const std::string desktop = Structure(3, "\x01\x03"s, "Dell Inc.\0"s);
  // Type 17: 8 GiB DDR4 SODIMM at 2667 MT/s in "DIMM 0"; an empty slot.
  std::string dimm(0x28 - 4, '\0');
  dimm[0x0C - 4] = 0x00;
  dimm[0x0D - 4] = 0x20;  // 0x2000 MiB
  dimm[0x0E - 4] = 0x0D;  // SODIMM
  dimm[0x10 - 4] = 1;     // locator: string 1
  dimm[0x12 - 4] = 0x1A;  // DDR4
  dimm[0x15 - 4] = static_cast<char>(0x6B);
  dimm[0x16 - 4] = 0x0A;  // 2667
  std::string empty_slot(0x28 - 4, '\0');
  const std::string end = Structure(127, "");
  const std::string table = bios + notebook_locked + desktop + Structure(17, dimm, "DIMM 0\0"s) +
                            Structure(17, empty_slot) + end;

  const std::string raw = Rsmb(table, static_cast<std::uint32_t>(table.size()));
  auto t = SmbiosTableFromRsmb(raw);  // a view into `raw`
  REQUIRE(t.ok());
  CHECK(*t == table);
  auto chassis = SmbiosChassisType(*t);
  REQUIRE(chassis.ok());
  CHECK(*chassis == 10u);  // the first chassis, lock bit dropped: Notebook
  CHECK(ChassisTypeName(**chassis) == "Notebook");
  auto inv = ParseSmbiosMemoryDevices(*t);
  REQUIRE(inv.ok());
  CHECK(inv->slots == 2);
  REQUIRE(inv->modules.size() == 1);
  CHECK(inv->modules[0].size_bytes == (8ull << 30));
  CHECK(inv->modules[0].type == "DDR4");
  CHECK(inv->modules[0].form_factor == "SODIMM");
  CHECK(inv->modules[0].locator == "DIMM 0");
  CHECK(inv->modules[0].speed_mts == 2667);

  // Trailing bytes after Length are not the table's; a Length beyond the data is an error.
  const std::string raw_padded = raw + "xx";
  auto padded = SmbiosTableFromRsmb(raw_padded);
  REQUIRE(padded.ok());
  CHECK(padded->size() == table.size());
  auto longer = SmbiosTableFromRsmb(Rsmb(table, static_cast<std::uint32_t>(table.size() + 1)));
  REQUIRE_FALSE(longer.ok());
  CHECK(longer.error().find("says " + std::to_string(table.size() + 1)) != std::string::npos);
  CHECK_FALSE(SmbiosTableFromRsmb("\x00\x03"s).ok());

  // No chassis structure: none (absent), not an error; a cut-off structure is an error.
  auto none = SmbiosChassisType(bios + end);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto cut = SmbiosChassisType(bios.substr(0, 6));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().find("bad length") != std::string::npos);
  auto unterminated = SmbiosChassisType(bios.substr(0, bios.size() - 1));
  REQUIRE_FALSE(unterminated.ok());
  CHECK(unterminated.error().find("not terminated") != std::string::npos);
}

TEST_CASE("TCP connections with owning pids from MIB_TCPTABLE_OWNER_PID") {
  // Two rows: 192.168.1.20:50000 -> 203.0.113.5:443 established by pid 4321; a listener on
  // 0.0.0.0:9477 of pid 88. Addresses and ports in network byte order as Windows gives them.
  std::vector<std::uint8_t> t(4 + 2 * 24, 0);
  Put(t, 0, 2, 4);
  const std::uint8_t row1[24] = {5,   0, 0,   0, 192,  168,  1, 20, 0xc3, 0x50, 0, 0,
                                 203, 0, 113, 5, 0x01, 0xbb, 0, 0,  0xe1, 0x10, 0, 0};
  const std::uint8_t row2[24] = {2, 0, 0, 0, 0, 0, 0, 0, 0x25, 0x05, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 88,   0,    0, 0};
  std::memcpy(&t[4], row1, 24);
  std::memcpy(&t[28], row2, 24);
  auto rows = ParseTcpTableOwnerPid(t);
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].state == 5);
  CHECK((*rows)[0].local_port == 50000);
  CHECK((*rows)[0].remote_port == 443);
  CHECK((*rows)[0].pid == 4321);
  // The address keeps its bytes in order: first byte in memory is the first octet.
  CHECK(((*rows)[0].remote_addr & 0xff) == 203);
  CHECK((*rows)[1].state == 2);
  CHECK((*rows)[1].local_port == 9477);
  CHECK((*rows)[1].pid == 88);

  auto empty = ParseTcpTableOwnerPid(std::vector<std::uint8_t>(4, 0));
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  auto cut = ParseTcpTableOwnerPid(std::span(t).first(4 + 24 + 10));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error() == "MIB_TCPTABLE_OWNER_PID says 2 rows, has room for 1");
  CHECK_FALSE(ParseTcpTableOwnerPid(std::span(t).first(3)).ok());
}

TEST_CASE("vmstat: paging counters of SYSTEM_PERFORMANCE_INFORMATION") {
  std::vector<std::uint8_t> spi(344, 0);
  Put(spi, 60, 123456789, 4);  // PageFaultCount
  Put(spi, 80, 5000, 4);       // PageReadCount
  Put(spi, 84, 1200, 4);       // PageReadIoCount
  Put(spi, 96, 800, 4);        // DirtyPagesWriteCount (page file)
  Put(spi, 100, 40, 4);        // DirtyWriteIoCount
  Put(spi, 104, 777, 4);       // MappedPagesWriteCount: not the page file, not read
  auto p = ParseSystemPerformanceInformation(spi);
  REQUIRE(p.ok());
  CHECK(p->page_faults == 123456789);
  CHECK(p->pages_read == 5000);
  CHECK(p->page_read_ios == 1200);
  CHECK(p->pagefile_pages_written == 800);
  CHECK(p->pagefile_write_ios == 40);
  auto cut = ParseSystemPerformanceInformation(std::span(spi).first(100));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error() == "SYSTEM_PERFORMANCE_INFORMATION is 100 bytes, the paging counters need 104");

  const auto v = VmstatFromPaging(p->page_faults, p->page_read_ios, p->pagefile_pages_written);
  CHECK(v == std::map<std::string, std::uint64_t>{
                 {"pgfault", 123456789}, {"pgmajfault", 1200}, {"pswpout", 800}});
  CHECK(VmstatFromPaging(0, 0, 0).empty());  // Wine counts nothing: absent, not zeros
}

TEST_CASE("vmstat: 32-bit counters widened across wraps") {
  struct Row {
    std::uint32_t raw;
    std::uint64_t widened;
  };
  const Row rows[] = {
      {4294967000u, 4294967000ull},                                  // first value as is
      {4294967295u, 4294967295ull},                                  // up to the top
      {100u, 4294967296ull + 100},                                   // wrapped
      {100u, 4294967296ull + 100},                                   // unchanged is not a wrap
      {5000u, 4294967296ull + 5000}, {10u, 2 * 4294967296ull + 10},  // wrapped again
  };
  CounterWidener w;
  for (const auto& r : rows) CHECK(w.Next(r.raw) == r.widened);
}
