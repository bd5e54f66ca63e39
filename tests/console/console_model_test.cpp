// ConsoleModel: UI actions become requests; updates land in the right place; dump JSON.
#include "model/console_model.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "model/api_parse.h"
#include "samples.h"

using namespace wardwatch::console;

namespace {

struct RecordingSink : RequestSink {
  std::vector<std::string> calls;
  void WatchMachine(std::string id, int hours) override {
    calls.push_back("watch " + id + " " + std::to_string(hours));
  }
  void SaveMeta(std::string id, MachineMeta m) override {
    calls.push_back("save " + id + " " + m.asset_tag);
    last_meta = m;
  }
  MachineMeta last_meta;
  void GenerateReport(ReportRequest r) override {
    calls.push_back("report " + r.format + " " + r.lang + " " + r.output_path);
  }
  void SearchInstalled(std::string q) override { calls.push_back("search " + q); }
  void RefreshNow() override { calls.push_back("refresh"); }
};

ConsoleModel WithFleet() {
  ConsoleModel m;
  Updates u;
  u.fleet = *ParseMachines(ReadSample("machines.json"));
  m.Apply(std::move(u));
  return m;
}

}  // namespace

TEST_CASE("opening a machine selects it, switches view and asks for its detail") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  UiActions a;
  a.open_machine = "m-002";
  m.Apply(a, sink);
  CHECK(m.fleet.selected() == "m-002");
  CHECK(m.view == View::kMachine);
  CHECK(sink.calls == std::vector<std::string>{"watch m-002 168"});
  // Changing the range re-asks with the new hours.
  UiActions r;
  r.history_hours = 24;
  m.Apply(r, sink);
  CHECK(sink.calls.back() == "watch m-002 24");
  // An unknown machine changes nothing.
  UiActions bad;
  bad.open_machine = "nope";
  m.view = View::kFleet;
  m.Apply(bad, sink);
  CHECK(m.view == View::kFleet);
  CHECK(sink.calls.size() == 2);
}

TEST_CASE("a late detail answer for another machine is dropped") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  UiActions a;
  a.open_machine = "m-002";
  m.Apply(a, sink);
  Updates u;
  u.detail = *ParseMachineDetail(ReadSample("machine_detail.json"));  // m-001
  m.Apply(std::move(u));
  CHECK_FALSE(m.detail.has_value());
  CHECK_FALSE(m.HasDataFor(View::kMachine));
}

TEST_CASE("save and report requests; a second report waits for the first") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  UiActions open;
  open.open_machine = "m-001";
  m.Apply(open, sink);
  UiActions save;
  MachineMeta meta;
  meta.asset_tag = "T-9";
  save.save_meta = meta;
  m.Apply(save, sink);
  CHECK(sink.calls.back() == "save m-001 T-9");
  CHECK(m.meta_status.state == MetaEditStatus::State::kSaving);
  Updates done;
  done.meta_saved = MetaSaveResult{"m-001", meta, true, ""};
  m.Apply(std::move(done));
  CHECK(m.meta_status.state == MetaEditStatus::State::kSaved);

  m.report_dir = "/tmp/reports";
  UiActions rep;
  rep.generate_report = ReportRequest{"pdf", "en", "28d", ""};
  m.Apply(rep, sink);
  REQUIRE(sink.calls.back().rfind("report pdf en /tmp/reports/wardwatch-upgrade-", 0) == 0);
  CHECK(sink.calls.back().ends_with(".pdf"));
  const auto n = sink.calls.size();
  m.Apply(rep, sink);
  CHECK(sink.calls.size() == n);  // busy
  Updates r;
  r.report = ReportResult{true, "/tmp/reports/x.pdf", 10, ""};
  m.Apply(std::move(r));
  CHECK_FALSE(m.report_status.busy);
}

TEST_CASE("filter, flags, sort and language actions reach the fleet model") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  UiActions a;
  a.filter_text = "windows";
  a.flag_filter = kFlagLowRam;
  a.sort = SortSpec{Column::kName, false};
  a.language = Lang::kVi;
  a.refresh = true;
  m.Apply(a, sink);
  CHECK(m.fleet.visible().size() == 2);
  CHECK(m.fleet.sort().column == Column::kName);
  CHECK(m.lang == Lang::kVi);
  CHECK(sink.calls == std::vector<std::string>{"refresh"});
}

