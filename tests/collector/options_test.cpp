// Tests the collector's command line: defaults, --listen parsing, required and invalid options.
#include "options.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace wardwatch::collector;

TEST_CASE("defaults and required --data-dir") {
  const char* ok[] = {"wardwatch-collector", "--data-dir", "/tmp/x"};
  auto parsed = ParseServeArgs(3, ok);
  REQUIRE(parsed.ok());
  CHECK(parsed->config.listen_address == "127.0.0.1");
  CHECK(parsed->config.listen_port == 9477);
  CHECK(parsed->config.max_body_bytes == 4 * 1024 * 1024);
  CHECK(parsed->config.threads == 2);
  CHECK(parsed->config.queue_capacity == 10000);

  const char* missing[] = {"wardwatch-collector"};
  auto bad = ParseServeArgs(1, missing);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "--data-dir is required");
}

TEST_CASE("--help lists every option with its default") {
  const char* help[] = {"wardwatch-collector", "--help"};
  auto parsed = ParseServeArgs(2, help);
  REQUIRE(parsed.ok());
  CHECK(parsed->help);
  for (const char* opt :
       {"--listen", "--data-dir", "--enroll-token", "--api-token", "--site", "--max-body-bytes",
        "--threads", "--config", "--ingest-queue", "127.0.0.1:9477", "4194304"}) {
    CAPTURE(opt);
    CHECK(parsed->help_text.find(opt) != std::string::npos);
  }
}

TEST_CASE("--listen forms") {
  struct Case {
    const char* text;
    bool ok;
    const char* address;
    unsigned port;
  };
  const Case cases[] = {{"127.0.0.1:9477", true, "127.0.0.1", 9477},
                        {"[::1]:80", true, "::1", 80},
                        {":9000", true, "0.0.0.0", 9000},
                        {"127.0.0.1", false, "", 0},
                        {"127.0.0.1:99999", false, "", 0},
                        {"127.0.0.1:abc", false, "", 0}};
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string address;
    std::uint16_t port = 0;
    auto s = ParseListen(c.text, address, port);
    CHECK(s.ok() == c.ok);
    if (c.ok) {
      CHECK(address == c.address);
      CHECK(port == c.port);
    }
  }
}

TEST_CASE("--config INI file with the same keys; the command line wins") {
  const auto path = std::filesystem::temp_directory_path() / "wardwatch-collector-test.ini";
  {
    std::ofstream ini(path);
    ini << "data-dir = /tmp/from-ini\nsite = ward-7\nthreads = 4\n";
  }
  const std::string p = path.string();
  const char* argv[] = {"wardwatch-collector", "--config", p.c_str(), "--threads", "3"};
  auto parsed = ParseServeArgs(5, argv);
  std::filesystem::remove(path);
  REQUIRE(parsed.ok());
  CHECK(parsed->config.data_dir == "/tmp/from-ini");
  CHECK(parsed->config.site == "ward-7");
  CHECK(parsed->config.threads == 3);

  const char* bad[] = {"wardwatch-collector", "--data-dir", "/x", "--threads", "0"};
  auto r = ParseServeArgs(5, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "--threads must be between 1 and 64");
}

TEST_CASE("a Boost message placeholder in --config or an argument gives an error, not a hang") {
  const auto path = std::filesystem::temp_directory_path() / "wardwatch-collector-placeholder.ini";
  std::ofstream(path) << "data-dir = /tmp/x\nthreads = %value%\n";
  const std::string p = path.string();
  const char* argv[] = {"wardwatch-collector", "--config", p.c_str()};
  auto parsed = ParseServeArgs(3, argv);
  std::filesystem::remove(path);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "invalid value for option 'threads'");
  const char* bad[] = {"wardwatch-collector", "--data-dir", "/x", "--%original_token%"};
  auto r = ParseServeArgs(4, bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "unrecognised option '--%original_token%'");
}
