// Fleet table state: filter, sort (NaN last), selection, totals, offline detection.
#include "model/fleet_model.h"

#include <doctest/doctest.h>

#include "model/api_parse.h"
#include "model/synthetic.h"
#include "samples.h"

using namespace wardwatch::console;

namespace {

constexpr std::int64_t kNow = 1764325200000;

FleetModel SampleFleet() {
  auto f = ParseMachines(ReadSample("machines.json"));
  REQUIRE(f.ok());
  FleetModel m;
  m.SetMachines(std::move(f->machines), kNow);
  return m;
}

std::vector<std::string> Names(const FleetModel& m) {
  std::vector<std::string> out;
  for (auto i : m.visible()) out.push_back(m.machines()[i].name);
  return out;
}

}  // namespace

TEST_CASE("default order: worst aging score first, unknown scores last") {
  FleetModel m = SampleFleet();
  CHECK(Names(m) == std::vector<std::string>{"MOTCUA-01", "TUPHAP-02", "KETOAN-03", "vanphong-04"});
  m.SetSort({Column::kScore, false});
  // Ascending still puts the machine without a score last.
  CHECK(Names(m) == std::vector<std::string>{"KETOAN-03", "TUPHAP-02", "MOTCUA-01", "vanphong-04"});
}

TEST_CASE("sort by every column is total and stable") {
  struct Case {
    Column column;
    bool descending;
    const char* first;
  };
  const Case cases[] = {
      {Column::kName, false, "KETOAN-03"},
      {Column::kName, true, "vanphong-04"},
      {Column::kAge, true, "MOTCUA-01"},
      {Column::kRam, true, "KETOAN-03"},
      {Column::kRecommendation, true, "MOTCUA-01"},
      {Column::kCpu, true, "KETOAN-03"},
      {Column::kBootDisk, false, ""},
      {Column::kLastSeen, true, "KETOAN-03"},
      {Column::kFlags, true, "MOTCUA-01"},
      {Column::kDepartment, false, "vanphong-04"},
  };
  for (const Case& c : cases) {
    CAPTURE(static_cast<int>(c.column));
    CAPTURE(c.descending);
    FleetModel m = SampleFleet();
    m.SetSort({c.column, c.descending});
    REQUIRE(m.visible().size() == 4);
    if (*c.first != '\0') CHECK(Names(m).front() == c.first);
  }
}

TEST_CASE("text filter is case-insensitive over name, department, OS; keeps the sort") {
  FleetModel m = SampleFleet();
  m.SetFilterText("windows");
  CHECK(Names(m) == std::vector<std::string>{"MOTCUA-01", "TUPHAP-02", "KETOAN-03"});
  m.SetFilterText("Tư pháp");
  CHECK(Names(m) == std::vector<std::string>{"TUPHAP-02"});
  m.SetFilterText("VANPHONG");
  CHECK(Names(m) == std::vector<std::string>{"vanphong-04"});
  m.SetFilterText("nothing matches");
  CHECK(m.visible().empty());
  m.SetFilterText("");
  CHECK(m.visible().size() == 4);
}

TEST_CASE("flag filter shows rows having any selected flag") {
  FleetModel m = SampleFleet();
  m.SetFlagFilter(kFlagLowRam);
  CHECK(Names(m) == std::vector<std::string>{"MOTCUA-01", "TUPHAP-02"});
  m.SetFlagFilter(kFlagFailingDisk);
  CHECK(Names(m) == std::vector<std::string>{"MOTCUA-01"});
  m.SetFlagFilter(kFlagFailingDisk | kFlagOffline);
  // TUPHAP-02 was last seen 5200 s before the collector's clock: offline.
  CHECK(Names(m) == std::vector<std::string>{"MOTCUA-01", "TUPHAP-02"});
  m.SetFilterText("tuphap");
  CHECK(Names(m) == std::vector<std::string>{"TUPHAP-02"});
}

TEST_CASE("totals count the whole fleet, not the filtered rows") {
  FleetModel m = SampleFleet();
  m.SetFilterText("ketoan");
  const FleetTotals& t = m.totals();
  CHECK(t.machines == 4);
  CHECK(t.to_replace == 1);
  CHECK(t.to_upgrade == 1);
  CHECK(t.offline == 1);
  CHECK(t.failing_disks == 1);
}

TEST_CASE("selection survives a refresh while the machine exists, clears when it is gone") {
  FleetModel m = SampleFleet();
  m.Select("m-002");
  CHECK(m.selected() == "m-002");
  m.Select("no-such-machine");
  CHECK(m.selected().empty());
  m.Select("m-002");
  auto f = ParseMachines(ReadSample("machines.json"));
  m.SetMachines(f->machines, kNow);
  CHECK(m.selected() == "m-002");
  f->machines.erase(f->machines.begin() + 1);
  m.SetMachines(f->machines, kNow);
  CHECK(m.selected().empty());
  CHECK(m.Find("m-001") != nullptr);
  CHECK(m.Find("m-002") == nullptr);
}

TEST_CASE("generation bumps only when the visible rows can change") {
  FleetModel m = SampleFleet();
  const auto g = m.generation();
  m.SetFilterText("");
  m.SetSort(m.sort());
  CHECK(m.generation() == g);
  m.SetFilterText("a");
  CHECK(m.generation() == g + 1);
}

TEST_CASE("10,000 synthetic machines: filter and sort stay consistent") {
  FleetModel m;
  m.SetMachines(MakeSyntheticFleet(10000, 7, kNow).machines, kNow);
  REQUIRE(m.visible().size() == 10000);
  double prev = 101;
  for (auto i : m.visible()) {
    CHECK(m.machines()[i].score <= prev);
    prev = m.machines()[i].score;
  }
  m.SetFlagFilter(kFlagFailingDisk);
  for (auto i : m.visible()) CHECK((m.machines()[i].flags & kFlagFailingDisk) != 0);
  CHECK(m.visible().size() < 10000);
  CHECK(m.visible().size() == static_cast<std::size_t>(m.totals().failing_disks));
}
