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
  }
  void GenerateReport(ReportRequest r) override {
    calls.push_back("report " + r.format + " " + r.lang + " " + r.output_path);
  }
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
