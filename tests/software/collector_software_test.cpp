// Collector side of the software section: per-interval deltas become monotonic counters per
// machine and app, the exposition's names and labels, the last package list kept for the API,
// and `promtool check metrics` on the output when promtool is installed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "expose/expose.h"
#include "fleet.h"
#include "software_state.h"
#include "wardwatch/report.h"

using namespace wardwatch;
using namespace wardwatch::collector;

namespace {

Report SoftwareReport(std::uint64_t seq, double firefox_cpu, bool with_packages) {
  Report r;
  r.machine_id = "m1";
  r.hostname = "pc-01";
  r.sequence = seq;
  schema::SoftwareSection s;
  s.interval_seconds = 60;
  schema::AppUsage ff;
  ff.app = "Firefox";
  ff.instances = 3;
  ff.starts = 1;
  ff.cpu_seconds = firefox_cpu;
  ff.office_cpu_seconds = firefox_cpu / 2;
  ff.running_seconds = 60;
  ff.office_running_seconds = 30;
  ff.foreground_seconds = 40;
  ff.office_foreground_seconds = 20;
  schema::AppUsage other;
  other.app = "other";
  other.instances = 12;
  other.cpu_seconds = 1.5;
  s.apps = {ff, other};
  s.process_count = 140;
  s.inventory_hash = "0123456789abcdef";
  s.package_counts = {{"dpkg", 1500}, {"flatpak", 2}};
  s.os_install_time = 1690000000;
  if (with_packages) {
    schema::Package p;
    p.name = "firefox-esr";
    p.version = std::to_string(seq);
    p.source = "dpkg";
    s.packages = std::vector<schema::Package>{p};
  }
  r.software = s;
  return r;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("per-interval deltas become counters; the package list is kept") {
  SoftwareState st;
  AccumulateSoftware(st, SoftwareReport(1, 2.0, true), true);
  AccumulateSoftware(st, SoftwareReport(2, 3.0, false), true);
  REQUIRE(st.apps.count("Firefox"));
  CHECK(st.apps["Firefox"].cpu_seconds == doctest::Approx(5.0));
  CHECK(st.apps["Firefox"].office_cpu_seconds == doctest::Approx(2.5));
  CHECK(st.apps["other"].office_cpu_seconds == 0);  // not sent: an older agent's report
  CHECK(st.apps["Firefox"].running_seconds == doctest::Approx(120));
  CHECK(st.apps["Firefox"].office_foreground_seconds == doctest::Approx(40));
  CHECK(st.apps["Firefox"].starts == 2);
  CHECK(st.apps["other"].cpu_seconds == doctest::Approx(3.0));
  REQUIRE(st.packages);  // report 2 had none: report 1's list stays
  CHECK(st.packages_sequence == 1);
  CHECK(st.packages->front().version == "1");

  // A late (spooled) report still counts, but does not replace a newer list.
  AccumulateSoftware(st, SoftwareReport(3, 1.0, true), true);
  AccumulateSoftware(st, SoftwareReport(0, 1.0, true), true);
  CHECK(st.packages_sequence == 3);
  CHECK(st.apps["Firefox"].cpu_seconds == doctest::Approx(7.0));

  // Reports loaded at start-up bring the list back but not their (already counted) deltas.
  SoftwareState loaded;
  AccumulateSoftware(loaded, SoftwareReport(9, 2.0, true), false);
  CHECK(loaded.apps.empty());
  CHECK(loaded.packages_sequence == 9);

  // Garbage deltas never make a counter go down.
  auto bad = SoftwareReport(4, -5.0, false);
  AccumulateSoftware(st, bad, true);
  CHECK(st.apps["Firefox"].cpu_seconds == doctest::Approx(7.0));
  CHECK(st.apps["Firefox"].office_cpu_seconds == doctest::Approx(3.5));
}

TEST_CASE("office_cpu_seconds: decoded when sent, 0 in an older agent's report") {
  auto r = SoftwareReport(1, 4.0, false);
  auto decoded = DecodeReport(EncodeReport(r));
  REQUIRE(decoded.ok());
  CHECK(decoded->software->apps[0].office_cpu_seconds == doctest::Approx(2.0));
  // An agent from before the field: the same report with the key taken out.
  auto json = nlohmann::json::parse(EncodeReport(r));
  for (auto& a : json["software"]["apps"]) {
    REQUIRE(a.contains("office_cpu_seconds"));
    a.erase("office_cpu_seconds");
  }
  auto old = DecodeReport(json.dump());
  REQUIRE_MESSAGE(old.ok(), old.error());
  CHECK(old->software->apps[0].office_cpu_seconds == 0);
  CHECK(old->software->apps[0].cpu_seconds == doctest::Approx(4.0));
  SoftwareState st;
  AccumulateSoftware(st, *old, true);
  CHECK(st.apps["Firefox"].office_cpu_seconds == 0);
}

TEST_CASE("app names per machine are bounded") {
  SoftwareState st;
  for (int i = 0; i < 200; ++i) {
    auto r = SoftwareReport(static_cast<std::uint64_t>(i), 1.0, false);
    r.software->apps[0].app = "app-" + std::to_string(i);
    AccumulateSoftware(st, r, true);
  }
  CHECK(st.apps.size() == SoftwareState::kMaxApps);
  CHECK(st.apps["other"].cpu_seconds > 100);  // late names folded in, nothing lost
}

TEST_CASE("exposition of the software section") {
  MachineState m;
  m.row.id = "m1";
  m.row.hostname = "pc-01";
  auto r1 = SoftwareReport(1, 2.0, true);
  auto r2 = SoftwareReport(2, 3.0, false);
  AccumulateSoftware(m.software, r1, true);
  AccumulateSoftware(m.software, r2, true);
  m.latest = std::make_shared<const Report>(r2);
  const std::string text = expose::Serialize(expose::CollectFleet({m}, ""));
  const auto lines = Lines(text);
  const char* expected[] = {
      "# TYPE wardwatch_app_cpu_seconds_total counter",
      R"(wardwatch_app_cpu_seconds_total{app="Firefox",instance="pc-01"} 5)",
      "# TYPE wardwatch_app_office_cpu_seconds_total counter",
      R"(wardwatch_app_office_cpu_seconds_total{app="Firefox",instance="pc-01"} 2.5)",
      R"(wardwatch_app_office_cpu_seconds_total{app="other",instance="pc-01"} 0)",
      R"(wardwatch_app_running_seconds_total{app="Firefox",instance="pc-01"} 120)",
      R"(wardwatch_app_office_running_seconds_total{app="Firefox",instance="pc-01"} 60)",
      R"(wardwatch_app_foreground_seconds_total{app="Firefox",instance="pc-01"} 80)",
      R"(wardwatch_app_starts_total{app="Firefox",instance="pc-01"} 2)",
      R"(wardwatch_app_cpu_seconds_total{app="other",instance="pc-01"} 3)",
      "# TYPE wardwatch_app_instances gauge",
      R"(wardwatch_app_instances{app="Firefox",instance="pc-01"} 3)",
      R"(wardwatch_software_packages{instance="pc-01",source="dpkg"} 1500)",
      R"(wardwatch_software_packages{instance="pc-01",source="flatpak"} 2)",
      R"(wardwatch_software_processes{instance="pc-01"} 140)",
      R"(wardwatch_os_install_timestamp_seconds{instance="pc-01"} 1690000000)",
      R"(wardwatch_software_inventory_info{hash="0123456789abcdef",instance="pc-01"} 1)",
  };
  for (const char* want : expected) {
    CAPTURE(want);
    CHECK(Has(lines, want));
  }
  CHECK(text.find("firefox-esr") == std::string::npos);  // the package list is not in /metrics

  const std::string path = std::string(WARDWATCH_BINARY_DIR) + "/software_metrics.prom";
  std::ofstream(path) << text;
  if (std::system("command -v promtool >/dev/null 2>&1") == 0) {
    const std::string cmd = "promtool check metrics < " + path + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    const int rc = ::pclose(p);
    CHECK_MESSAGE(rc == 0, out);
    CHECK_MESSAGE(out.empty(), out);
  } else {
    MESSAGE("promtool not installed: lint skipped");
  }
}

TEST_CASE("the OS _info series carries the build and edition (node_exporter's labels)") {
  // Which PCs run an OS that no longer gets updates: on Windows the build says it.
  Report r;
  r.machine_id = "m1";
  r.hostname = "pc-01";
  schema::OsInfo os;
  os.sysname = "Windows_NT";
  os.release = "10.0.19045.3693";
  os.machine = "x86_64";
  os.nodename = "pc-01";
  os.os_release = {{"NAME", "Windows"},
                   {"ID", "windows"},
                   {"VERSION_ID", "10"},
                   {"VERSION", "22H2"},
                   {"BUILD_ID", "19045.3693"},
                   {"VARIANT_ID", "professional"},
                   {"PRETTY_NAME", "Windows 10 Pro 22H2 (build 19045.3693)"}};
  r.system.os = os;
  MachineState m;
  m.row.id = "m1";
  m.row.hostname = "pc-01";
  m.latest = std::make_shared<const Report>(r);
  const auto lines = Lines(expose::Serialize(expose::CollectFleet({m}, "")));
  CHECK(
      Has(lines,
          R"~(node_os_info{build_id="19045.3693",id="windows",id_like="",image_id="",)~"
          R"~(image_version="",instance="pc-01",name="Windows",)~"
          R"~(pretty_name="Windows 10 Pro 22H2 (build 19045.3693)",variant="",)~"
          R"~(variant_id="professional",version="22H2",version_codename="",version_id="10"} 1)~"));
}

namespace {

using PackageList = std::shared_ptr<const std::vector<schema::Package>>;

PackageList List(std::initializer_list<std::pair<const char*, const char*>> name_version,
                 const char* source = "registry") {
  std::vector<schema::Package> out;
  for (const auto& [n, v] : name_version) out.push_back({n, v, source, "x86_64", std::nullopt});
  return std::make_shared<const std::vector<schema::Package>>(std::move(out));
}

// What a search answered, one line per package: "name version machines/name_machines: hosts".
std::vector<std::string> Shown(const InstalledIndex& index, const InstalledSearchResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.packages) {
    std::string line = m.entry->name + " " + m.entry->version + " " +
                       std::to_string(m.entry->machines.size()) + "/" +
                       std::to_string(m.name_machines) + ":";
    for (auto i : m.entry->machines) line += " " + index.machines()[i].hostname;
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("FoldCase folds ASCII, Vietnamese and Latin letters, keeps the rest") {
  CHECK(FoldCase("Google Chrome") == "google chrome");
  CHECK(FoldCase("PHẦN MỀM KẾ TOÁN MISA") == "phần mềm kế toán misa");
  CHECK(FoldCase("ĐĂNG KÝ Ơ Ư Ĩ Ũ") == "đăng ký ơ ư ĩ ũ");
  CHECK(FoldCase("ÀÉÎÕÜ ×") == "àéîõü ×");  // × (U+00D7) is not a letter
  CHECK(FoldCase("КОНСУЛЬТАНТ") == "консультант");
  CHECK(FoldCase("1:7.3.7-0ubuntu0") == "1:7.3.7-0ubuntu0");
  CHECK(FoldCase("\xC3") == "\xC3");  // a truncated sequence is kept as it is
  CHECK(FoldCase("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // 4-byte: untouched
}

TEST_CASE("installed-software search across the fleet") {
  std::vector<InstalledListRef> lists = {
      {"m3", "PC-KETOAN-03",
       List({{"Zalo", "24.11.1"}, {"Google Chrome", "131.0"}, {"Phần mềm HTKK", "5.2.5"}})},
      {"m1", "PC-MOTCUA-01", List({{"Zalo", "24.11.1"}, {"Google Chrome", "119.0"}})},
      {"m2", "PC-TUPHAP-02",
       List({{"zalo", "24.11.1"}, {"Google Chrome", "131.0"}, {"Zoom Workplace", "6.2.11"}})},
      {"m4", "PC-VANTHU-04", nullptr},  // list not seen since the collector started
      // Two architectures of one package count the machine once.
      {"m5", "PC-LINUX-05", List({{"firefox", "133.0"}, {"firefox", "133.0"}}, "dpkg")},
  };
  const InstalledIndex index(lists);
  CHECK(index.machines().size() == 5);
  CHECK(index.machines_with_list() == 4);
  CHECK(index.BuiltFrom(lists));

  SUBCASE("case-insensitive substring; names with more machines first, then versions") {
    auto r = SearchInstalled(index, "CHROME", 100);
    CHECK(Shown(index, r) ==
          std::vector<std::string>{"Google Chrome 131.0 2/3: PC-KETOAN-03 PC-TUPHAP-02",
                                   "Google Chrome 119.0 1/3: PC-MOTCUA-01"});
    CHECK(r.matched_packages == 2);
    CHECK(r.matched_machines == 3);
    CHECK_FALSE(r.truncated);
  }
  SUBCASE("names that differ only in case are both found, each with its own machines") {
    auto r = SearchInstalled(index, "zal", 100);
    CHECK(Shown(index, r) == std::vector<std::string>{"Zalo 24.11.1 2/2: PC-KETOAN-03 PC-MOTCUA-01",
                                                      "zalo 24.11.1 1/1: PC-TUPHAP-02"});
  }
  SUBCASE("Vietnamese text matches whatever its case") {
    auto r = SearchInstalled(index, "PHẦN MỀM", 100);
    CHECK(Shown(index, r) == std::vector<std::string>{"Phần mềm HTKK 5.2.5 1/1: PC-KETOAN-03"});
  }
  SUBCASE("two entries for one machine count it once") {
    auto r = SearchInstalled(index, "firefox", 100);
    CHECK(Shown(index, r) == std::vector<std::string>{"firefox 133.0 1/1: PC-LINUX-05"});
  }
  SUBCASE("the limit cuts the list and says so; counts are before the limit") {
    auto r = SearchInstalled(index, "", 2);
    CHECK(r.packages.size() == 2);
    CHECK(r.truncated);
    CHECK(r.matched_packages == 7);
    CHECK(r.matched_machines == 4);
    CHECK(r.packages[0].entry->name == "Google Chrome");
  }
  SUBCASE("no match") {
    auto r = SearchInstalled(index, "photoshop", 100);
    CHECK(r.packages.empty());
    CHECK(r.matched_machines == 0);
    CHECK_FALSE(r.truncated);
  }
  SUBCASE("the index answers only for the lists it was built from") {
    auto changed = lists;
    changed[1].packages = List({{"Zalo", "25.1.0"}});
    CHECK_FALSE(index.BuiltFrom(changed));
    auto fewer = lists;
    fewer.pop_back();
    CHECK_FALSE(index.BuiltFrom(fewer));
    auto same_content_new_list = lists;
    same_content_new_list[0].packages =
        std::make_shared<const std::vector<schema::Package>>(*lists[0].packages);
    CHECK_FALSE(index.BuiltFrom(same_content_new_list));  // identity, not content
  }
}
