// console.ini: parse, format, round trip through a real file, clear errors.
#include "model/settings.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace wardwatch::console;

TEST_CASE("settings parse with comments, a section and unknown keys") {
  auto s = ParseSettings(
      "# comment\n[console]\ncollector_url = http://127.0.0.1:9477\n; other\nlanguage=vi\n"
      "view = network\nhistory_hours = 24\nsort_column = name\nsort_descending = false\n"
      "future_key = whatever\n");
  REQUIRE(s.ok());
  CHECK(s->collector_url == "http://127.0.0.1:9477");
  CHECK(s->language == "vi");
  CHECK(s->view == "network");
  CHECK(s->history_hours == 24);
  CHECK(s->sort_column == "name");
  CHECK_FALSE(s->sort_descending);
}

TEST_CASE("settings errors name the line and the key") {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"view = fleet\njust words\n", "line 2: expected key = value"},
      {"history_hours = lots\n", "line 1: history_hours"},
      {"history_hours = 0\n", "history_hours"},
      {"sort_descending = yes\n", "sort_descending: expected true or false"},
      {"[console\n", "line 1: unterminated section"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto r = ParseSettings(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().find(c.expect) != std::string::npos);
  }
}

TEST_CASE("settings round-trip through a file; missing file gives defaults") {
  const auto dir = std::filesystem::temp_directory_path() / "wardwatch_console_settings_test";
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "nested" / "console.ini").string();
  auto missing = LoadSettings(path);
  REQUIRE(missing.ok());
  CHECK(*missing == Settings{});
  Settings s;
  s.collector_url = "http://127.0.0.1:1234";
  s.language = "en";
  s.view = "software";
  s.history_hours = 672;
  s.sort_column = "ram";
  s.sort_descending = false;
  s.report_dir = "/tmp/r";
  REQUIRE(SaveSettings(path, s).ok());
  auto back = LoadSettings(path);
  REQUIRE(back.ok());
  CHECK(*back == s);
  std::ofstream(path) << "history_hours = -3\n";
  auto bad = LoadSettings(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find(path) != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("default path honours XDG_CONFIG_HOME") {
  setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
  CHECK(DefaultSettingsPath() == "/tmp/xdg-test/wardwatch/console.ini");
  unsetenv("XDG_CONFIG_HOME");
  setenv("HOME", "/home/officer", 1);
  CHECK(DefaultSettingsPath() == "/home/officer/.config/wardwatch/console.ini");
}