TEST_CASE("offline update keeps data; HasDataFor follows what arrived") {
  ConsoleModel m;
  CHECK_FALSE(m.HasDataFor(View::kFleet));
  m = WithFleet();
  CHECK(m.HasDataFor(View::kFleet));
  CHECK_FALSE(m.HasDataFor(View::kNetwork));
  Updates off;
  ConnectionInfo c;
  c.state = ConnectionInfo::State::kOffline;
  c.error = "cannot reach collector";
  off.connection = c;
  m.Apply(std::move(off));
  CHECK(m.fleet.machines().size() == 4);
  // An endpoint the collector lacks still lets the view render (with the reason).
  Updates e;
  e.endpoint_errors["/api/v1/software"] = "HTTP 404";
  m.Apply(std::move(e));
  CHECK_FALSE(m.HasDataFor(View::kSoftware));  // the installed-software search is still due
  Updates i;
  i.endpoint_errors["/api/v1/software/installed"] = "HTTP 404";
  m.Apply(std::move(i));
  CHECK(m.HasDataFor(View::kSoftware));
}

TEST_CASE("dump JSON lists rows in display order with flags and totals") {
  ConsoleModel m = WithFleet();
  auto j = nlohmann::json::parse(DumpFleetJson(m));
  REQUIRE(j["machines"].size() == 4);
  CHECK(j["machines"][0]["hostname"] == "MOTCUA-01");
  CHECK(j["machines"][0]["rank"] == 1);
  CHECK(j["machines"][0]["recommendation"] == "replace");
  CHECK(j["machines"][0]["flags"].size() == 5);
  CHECK(j["machines"][3]["aging_score"].is_null());
  CHECK(j["totals"]["to_replace"] == 1);
  CHECK(j["totals"]["uplink_utilisation_now_ratio"] == doctest::Approx(0.87));
}

TEST_CASE("view names round-trip") {
  for (View v : {View::kFleet, View::kMachine, View::kNetwork, View::kSoftware, View::kReports}) {
    CHECK(ViewFromName(ViewName(v)) == v);
  }
  CHECK_FALSE(ViewFromName("dashboard").has_value());
}

namespace {

Updates InstalledAnswer(const std::string& query, int machines) {
  Updates u;
  u.installed = InstalledSearch{};
  u.installed->query = query;
  u.installed->packages.push_back({"Zalo", "24.11.1", {"registry"}, machines, machines, {}, false});
  return u;
}

UiActions Typed(const std::string& text, bool enter = false) {
  UiActions a;
  a.installed_search = text;
  a.installed_search_submit = enter;
  return a;
}

}  // namespace

TEST_CASE("installed-software search: sent once typing pauses, or at once on Enter") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  constexpr std::int64_t kPause = InstalledSearchState::kDebounceMs;
  // Typed letter by letter, 100 ms apart: nothing is sent while typing goes on.
  m.Apply(Typed("z"), sink, 1000);
  m.Apply(Typed("za"), sink, 1100);
  m.Apply(UiActions{}, sink, 1100 + kPause - 1);
  m.Apply(Typed("zal"), sink, 1200);
  m.Apply(UiActions{}, sink, 1200 + kPause - 1);
  CHECK(sink.calls.empty());
  // The pause: one request with the whole word; more frames send nothing more.
  m.Apply(UiActions{}, sink, 1200 + kPause);
  m.Apply(UiActions{}, sink, 5000);
  CHECK(sink.calls == std::vector<std::string>{"search zal"});
  CHECK(m.installed_search.waiting);
  CHECK_FALSE(m.HasDataFor(View::kSoftware));

  // Enter sends without waiting, even the same text again (a re-search).
  m.Apply(Typed("zalo", true), sink, 6000);
  CHECK(sink.calls.back() == "search zalo");
  m.Apply(Typed("zalo", true), sink, 6010);
  CHECK(sink.calls.size() == 3);

  // An answer for an earlier query (it may arrive after a newer search) is dropped.
  m.Apply(InstalledAnswer("zal", 9));
  CHECK_FALSE(m.installed.has_value());
  CHECK(m.installed_search.waiting);
  m.Apply(InstalledAnswer("zalo", 3));
  REQUIRE(m.installed.has_value());
  CHECK(m.installed->packages[0].machines == 3);
  CHECK_FALSE(m.installed_search.waiting);
  Updates sw;
  sw.software = SoftwareData{};
  m.Apply(std::move(sw));
  CHECK(m.HasDataFor(View::kSoftware));

  // Clearing the box searches everything again (the empty query), after the pause.
  m.Apply(Typed(""), sink, 7000);
  m.Apply(UiActions{}, sink, 7000 + kPause);
  CHECK(sink.calls.back() == "search ");
  // A refused search ends the wait and the reason stays for the view.
  Updates refused;
  refused.endpoint_errors["/api/v1/software/installed"] = "HTTP 400: q: not valid UTF-8";
  m.Apply(std::move(refused));
  CHECK_FALSE(m.installed_search.waiting);
  CHECK(m.EndpointError("/api/v1/software/installed") == "HTTP 400: q: not valid UTF-8");
}

