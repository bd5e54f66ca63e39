// Decoding the collector's read API: shapes, aliases, absent and wrong fields.
#include "model/api_parse.h"

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "model/i18n.h"
#include "samples.h"

using namespace wardwatch::console;

TEST_CASE("machines list decodes summaries, flags and recommendations") {
  ParseWarnings w;
  auto fleet = ParseMachines(ReadSample("machines.json"), &w);
  REQUIRE(fleet.ok());
  CHECK(fleet->generated_at_ms == 1764325200000);
  CHECK(fleet->utilisation_now == doctest::Approx(0.87));
  // The machine without an id and the non-object are dropped, with a warning each.
  REQUIRE(fleet->machines.size() == 4);
  const MachineSummary& a = fleet->machines[0];
  CHECK(a.id == "m-001");
  CHECK(a.name == "MOTCUA-01");
  CHECK(a.department == "Một cửa");
  CHECK(a.age_years == doctest::Approx(9.2));
  CHECK(a.age_source == "bios");
  CHECK(a.score == doctest::Approx(88));
  CHECK(a.recommendation == Recommendation::kReplace);
  CHECK(a.cost_vnd == doctest::Approx(15000000));
  CHECK(a.cpu_cores == 2);
  CHECK(a.boot_disk_type == "hdd");
  CHECK(a.flags ==
        (kFlagFailingDisk | kFlagHddBoot | kFlagLowRam | kFlagOsUnsupported | kFlagSlowNic));
  // Department from the nested meta object.
  CHECK(fleet->machines[1].department == "Tư pháp");
  CHECK(fleet->machines[1].room == "P.204");
  CHECK(fleet->machines[1].recommendation == Recommendation::kUpgrade);
  CHECK(fleet->machines[2].boot_disk_type == "nvme");
  CHECK(fleet->machines[2].flags == 0);
  // The analytics' three network flags are one flag for the officer.
  for (const char* name : {"slow_nic", "weak_wifi", "slow_lan"}) {
    CAPTURE(name);
    CHECK(FlagFromName(name) == kFlagSlowNic);
  }
  // Wrong type: score skipped (NaN) and named in a warning; ISO timestamp read.
  const MachineSummary& d = fleet->machines[3];
  CHECK(std::isnan(d.score));
  CHECK(d.last_seen_ms == 1764325140000);
  bool named = false;
  for (const auto& s : w.items) named |= s.find("machines[3].aging_score") != std::string::npos;
  CHECK(named);
  bool missing_id = false;
  for (const auto& s : w.items) missing_id |= s.find("machines[4].machine_id") != std::string::npos;
  CHECK(missing_id);
}

TEST_CASE("machines list: bodies that cannot be a fleet fail with a clear message") {
  struct Case {
    const char* body;
    const char* expect;
  };
  const Case cases[] = {
      {"", "GET /api/v1/machines"},
      {"{not json", "GET /api/v1/machines"},
      {"42", "expected a JSON object"},
      {"{\"machines\": 3}", "expected a \"machines\" array"},
      {"{}", "expected a \"machines\" array"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    auto r = ParseMachines(c.body);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find(c.expect) != std::string::npos);
  }
}

TEST_CASE("machines list: older collectors without flags get flags derived from fields") {
  auto r = ParseMachines(
      R"({"machines":[{"machine_id":"x","hostname":"h","memory_bytes":4294967296,
          "boot_disk_type":"hdd","online":false}]})");
  REQUIRE(r.ok());
  CHECK(r->machines[0].flags == (kFlagHddBoot | kFlagLowRam | kFlagOffline));
}

TEST_CASE("machines list: the collector's current minimal shape decodes") {
  auto r = ParseMachines(
      R"({"machines":[{"machine_id":"abc","hostname":"pc1","enrolled_at_ms":1,
          "last_seen_ms":1764325140000,"revoked":false,"platform":"linux"}]})");
  REQUIRE(r.ok());
  REQUIRE(r->machines.size() == 1);
  CHECK(r->machines[0].name == "pc1");
  CHECK(r->machines[0].os == "linux");
  CHECK(std::isnan(r->machines[0].score));
  CHECK(r->machines[0].recommendation == Recommendation::kUnknown);
}

