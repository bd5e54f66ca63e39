// Command line and INI parsing of the agent.
#include "options.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace wardwatch::agent;

namespace {

ParsedOptions Parse(std::vector<const char*> args, std::string* out = nullptr) {
  args.insert(args.begin(), "wardwatch-agent");
  std::ostringstream os;
  auto p = ParseOptions(static_cast<int>(args.size()), args.data(), os);
  if (out) *out = os.str();
  return p;
}

}  // namespace

TEST_CASE("flags set options") {
  auto p = Parse({"--collector", "http://127.0.0.1:1", "--interval", "15", "--once",
                  "--path.procfs", "/p", "--disable-collector", "dmi"});
  REQUIRE_FALSE(p.exit_now);
  CHECK(p.options.collector_url == "http://127.0.0.1:1");
  CHECK(p.options.interval_seconds == 15);
  CHECK(p.options.once);
  CHECK(p.options.paths.procfs == "/p");
  CHECK(p.options.disabled_collectors == std::vector<std::string>{"dmi"});
}

TEST_CASE("--help lists options with defaults and every collector") {
  std::string out;
  auto p = Parse({"--help"}, &out);
  CHECK(p.exit_now);
  CHECK(p.exit_code == 0);
  CHECK(out.find("--interval arg (=60)") != std::string::npos);
  CHECK(out.find("meminfo: memory and swap") != std::string::npos);
}

TEST_CASE("errors are clear") {
  std::string out;
  CHECK(Parse({"--interval", "0", "--print"}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: --interval must be between 1 and 86400 seconds\n");
  CHECK(Parse({}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: --collector URL is required (or use --print)\n");
  CHECK(Parse({"--print", "--disable-collector", "nope"}, &out).exit_code == 2);
  CHECK(out.rfind("wardwatch-agent: unknown collector \"nope\"", 0) == 0);
  CHECK(Parse({"--bogus"}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: unrecognised option '--bogus' (see --help)\n");
}

TEST_CASE("an INI config file gives the same keys; the command line wins") {
  const std::string file = WARDWATCH_BINARY_DIR "/agent-test.conf";
  std::ofstream(file) << "# comment\ncollector = http://127.0.0.1:9\ninterval = 30\n"
                         "path.sysfs = /s\n";
  auto p = Parse({"--config", file.c_str(), "--interval", "5"});
  REQUIRE_FALSE(p.exit_now);
  CHECK(p.options.collector_url == "http://127.0.0.1:9");
  CHECK(p.options.interval_seconds == 5);
  CHECK(p.options.paths.sysfs == "/s");
  std::string out;
  CHECK(Parse({"--config", "/nonexistent.conf"}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: cannot read config file /nonexistent.conf\n");
}

// Boost.Program_options 1.74 loops forever building the error message for a token that holds
// one of its own placeholders (found by fuzz_config); such input is refused first.
TEST_CASE("a Boost message placeholder in a config file or argument is refused, not hung on") {
  const std::string file = WARDWATCH_BINARY_DIR "/agent-placeholder.conf";
  std::ofstream(file) << "# comment\ncollector = http://127.0.0.1:9\n"
                         "%original_token%interval = sixt*\n";
  std::string out;
  auto p = Parse({"--config", file.c_str()}, &out);
  CHECK(p.exit_code == 2);
  CHECK(out == "wardwatch-agent: config file " + file +
                   " line 3 contains \"%original_token%\", which no option or value may contain\n");
  CHECK(Parse({"--print", "--%value%"}, &out).exit_code == 2);
  CHECK(out ==
        "wardwatch-agent: argument 2 contains \"%value%\", which no option or value may contain\n");
  // Percent-encoded URLs are fine.
  CHECK_FALSE(Parse({"--collector", "http://127.0.0.1:9/a%e1%ba%bf%20b", "--print"}).exit_now);
}
