// The smart collector's schedule and verdicts (smart_collector.cpp) over a scripted reader:
// what both platforms share, without smartctl or DeviceIoControl.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>

#include "collectors/smart.h"
#include "options.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {

struct Script {
  std::map<std::string, Result<SmartResult>> answers;
  std::map<std::string, int> reads;
};

SmartReader ReaderOf(Script& script) {
  return [&script](const AgentOptions&, const std::string& disk) -> Result<SmartResult> {
    ++script.reads[disk];
    return script.answers.at(disk);
  };
}

SmartResult Healthy(std::uint64_t power_on_hours) {
  SmartResult r;
  r.protocol = "ATA";
  r.passed = true;
  r.power_on_hours = power_on_hours;
  return r;
}

SmartResult Unreadable(std::string why, bool denied) {
  SmartResult r;
  r.unavailable = std::move(why);
  r.permission_denied = denied;
  return r;
}

Report WithDisks(std::initializer_list<const char*> names) {
  Report r;
  r.hardware.emplace();
  for (const char* n : names) {
    schema::Disk d;
    d.name = n;
    r.hardware->disks.push_back(d);
  }
  return r;
}

bool Listed(const std::vector<std::string>& v, const char* what) {
  return std::find(v.begin(), v.end(), what) != v.end();
}

}  // namespace

TEST_CASE("smart collector: read once per interval, the last result kept in between") {
  Script script;
  script.answers.emplace("sda", Healthy(1000));
  auto c = NewSmartCollectorWith(ReaderOf(script));
  AgentOptions o;
  o.smart_interval_seconds = 3600;
  CollectContext ctx{o.paths, &o};
  for (int i = 0; i < 3; ++i) {
    Report r = WithDisks({"sda"});
    REQUIRE(c->Collect(ctx, r).ok());
    CHECK(r.hardware->disks[0].power_on_hours == 1000);
    CHECK(r.hardware->disks[0].smart_passed == true);
    CHECK_FALSE(Listed(r.hardware->absent, "smart"));
  }
  CHECK(script.reads["sda"] == 1);
  o.smart_interval_seconds = 0;  // every collection reads again
  script.answers.at("sda") = Healthy(1001);
  Report r = WithDisks({"sda"});
  REQUIRE(c->Collect(ctx, r).ok());
  CHECK(script.reads["sda"] == 2);
  CHECK(r.hardware->disks[0].power_on_hours == 1001);
}

TEST_CASE("smart collector: absent, needs privilege, and a failed read among good ones") {
  struct Row {
    const char* what;
    std::map<std::string, Result<SmartResult>> answers;
    bool ok, absent, needs_privilege;
  };
  const Row rows[] = {
      {"one readable disk", {{"sda", Healthy(5)}}, true, false, false},
      {"no SMART on a USB bridge",
       {{"sda", Unreadable("SMART is not read over USB", false)}},
       true,
       true,
       false},
      {"not administrator / not root",
       {{"sda", Unreadable("access denied", true)}},
       true,
       false,
       true},
      {"one read fails, the other disk still counts",
       {{"sda", MakeError("smartctl: timed out after 30 s")}, {"sdb", Healthy(7)}},
       false,
       false,
       false},
      {"the only read fails",
       {{"sda", MakeError("smartctl: timed out after 30 s")}},
       false,
       true,
       false},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Script script;
    script.answers = row.answers;
    auto c = NewSmartCollectorWith(ReaderOf(script));
    AgentOptions o;
    CollectContext ctx{o.paths, &o};
    Report r;
    r.hardware.emplace();
    for (const auto& [name, a] : row.answers) {
      schema::Disk d;
      d.name = name;
      r.hardware->disks.push_back(d);
    }
    const Status s = c->Collect(ctx, r);
    CHECK(s.ok() == row.ok);
    if (!s.ok()) {
      CHECK(s.error() == "smartctl: timed out after 30 s");
      CHECK(r.hardware->disks[0].smart_unavailable == "smartctl: timed out after 30 s");
    }
    CHECK(Listed(r.hardware->absent, "smart") == row.absent);
    CHECK(Listed(r.hardware->needs_privilege, "smart") == row.needs_privilege);
  }
  // No disks at all: absent, and nothing is read.
  Script none;
  auto c = NewSmartCollectorWith(ReaderOf(none));
  AgentOptions o;
  CollectContext ctx{o.paths, &o};
  Report r = WithDisks({});
  CHECK(c->Collect(ctx, r).ok());
  CHECK(Listed(r.hardware->absent, "smart"));
  CHECK(none.reads.empty());
}

TEST_CASE("smart collector: a disk in standby keeps its last good reading") {
  Script script;
  script.answers.emplace("sda", Healthy(42));
  auto c = NewSmartCollectorWith(ReaderOf(script));
  AgentOptions o;
  o.smart_interval_seconds = 0;
  CollectContext ctx{o.paths, &o};
  Report first = WithDisks({"sda"});
  REQUIRE(c->Collect(ctx, first).ok());
  SmartResult asleep = Unreadable("device is in STANDBY mode", false);
  asleep.standby = true;
  script.answers.at("sda") = asleep;
  Report second = WithDisks({"sda"});
  REQUIRE(c->Collect(ctx, second).ok());
  CHECK(script.reads["sda"] == 2);
  CHECK(second.hardware->disks[0].power_on_hours == 42);
  CHECK(second.hardware->disks[0].smart_unavailable.empty());
}

TEST_CASE("smart collector: a failed read is not repeated before the interval is over") {
  // smartctl timing out on a dying disk (30 s each time) must not run at every report.
  Script script;
  script.answers.emplace("sda", MakeError("smartctl: timed out after 30 s"));
  auto c = NewSmartCollectorWith(ReaderOf(script));
  AgentOptions o;
  o.smart_interval_seconds = 3600;
  CollectContext ctx{o.paths, &o};
  for (int i = 0; i < 3; ++i) {
    Report r = WithDisks({"sda"});
    const Status s = c->Collect(ctx, r);
    CHECK_FALSE(s.ok());  // still said every report, from the kept error
    CHECK(r.hardware->disks[0].smart_unavailable == "smartctl: timed out after 30 s");
  }
  CHECK(script.reads["sda"] == 1);
  o.smart_interval_seconds = 0;  // the interval is over: read again, and it works now
  script.answers.at("sda") = Healthy(77);
  Report r = WithDisks({"sda"});
  REQUIRE(c->Collect(ctx, r).ok());
  CHECK(script.reads["sda"] == 2);
  CHECK(r.hardware->disks[0].power_on_hours == 77);
  CHECK(r.hardware->disks[0].smart_unavailable.empty());
}