TEST_CASE("machine detail decodes evidence in both languages, history, disks, meta") {
  ParseWarnings w;
  auto d = ParseMachineDetail(ReadSample("machine_detail.json"), &w);
  REQUIRE(d.ok());
  CHECK(d->summary.id == "m-001");
  REQUIRE(d->evidence.size() == 2);
  CHECK(d->evidence[0].value == doctest::Approx(14));
  CHECK(d->evidence[0].weight == doctest::Approx(25));
  CHECK(d->evidence[0].text.vi.find("ánh xạ lại") != std::string::npos);
  CHECK(d->evidence[0].text.en.find("reallocated") != std::string::npos);
  CHECK(d->evidence[1].text.vi == "Chỉ có 4 GiB RAM");
  CHECK(d->evidence[1].text.en == "Only 4 GiB of RAM");
  REQUIRE(d->history.size() == 2);
  CHECK(d->history[0].name == "cpu_busy_ratio");
  REQUIRE(d->history[0].points.size() == 3);
  CHECK(d->history[0].points[2].t_ms == 1764307200000);  // seconds became milliseconds
  CHECK(d->history[1].points.size() == 1);
  REQUIRE(d->disks.size() == 1);
  CHECK(d->disks[0].type == "hdd");
  CHECK(d->disks[0].boot);
  CHECK(d->disks[0].power_on_hours == doctest::Approx(61000));
  CHECK(d->disks[0].smart.size() == 2);
  CHECK(d->meta.asset_tag == "UBND-0042");
  CHECK(d->meta.user == "Nguyễn Văn A");
  CHECK(d->probes.size() == 1);
  CHECK(d->top_apps.size() == 1);
  bool has_cpu = false;
  for (const auto& [k, v] : d->inventory) has_cpu |= k == "cpu.model" && v == "Intel Core i3-2120";
  CHECK(has_cpu);
}

TEST_CASE("heatmap: cell lists, weekday names, and out-of-range cells") {
  ParseWarnings w;
  auto h = ParseHeatmap(ReadSample("heatmap.json"), &w);
  REQUIRE(h.ok());
  CHECK(h->weeks == 4);
  CHECK(h->cells[0][9] == doctest::Approx(0.93));
  CHECK(h->cells[1][10] == doctest::Approx(0.88));
  CHECK(h->cells[6][3] == doctest::Approx(0.02));
  CHECK(std::isnan(h->cells[2][9]));
  CHECK(w.items.size() == 1);  // weekday 9
  // A 7×24 grid works too.
  std::string grid = "{\"p95_utilisation_ratio\":[";
  for (int d = 0; d < 7; ++d) {
    grid += d ? ",[" : "[";
    for (int hr = 0; hr < 24; ++hr) grid += (hr ? "," : "") + std::to_string(d * 0.1);
    grid += "]";
  }
  grid += "]}";
  auto g = ParseHeatmap(grid);
  REQUIRE(g.ok());
  CHECK(g->cells[3][5] == doctest::Approx(0.3));
  CHECK_FALSE(ParseHeatmap("{\"weeks\":2}").ok());
}

TEST_CASE("bottlenecks: capacity, today, contributors, portal and verdict") {
  auto n = ParseBottlenecks(ReadSample("bottlenecks.json"));
  REQUIRE(n.ok());
  CHECK(n->capacity_down_mbps == doctest::Approx(100));
  CHECK(n->capacity_up_mbps == doctest::Approx(30));
  CHECK(n->utilisation_now == doctest::Approx(0.91));
  CHECK(n->today.size() == 2);
  REQUIRE(n->bottlenecks.size() == 1);
  const BottleneckHour& b = n->bottlenecks[0];
  CHECK(b.weekday == 0);
  CHECK(b.hour == 9);
  CHECK(b.machines[0].name == "MOTCUA-01");
  CHECK(b.machines[0].share == doctest::Approx(0.31));
  CHECK(b.services.size() == 2);
  CHECK(b.services[1].name == "windowsupdate.com");
  CHECK(n->portal_latency_seconds == doctest::Approx(2.3));
  CHECK(n->portal_baseline_seconds == doctest::Approx(0.6));
  CHECK(n->portal_latency.size() == 2);
  CHECK(n->verdict.recommended_plan_mbps == doctest::Approx(150));
  CHECK(Pick(Lang::kVi, n->verdict.text) == "Nên nâng lên gói 150 Mb/s");
}