TEST_CASE("installed-software search without sending on the pause: only Enter sends") {
  ConsoleModel m = WithFleet();
  m.installed_search.send_on_pause = false;  // --wait-search
  RecordingSink sink;
  m.Apply(Typed("zalo"), sink, 1000);
  m.Apply(UiActions{}, sink, 1000 + 100 * InstalledSearchState::kDebounceMs);
  CHECK(sink.calls.empty());
  m.Apply(Typed("zalo", true), sink, 60000);
  CHECK(sink.calls == std::vector<std::string>{"search zalo"});
  m.Apply(InstalledAnswer("zalo", 3));
  const auto dump = nlohmann::json::parse(DumpInstalledJson(m))["installed_search"];
  CHECK(dump["typed"] == "zalo");
  CHECK(dump["sent"] == "zalo");
  CHECK(dump["answer"]["query"] == "zalo");
  CHECK(dump["answer"]["packages"][0]["name"] == "Zalo");
  CHECK(dump["answer"]["packages"][0]["machines"] == 3);
}

TEST_CASE("uplink now: the collector's null means unknown, not today's last bucket") {
  // On a Sunday morning the collector answered utilisation_now_ratio: null (no PC reported in
  // the last 15 minutes); the header showed a green "uplink now: 0%" from today's series.
  auto doc = nlohmann::json::parse(ReadSample("collector_network.json"))["bottlenecks"];
  ConsoleModel m = WithFleet();
  Updates u;
  u.network = *ParseBottlenecks(doc.dump());
  m.Apply(std::move(u));
  CHECK(m.UtilisationNow() == doctest::Approx(0.83));
  doc["utilisation_now_ratio"] = nullptr;
  Updates unknown;
  unknown.network = *ParseBottlenecks(doc.dump());
  m.Apply(std::move(unknown));
  CHECK(std::isnan(m.UtilisationNow()));
  // A collector that does not publish "now" at all: today's latest bucket stands in for it.
  doc.erase("utilisation_now_ratio");
  Updates older;
  older.network = *ParseBottlenecks(doc.dump());
  m.Apply(std::move(older));
  CHECK(m.UtilisationNow() == doctest::Approx(0.83));
}

TEST_CASE("a report saved into a folder makes it the default folder (remembered)") {
  ConsoleModel m = WithFleet();
  RecordingSink sink;
  m.report_dir = "";
  UiActions rep;
  rep.generate_report = ReportRequest{"pdf", "vi", "28d", "/srv/bao-cao/2026/upgrade.pdf"};
  m.Apply(rep, sink);
  Updates failed;
  failed.report = ReportResult{false, "/srv/bao-cao/2026/upgrade.pdf", 0, "HTTP 503"};
  m.Apply(std::move(failed));
  CHECK(m.report_dir.empty());  // nothing was saved there
  m.Apply(rep, sink);
  Updates done;
  done.report = ReportResult{true, "/srv/bao-cao/2026/upgrade.pdf", 1000, ""};
  m.Apply(std::move(done));
  CHECK(m.report_dir == "/srv/bao-cao/2026");
  CHECK(m.DefaultReportPath("csv", 0).rfind("/srv/bao-cao/2026/wardwatch-upgrade-", 0) == 0);
}

TEST_CASE("the bandwidth verdict names the PCs held back by their own network card") {
  auto doc = nlohmann::json::parse(ReadSample("collector_network.json"))["bottlenecks"];
  doc["verdict"]["lan_side_machines"] = {"PC-DIACHINH-02", 7, "PC-VHXH-01"};
  auto n = ParseBottlenecks(doc.dump());
  REQUIRE(n.ok());
  CHECK(n->verdict.lan_side_machines == std::vector<std::string>{"PC-DIACHINH-02", "PC-VHXH-01"});
}

