// site.json parsing: defaults, every error names its key, round trip.
#include "wardwatch/analytics/site_config.h"

#include <doctest/doctest.h>

using namespace wardwatch::analytics;

TEST_CASE("an empty site config gives the documented defaults") {
  auto c = ParseSiteConfig("{}");
  REQUIRE(c.ok());
  CHECK(c->utc_offset_minutes == 420);
  CHECK(c->uplink_down_mbps == 100);
  REQUIRE(c->office.spans.size() == 2);
  CHECK(c->office.spans[0].begin_minute == 450);
  CHECK(c->office.spans[1].end_minute == 1020);
  CHECK(c->thresholds.bottleneck_utilisation == doctest::Approx(0.8));
  CHECK(c->thresholds.target_utilisation == doctest::Approx(0.7));
}

TEST_CASE("site config errors name the key") {
  struct Row {
    const char* text;
    const char* error;
  };
  const Row rows[] = {
      {R"({"uplink_mbps": 100})", "site config: uplink_mbps: unknown key"},
      {R"({"uplink_down_mbps": "fast"})",
       "site config: uplink_down_mbps: expected a number, got \"fast\""},
      {R"({"uplink_down_mbps": 0})",
       "site config: uplink_down_mbps: 0 is out of range [0.1, 100000]"},
      {R"({"office_hours": [["07:30", "25:00"]]})",
       "site config: office_hours[0]: expected [\"HH:MM\", \"HH:MM\"]"},
      {R"({"office_hours": [["11:30", "07:30"]]})",
       "site config: office_hours[0]: end is not after begin"},
      {R"({"workdays": ["mon", "funday"]})", "site config: workdays[1]: expected mon..sun"},
      {R"({"prices": {"ssd": 1}})", "site config: prices.ssd: unknown key"},
      {R"({"thresholds": {"watch_score": 70}})",
       "site config: thresholds.watch_score: not below replace_score"},
      {R"({"thresholds": {"replace_residual_score": 70}})",
       "site config: thresholds.replace_residual_score: greater than replace_score"},
      {R"({"plans": [{"name": "x"}]})", "site config: plans[0].down_mbps: required"},
      {R"([1])", "site config: expected an object"},
  };
  for (const Row& r : rows) {
    CAPTURE(r.text);
    auto c = ParseSiteConfig(r.text);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error() == r.error);
  }
  CHECK_FALSE(ParseSiteConfig("{").ok());
}

TEST_CASE("site config round trips through JSON") {
  auto c = ParseSiteConfig(R"({"uplink_down_mbps": 150, "uplink_up_mbps": 50,
      "office_hours": [["08:00", "12:00"], ["13:30", "17:30"]], "workdays": ["mon","tue","wed","thu","fri","sat"],
      "prices": {"ssd_vnd": 1200000}, "plans": [{"name": "A", "down_mbps": 200, "monthly_vnd": 900000}],
      "thresholds": {"bottleneck_utilisation": 0.9}})");
  REQUIRE(c.ok());
  CHECK(c->office.workdays[5]);
  CHECK_FALSE(c->office.workdays[6]);
  CHECK(c->prices.ssd_vnd == 1200000);
  REQUIRE(c->plans.size() == 1);
  CHECK(c->plans[0].up_mbps == 200);  // up defaults to down
  auto again = ParseSiteConfig(SiteConfigToJson(*c).dump());
  REQUIRE(again.ok());
  CHECK(SiteConfigToJson(*again) == SiteConfigToJson(*c));
}