TEST_CASE("software: ranking, unsupported OS") {
  auto s = ParseSoftware(ReadSample("software.json"));
  REQUIRE(s.ok());
  CHECK(s->ranking.size() == 2);
  CHECK(s->ranking[0].machines == 55);
  REQUIRE(s->unsupported_os.size() == 1);
  CHECK(s->unsupported_os[0].machine_name == "MOTCUA-01");
}

TEST_CASE("installed-software search answer") {
  ParseWarnings w;
  auto r = ParseInstalledSearch(ReadSample("installed.json"), &w);
  REQUIRE(r.ok());
  CHECK(w.items.empty());
  CHECK(r->query == "za");
  CHECK(r->machines_total == 4);
  CHECK(r->machines_with_list == 3);
  CHECK(r->matched_packages == 3);
  CHECK(r->matched_machines == 3);
  CHECK(r->truncated);
  REQUIRE(r->packages.size() == 2);
  const InstalledSoftware& a = r->packages[0];
  CHECK(a.name == "Zalo");
  CHECK(a.version == "24.11.1");
  CHECK(a.machines == 2);
  CHECK(a.name_machines == 3);
  CHECK(a.sources == std::vector<std::string>{"registry"});
  REQUIRE(a.machine_list.size() == 2);
  CHECK(a.machine_list[1].id == "m-002");
  CHECK(a.machine_list[1].name == "TUPHAP-02");
  CHECK_FALSE(a.machine_list_truncated);
  const InstalledSoftware& b = r->packages[1];
  CHECK(b.sources == std::vector<std::string>{"registry", "winget"});
  REQUIRE(b.machine_list.size() == 1);
  CHECK(b.machine_list[0].name == "m-003");  // no hostname: the id stands in
  CHECK(b.machine_list_truncated);

  // A wrong type is skipped and named; the rest decodes.
  ParseWarnings w2;
  auto bad = ParseInstalledSearch(
      R"({"query": "x", "packages": [{"name": "A", "machines": "many"}, 7]})", &w2);
  REQUIRE(bad.ok());
  REQUIRE(bad->packages.size() == 1);
  CHECK(bad->packages[0].machines == 0);
  REQUIRE(w2.items.size() == 2);
  CHECK(w2.items[0] == "packages[0].machines: expected a number, got \"many\"");
  // Not the search answer at all.
  CHECK_FALSE(ParseInstalledSearch("[]").ok());
  auto other = ParseInstalledSearch(R"({"apps": []})");
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().find("/api/v1/software/installed") != std::string::npos);
}

TEST_CASE("findings accept an array or an object") {
  auto a = ParseFindings(R"([{"kind":"aging","machine_id":"m-1","text":{"vi":"a","en":"b"}}])");
  REQUIRE(a.ok());
  REQUIRE(a->size() == 1);
  CHECK((*a)[0].text.en == "b");
  auto b = ParseFindings(R"({"findings":[{"kind":"bottleneck"},{"kind":"aging"}]})");
  REQUIRE(b.ok());
  CHECK(b->size() == 2);
}

TEST_CASE("warnings are bounded") {
  std::string body = "{\"machines\":[";
  for (int i = 0; i < 100; ++i)
    body += (i ? "," : "") + std::string("{\"machine_id\":\"x\",\"aging_score\":\"bad\"}");
  body += "]}";
  ParseWarnings w;
  REQUIRE(ParseMachines(body, &w).ok());
  CHECK(w.items.size() == ParseWarnings::kMax);
  CHECK(w.dropped == 100 - ParseWarnings::kMax);
}

