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

// Boost.Program_options 1.74 loops forever building the error message for input that holds one
// of its own placeholders (found twice by fuzz_config); with a '%' in the input the message is
// built from the option's name instead.
TEST_CASE("a Boost message placeholder in a config file or argument gives an error, not a hang") {
  const std::string file = WARDWATCH_BINARY_DIR "/agent-placeholder.conf";
  std::string out;
  std::ofstream(file) << "# comment\ncollector = http://127.0.0.1:9\n"
                         "%original_token%interval = sixt*\n";
  CHECK(Parse({"--config", file.c_str()}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: unrecognised option '%original_token%interval' (see --help)\n");
  std::ofstream(file) << "collector = http://127.0.0.1:9\n>>%invalid_line%>>\n";
  CHECK(Parse({"--config", file.c_str()}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: a config file line is not \"key = value\" (see --help)\n");
  CHECK(Parse({"--print", "--%value%"}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: unrecognised option '--%value%' (see --help)\n");
  CHECK(Parse({"--print", "--interval", "%value%"}, &out).exit_code == 2);
  CHECK(out == "wardwatch-agent: invalid value for option '--interval' (see --help)\n");
  // Percent-encoded URLs are fine.
  CHECK_FALSE(Parse({"--collector", "http://127.0.0.1:9/a%e1%ba%bf%20b", "--print"}).exit_now);
}
