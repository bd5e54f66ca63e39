// wardwatch-console flags: values, defaults and errors that name the flag.
#include "model/cli.h"

#include <doctest/doctest.h>

#include "model/i18n.h"

using namespace wardwatch::console;

TEST_CASE("flags parse") {
  unsetenv("WARDWATCH_API_TOKEN");
  auto o = ParseCli({"--collector", "http://127.0.0.1:9477", "--token", "T", "--lang", "vi",
                     "--screenshot", "/tmp/a.png", "--view=machine:m-1", "--size", "1600x1000",
                     "--timeout", "12"});
  REQUIRE(o.ok());
  CHECK(o->collector_url == "http://127.0.0.1:9477");
  CHECK(o->token == "T");
  CHECK(o->lang == "vi");
  CHECK(o->view == "machine:m-1");
  CHECK(o->width == 1600);
  CHECK(o->height == 1000);
  CHECK(o->timeout_seconds == doctest::Approx(12));
  auto s = ParseCli({"--screenshot", "x.png"});
  REQUIRE(s.ok());
  CHECK(s->view == "fleet");
  CHECK(s->search.empty());
  CHECK_FALSE(s->scroll_end);
  auto below = ParseCli({"--view", "software", "--search", "Zalo PC", "--scroll-end"});
  REQUIRE(below.ok());
  CHECK(below->search == "Zalo PC");
  CHECK(below->scroll_end);
  auto typed = ParseCli({"--screenshot", "s.png", "--wait-search", "zalo"});
  REQUIRE(typed.ok());
  CHECK(typed->wait_search == "zalo");
  CHECK(typed->view == "software");
  setenv("WARDWATCH_API_TOKEN", "from-env", 1);
  auto e = ParseCli({});
  REQUIRE(e.ok());
  CHECK(e->token == "from-env");
  unsetenv("WARDWATCH_API_TOKEN");
}

TEST_CASE("flag errors name the flag and the value") {
  struct Case {
    std::vector<std::string> args;
    const char* expect;
  };
  const Case cases[] = {
      {{"--lang", "fr"}, "--lang: expected vi or en, got \"fr\""},
      {{"--view", "dashboard"}, "--view: expected fleet"},
      {{"--size", "big"}, "--size"},
      {{"--size", "100x100"}, "--size: expected a number in 320..8192"},
      {{"--collector", "127.0.0.1:9477"}, "--collector: expected http://"},
      {{"--token"}, "--token: missing value"},
      {{"--search"}, "--search: missing value"},
      {{"--wait-search", "zalo"}, "--wait-search needs --screenshot"},
      {{"--screenshot", "s.png", "--view", "fleet", "--wait-search", "zalo"},
       "--wait-search: the search box is in the software view, not \"fleet\""},
      {{"--bench-frames", "-1"}, "--bench-frames"},
      {{"--frobnicate"}, "unknown option \"--frobnicate\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expect);
    auto r = ParseCli(c.args);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find(c.expect) != std::string::npos);
  }
}

TEST_CASE("language from the environment") {
  unsetenv("LC_ALL");
  unsetenv("LC_MESSAGES");
  setenv("LANG", "vi_VN.UTF-8", 1);
  CHECK(LanguageFromEnvironment() == Lang::kVi);
  setenv("LC_ALL", "en_US.UTF-8", 1);
  CHECK(LanguageFromEnvironment() == Lang::kEn);
  unsetenv("LC_ALL");
  setenv("LANG", "C", 1);
  CHECK(LanguageFromEnvironment() == Lang::kEn);
}

TEST_CASE("every string exists in both languages") {
  for (int i = 0; i < static_cast<int>(Str::kCount); ++i) {
    CAPTURE(i);
    CHECK(*Tr(Lang::kEn, static_cast<Str>(i)) != '\0');
    CHECK(*Tr(Lang::kVi, static_cast<Str>(i)) != '\0');
  }
  CHECK(std::string(Tr(Lang::kVi, Str::kColScore)) == "Điểm lão hóa");
  CHECK(std::string(FlagLabel(Lang::kEn, kFlagFailingDisk)) == "failing disk");
}

TEST_CASE("SMART attribute names and disk health words in both languages") {
  CHECK(std::string(SmartAttributeName(Lang::kEn, "5")) == "reallocated sectors");
  CHECK(std::string(SmartAttributeName(Lang::kVi, "5")) == "sector bị ánh xạ lại");
  CHECK(std::string(SmartAttributeName(Lang::kVi, "197")) == "sector chờ ánh xạ lại");
  CHECK(SmartAttributeName(Lang::kEn, "231") == nullptr);  // unknown: the id alone is shown
  CHECK(SmartAttributeName(Lang::kEn, "") == nullptr);
  CHECK(std::string(DiskHealthLabel(Lang::kVi, "passed")) == "đạt (ổ đĩa tự đánh giá)");
  CHECK(std::string(DiskHealthLabel(Lang::kEn, "failing")) == "failing");
  const std::string other = "degraded";
  CHECK(std::string(DiskHealthLabel(Lang::kVi, other)) == "degraded");
}

TEST_CASE("the collector's codes in words: age source, actions, the 'other' application") {
  CHECK(AgeSourceLabel(Lang::kVi, "bios_date") == "ngày BIOS");
  CHECK(AgeSourceLabel(Lang::kEn, "bios_date") == "BIOS date");
  CHECK(AgeSourceLabel(Lang::kVi, "power_on_hours") == "giờ chạy ổ đĩa");
  CHECK(AgeSourceLabel(Lang::kEn, "tea_leaves") == "tea_leaves");  // unknown: as it is
  CHECK(ActionsLabel(Lang::kVi, "replace_pc") == "thay máy mới");
  CHECK(ActionsLabel(Lang::kVi, "ssd, add_ram") == "thay ổ SSD, nâng RAM");
  CHECK(ActionsLabel(Lang::kEn, "ssd,add_ram,") == "fit an SSD, add RAM");
  CHECK(ActionsLabel(Lang::kEn, "ssd, 16 GB kit") == "fit an SSD, 16 GB kit");
  CHECK(ActionsLabel(Lang::kEn, "").empty());
  CHECK(AppLabel(Lang::kVi, "other") == "khác");
  CHECK(AppLabel(Lang::kVi, "Zalo") == "Zalo");
}

TEST_CASE("well-known probe labels in words; an office's own label as it is") {
  // The Vietnamese Machine view listed "portal (...)" and "gateway (...)".
  CHECK(ProbeLabel(Lang::kVi, "portal") == "cổng dịch vụ công");
  CHECK(ProbeLabel(Lang::kEn, "gateway") == "gateway (router)");
  CHECK(ProbeLabel(Lang::kVi, "collector") == "máy chủ thu thập");
  CHECK(ProbeLabel(Lang::kVi, "htkk-server") == "htkk-server");
}