TEST_CASE("metadata: validation names the field, encoding round-trips") {
  MachineMeta m{"2017-03-01", "UBND-1", "Một cửa", "P.101", "Chị B", "ghi chú"};
  CHECK(ValidateMeta(m).ok());
  MachineMeta bad = m;
  bad.purchase_date = "01/03/2017";
  auto st = ValidateMeta(bad);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().find("purchase_date") != std::string::npos);
  bad = m;
  bad.purchase_date = "2017-13-01";
  CHECK_FALSE(ValidateMeta(bad).ok());
  bad = m;
  bad.asset_tag = std::string(200, 'x');
  CHECK(ValidateMeta(bad).error().find("asset_tag") != std::string::npos);
  // The encoded body decodes back as the detail's meta.
  auto d = ParseMachineDetail("{\"machine_id\":\"x\",\"meta\":" + EncodeMeta(m) + "}");
  REQUIRE(d.ok());
  CHECK(d->meta == m);
  MachineMeta empty_date = m;
  empty_date.purchase_date.clear();
  CHECK(EncodeMeta(empty_date).find("\"purchase_date\":\"\"") != std::string::npos);
}

TEST_CASE("timestamps") {
  CHECK(TimestampFromText("2025-11-28T10:21:35Z") == 1764325295000);
  CHECK(TimestampFromText("2025-11-28T17:21:35+07:00") == 1764325295000);
  CHECK(TimestampFromText("2025-11-28") == 1764288000000);
  CHECK(TimestampFromText("yesterday") == 0);
}

// The shapes wardwatch-collector serves (collector/src/routes/analytics.cpp, docs/api.md).
TEST_CASE("collector shapes: fleet list with analytics annotations") {
  auto f = ParseMachines(ReadSample("collector_machines.json"));
  REQUIRE(f.ok());
  REQUIRE(f->machines.size() == 2);
  const MachineSummary& a = f->machines[0];
  CHECK(a.score == doctest::Approx(81.5));
  CHECK(a.recommendation == Recommendation::kReplace);
  CHECK(a.flags ==
        (kFlagFailingDisk | kFlagHddBoot | kFlagLowRam | kFlagOsUnsupported | kFlagSlowNic));
  CHECK(a.boot_disk_type == "hdd");
  CHECK(a.ram_bytes == doctest::Approx(4294967296.0));
  CHECK(a.os == "Windows 7 Professional");
  CHECK(a.cpu_cores == 4);  // cpu_threads
  CHECK(a.cpu_short == "Intel Core i3-2120");
  CHECK(a.boot_disk_bytes == doctest::Approx(500107862016.0));
  CHECK(f->machines[1].boot_disk_type == "ssd");
  CHECK(f->machines[1].cpu_cores == 0);
  CHECK(std::isnan(f->machines[1].boot_disk_bytes));
  CHECK(f->machines[1].flags == 0);  // "os_eol_soon" is not yet out of support
  CHECK(std::isnan(f->machines[1].age_years));
}

