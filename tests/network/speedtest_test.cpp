// The LAN speed test against a loopback server that speaks /api/v1/speedtest: byte counts,
// rates, short answers, refusals, and the collector's once-mode schedule.
#include "collectors/speedtest.h"

#include <doctest/doctest.h>

#include <cstdlib>

#include "loopback_servers.h"
#include "state.h"

using namespace wardwatch;
using namespace wardwatch::agent;
using wardwatch::testing::HttpServer;

namespace {

// GET /api/v1/speedtest?bytes=N streams N bytes (or `short_by` fewer); POST answers the count.
HttpServer::Handler SpeedtestHandler(std::uint64_t short_by = 0) {
  return [short_by](const std::string& method, const std::string& target, std::uint64_t body) {
    if (target.rfind("/api/v1/speedtest", 0) != 0) return std::make_pair(404, std::string("no"));
    if (method == "GET") {
      const auto q = target.find("bytes=");
      const std::uint64_t n = std::strtoull(target.c_str() + q + 6, nullptr, 10);
      return std::make_pair(200, std::string(n - short_by, 'x'));
    }
    return std::make_pair(200, "{\"bytes\":" + std::to_string(body) + "}");
  };
}

}  // namespace

TEST_CASE("speed test downloads and uploads the asked amount and reports rates") {
  HttpServer server("", 0, SpeedtestHandler());
  SpeedTestRequest r;
  r.collector_url = server.url();
  r.machine_token = "t";
  r.bytes = 4'000'000;
  auto result = RunSpeedTest(r);
  CHECK_MESSAGE(result.error.empty(), result.error);
  CHECK(result.bytes == 4'000'000);
  CHECK(result.download_bytes_per_second > 1e6);  // loopback: far above 1 MB/s
  CHECK(result.upload_bytes_per_second > 1e6);
  CHECK(result.target == server.url() + "/api/v1/speedtest");
  CHECK(server.requests() == 2);
}

TEST_CASE("speed test: a short download is an error, not a rate") {
  HttpServer server("", 0, SpeedtestHandler(/*short_by=*/10));
  SpeedTestRequest r;
  r.collector_url = server.url();
  r.bytes = 1'000'000;
  auto result = RunSpeedTest(r);
  CHECK(result.error.find("got 999990 of 1000000 bytes") != std::string::npos);
  CHECK(result.download_bytes_per_second == 0);
}

TEST_CASE("speed test: an HTTP refusal names the status") {
  HttpServer server("denied", 0, [](const std::string&, const std::string&, std::uint64_t) {
    return std::make_pair(401, std::string("machine token required"));
  });
  SpeedTestRequest r;
  r.collector_url = server.url();
  r.bytes = 1'000'000;
  auto result = RunSpeedTest(r);
  CHECK(result.error.find("HTTP 401: machine token required") != std::string::npos);
}

TEST_CASE("speedtest collector: runs once when allowed, then respects the daily limit") {
  HttpServer server("", 0, SpeedtestHandler());
  const std::string dir = wardwatch::testing::MakeTempDir();
  REQUIRE(WriteFileAtomic(dir + "/machine-token", "token\n").ok());
  SpeedTestConfig config;
  config.request.collector_url = server.url();
  config.request.bytes = 1'000'000;
  config.policy.per_day = 1;  // no peak hours: allowed now
  config.state_dir = dir;
  config.run_on_first_collect = true;
  {
    auto c = NewSpeedtestCollector(config);
    Report r;
    REQUIRE(c->Collect(CollectContext{}, r).ok());
    REQUIRE(r.network.speedtest.has_value());
    CHECK_MESSAGE(r.network.speedtest->error.empty(), r.network.speedtest->error);
    CHECK(r.network.speedtest->download_bytes_per_second > 0);
    CHECK(server.requests() == 2);
  }
  {
    // A restarted agent reads the run from speedtest-runs: no second test today.
    auto c = NewSpeedtestCollector(config);
    Report r;
    REQUIRE(c->Collect(CollectContext{}, r).ok());
    CHECK_FALSE(r.network.speedtest.has_value());
    CHECK(server.requests() == 2);
  }
  {
    // Inside peak hours nothing runs either.
    const std::string dir2 = wardwatch::testing::MakeTempDir();
    REQUIRE(WriteFileAtomic(dir2 + "/machine-token", "token\n").ok());
    config.state_dir = dir2;
    config.policy.peak = *ParsePeakHours("00:00-24:00");
    auto c = NewSpeedtestCollector(config);
    Report r;
    REQUIRE(c->Collect(CollectContext{}, r).ok());
    CHECK_FALSE(r.network.speedtest.has_value());
    CHECK(server.requests() == 2);
  }
}