TEST_CASE("the header says when the line is usually full, from the bottleneck hours") {
  // The ten-second test: "at which hours usually" needed the Network view.
  NetworkStatus n;
  CHECK(BusyHoursText(Lang::kEn, n).empty());
  for (int day : {0, 1, 2, 4}) {
    for (int hour : {9, 10}) {
      BottleneckHour b;
      b.weekday = day;
      b.hour = hour;
      n.bottlenecks.push_back(b);
    }
  }
  BottleneckHour afternoon;
  afternoon.weekday = 1;
  afternoon.hour = 14;
  n.bottlenecks.push_back(afternoon);
  CHECK(BusyHoursText(Lang::kEn, n) ==
        "usually full 09:00-11:00, 14:00-15:00 (Mon, Tue, Wed, Fri)");
  CHECK(BusyHoursText(Lang::kVi, n) == "thường nghẽn 09:00-11:00, 14:00-15:00 (T2, T3, T4, T6)");
}

TEST_CASE(
    "metadata: a day-first date is sent as YYYY-MM-DD; a refusal is in the officer's language") {
  ConsoleModel m = WithFleet();
  m.lang = Lang::kVi;
  RecordingSink sink;
  UiActions open;
  open.open_machine = "m-001";
  m.Apply(open, sink);
  UiActions save;
  MachineMeta meta;
  meta.purchase_date = " 15/03/2018";  // as people in Vietnam write it
  save.save_meta = meta;
  m.Apply(save, sink);
  CHECK(sink.calls.back() == "save m-001 ");
  CHECK(sink.last_meta.purchase_date == "2018-03-15");
  CHECK(m.meta_status.state == MetaEditStatus::State::kSaving);
  // Not a date: refused at once, in Vietnamese, and nothing is sent.
  const auto n = sink.calls.size();
  meta.purchase_date = "mùa xuân 2018";
  save.save_meta = meta;
  m.Apply(save, sink);
  CHECK(sink.calls.size() == n);
  CHECK(m.meta_status.state == MetaEditStatus::State::kFailed);
  CHECK(m.meta_status.error.rfind("Ngày mua: hãy viết theo dạng YYYY-MM-DD", 0) == 0);
  meta.purchase_date = "";
  meta.asset_tag = std::string(200, 'x');
  save.save_meta = meta;
  m.lang = Lang::kEn;
  m.Apply(save, sink);
  CHECK(m.meta_status.error == "Asset tag: too long (at most 128 bytes)");
}

TEST_CASE("NormaliseMeta: day-first dates only, whole and valid") {
  auto date = [](std::string d) {
    MachineMeta m;
    m.purchase_date = std::move(d);
    return NormaliseMeta(m).purchase_date;
  };
  CHECK(date("15/03/2018") == "2018-03-15");
  CHECK(date("5-3-2018") == "2018-03-05");
  CHECK(date("05.03.2018 ") == "2018-03-05");
  CHECK(date("2018-03-15") == "2018-03-15");
  CHECK(date("15/13/2018") == "15/13/2018");  // no 13th month: left for ValidateMeta
  CHECK(date("15/03-2018") == "15/03-2018");
  CHECK(date("15/03/2018x") == "15/03/2018x");
  CHECK(date("") == "");
}

TEST_CASE("the heatmap says how many of its weeks hold data, not only its window") {
  // 7 days of reports under a 4-week window: the title said "(4 weeks)".
  auto doc = nlohmann::json::parse(ReadSample("collector_network.json"))["heatmap"];
  doc["weeks"] = 4;
  doc["cells"][0]["samples"] = 12;
  auto h = ParseHeatmap(doc.dump());
  REQUIRE(h.ok());
  CHECK(h->max_cell_samples == 12);
  CHECK(HeatmapWeeksWithData(*h) == 1);
  doc["cells"][0]["samples"] = 13;  // a second week begun
  CHECK(HeatmapWeeksWithData(*ParseHeatmap(doc.dump())) == 2);
  doc["cells"][0]["samples"] = 48 * 3;  // more than the window: the window
  CHECK(HeatmapWeeksWithData(*ParseHeatmap(doc.dump())) == 4);
  doc["cells"][0].erase("samples");  // cells that do not say
  CHECK(HeatmapWeeksWithData(*ParseHeatmap(doc.dump())) == 4);
}