TEST_CASE("collector shapes: detail with aging, inventory and hourly rows") {
  ParseWarnings w;
  auto d = ParseMachineDetail(ReadSample("collector_detail.json"), &w);
  REQUIRE(d.ok());
  CHECK(d->summary.score == doctest::Approx(81.5));
  CHECK(d->summary.recommendation == Recommendation::kReplace);
  CHECK(d->summary.age_source == "bios_date");
  CHECK(d->summary.recommendation_detail == "replace");
  CHECK(Pick(Lang::kVi, d->summary.summary).find("thay máy") != std::string::npos);
  CHECK(d->summary.boot_disk_type == "hdd");
  CHECK(d->summary.cpu_cores == 4);
  REQUIRE(d->evidence.size() == 1);
  CHECK(d->evidence[0].text.en == "The disk has 14 reallocated sectors (SMART 5)");
  REQUIRE(d->disks.size() == 1);
  CHECK(d->disks[0].boot);
  CHECK(d->disks[0].health == "passed");  // smart_passed: the drive's own verdict
  // SMART ids become names; sectors reallocated or pending are warnings even when the disk's
  // own verdict is "passed".
  auto attr = [&](const std::string& name) -> const SmartAttribute* {
    for (const auto& a : d->disks[0].smart) {
      if (a.name == name) return &a;
    }
    return nullptr;
  };
  REQUIRE(attr("5 reallocated sectors") != nullptr);
  CHECK(attr("5 reallocated sectors")->value == doctest::Approx(14));
  CHECK(attr("5 reallocated sectors")->warning);
  REQUIRE(attr("197 pending sectors") != nullptr);
  CHECK(attr("197 pending sectors")->warning);
  REQUIRE(attr("9 power-on hours") != nullptr);
  CHECK_FALSE(attr("9 power-on hours")->warning);
  std::vector<std::string> ids;
  for (const auto& a : d->disks[0].smart) ids.push_back(a.name.substr(0, a.name.find(' ')));
  CHECK(ids == std::vector<std::string>{"5", "9", "197"});  // numeric, not "197" < "5"
  auto no_hours_field = ParseMachineDetail(
      R"({"machine_id": "m", "inventory": {"boot_disk": {"smart_raw": {"9": 61000}}}})");
  REQUIRE(no_hours_field.ok());
  REQUIRE(no_hours_field->disks.size() == 1);
  CHECK(no_hours_field->disks[0].power_on_hours == doctest::Approx(61000));  // from SMART 9
  CHECK(d->disks[0].smart.size() == 3);
  CHECK(d->meta.asset_tag == "A-7");
  // Rows pivoted into series; time and counter-of-attempts fields are not series.
  std::map<std::string, const Series*> by_name;
  for (const Series& s : d->history) by_name[s.name] = &s;
  CHECK(by_name.count("cpu_busy_ratio") == 1);
  CHECK(by_name.count("hour_start") == 0);
  CHECK(by_name.count("seconds") == 0);
  CHECK(by_name.count("portal_probe_attempts") == 0);
  // The charted series in the view's order: received + sent as one WAN series, the portal's
  // median as its latency; p95, swap pages and seconds covered are not charted.
  REQUIRE(by_name.count("portal_latency_seconds") == 1);
  CHECK(by_name.count("portal_latency_p50_seconds") == 0);
  CHECK(by_name.count("portal_latency_p95_seconds") == 0);
  CHECK(by_name.count("swap_in_pages") == 0);
  CHECK(by_name.count("wan_receive_bytes") == 0);
  std::vector<std::string> order;
  for (const Series& s : d->history) order.push_back(s.name);
  CHECK(order == std::vector<std::string>{"cpu_busy_ratio", "memory_pressure_ratio",
                                          "io_pressure_ratio", "wan_bytes",
                                          "portal_latency_seconds"});
  const Series& wan = *by_name["wan_bytes"];
  REQUIRE(wan.points.size() == 2);
  CHECK(wan.points[0].v == doctest::Approx(1000));
  CHECK(wan.points[1].v == doctest::Approx(5700));
  const Series& cpu = *by_name["cpu_busy_ratio"];
  REQUIRE(cpu.points.size() == 2);
  CHECK(cpu.points[1].t_ms == 1764295200000);
  CHECK(cpu.points[1].v == doctest::Approx(0.9));
  CHECK(std::isnan(by_name["portal_latency_seconds"]->points[0].v));
  CHECK(by_name["portal_latency_seconds"]->points[1].v == doctest::Approx(2.1));
  // The machine's own top applications and probes (collector fields added for the console).
  REQUIRE(d->top_apps.size() == 2);
  CHECK(d->top_apps[0].name == "Microsoft Edge");
  CHECK(d->top_apps[0].office_hours_seconds == doctest::Approx(52000));
  CHECK(d->top_apps[0].foreground_seconds == doctest::Approx(30100));
  CHECK(d->top_apps[0].wan_bytes == doctest::Approx(3.2e9));
  REQUIRE(d->probes.size() == 1);
  CHECK(d->probes[0].name == "portal");
  CHECK(d->probes[0].target == "https://dichvucong.gov.vn/");
  CHECK(d->probes[0].latency_seconds == doctest::Approx(0.62));
  CHECK(d->probes[0].baseline_seconds == doctest::Approx(0.085));
  CHECK(d->probes[0].failure_ratio == doctest::Approx(0.04));
  CHECK(w.items.empty());
}

TEST_CASE("collector shapes: heatmap, bottlenecks, software, findings") {
  const auto doc = nlohmann::json::parse(ReadSample("collector_network.json"));
  auto h = ParseHeatmap(doc["heatmap"].dump());
  REQUIRE(h.ok());
  CHECK(h->cells[1][9] == doctest::Approx(0.97));
  CHECK(h->capacity_down_mbps == doctest::Approx(100));
  CHECK(h->baseline_latency_seconds == doctest::Approx(0.5));
  auto n = ParseBottlenecks(doc["bottlenecks"].dump());
  REQUIRE(n.ok());
  REQUIRE(n->bottlenecks.size() == 1);
  CHECK(n->bottlenecks[0].p95_utilisation == doctest::Approx(0.97));
  CHECK(n->bottlenecks[0].latency_ratio == doctest::Approx(4.4));
  CHECK(n->bottlenecks[0].machines[0].name == "pc-07");
  CHECK(Pick(Lang::kEn, n->bottlenecks[0].text) == "Tuesday 9:00");
  CHECK(n->verdict.recommended_plan_mbps == doctest::Approx(150));
  CHECK(n->verdict.plan_name == "FTTH 150");
  CHECK(n->portal_baseline_seconds == doctest::Approx(0.5));
  // The uplink now and today, as the collector publishes them for the header and the view.
  CHECK(n->utilisation_now == doctest::Approx(0.83));
  CHECK(n->capacity_up_mbps == doctest::Approx(40));
  REQUIRE(n->today.size() == 2);
  CHECK(n->today[1].t_ms == 1764325200000);
  CHECK(n->today[1].v == doctest::Approx(0.83));
  auto s = ParseSoftware(doc["software"].dump());
  REQUIRE(s.ok());
  CHECK(s->ranking[0].name == "chrome");
  CHECK(s->ranking[0].office_hours_seconds == doctest::Approx(9000));
  CHECK(s->ranking[0].foreground_seconds == doctest::Approx(5000));
  CHECK(s->unsupported_os[0].end_of_support == "os_eol");
  auto f = ParseFindings(doc["findings"].dump());
  REQUIRE(f.ok());
  REQUIRE(f->size() == 1);
  CHECK((*f)[0].severity == "replace");
}

TEST_CASE("the fleet list's actions say what to upgrade, per row") {
  // "Upgrade" with score 5 and no flag (a worn battery) did not say what to do.
  auto doc = nlohmann::json::parse(ReadSample("collector_machines.json"));
  doc["machines"][1]["recommendation"] = "upgrade";
  doc["machines"][1]["actions"] = {"ssd", 3, "add_ram"};
  auto f = ParseMachines(doc.dump());
  REQUIRE(f.ok());
  REQUIRE(f->machines.size() == 2);
  CHECK(f->machines[1].recommendation_detail == "ssd, add_ram");
  CHECK(ActionsLabel(Lang::kVi, f->machines[1].recommendation_detail) == "thay ổ SSD, nâng RAM");
  // A word each for the row; the sentence in the tooltip.
  CHECK(ShortActionsLabel(Lang::kVi, "ssd, add_ram, os_upgrade") == "SSD, RAM, HĐH");
  CHECK(ShortActionsLabel(Lang::kEn, "battery,nic") == "battery, network card");
  CHECK(ShortActionsLabel(Lang::kEn, "something_new") == "something_new");
  CHECK(f->machines[0].recommendation_detail.empty());  // no actions given
}
