// speedtest: a LAN throughput test against the collector (/api/v1/speedtest): download then
// upload a bounded amount, only outside peak hours and at most a few times a day, on a
// background thread the collector owns. The last result is reported with its time.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

inline constexpr std::uint64_t kMaxSpeedTestBytes = 100'000'000;

struct PeakRange {
  int start_minute = 0, end_minute = 0;  // minutes after local midnight, [start, end)
};

// "07:30-11:30,13:30-17:00" (local time); "" = no peak hours. A range may wrap midnight.
Result<std::vector<PeakRange>> ParsePeakHours(std::string_view text);
bool InPeakHours(const std::vector<PeakRange>& peak, int minute_of_day);

struct SpeedTestPolicy {
  std::vector<PeakRange> peak;
  unsigned per_day = 3;
  std::int64_t min_gap_seconds = 2 * 3600;
};

// Whether a test may start now. `runs` are the Unix times of earlier tests; `day_start` is the
// Unix time of this local day's midnight.
bool SpeedTestDue(const SpeedTestPolicy& policy, const std::vector<std::int64_t>& runs,
                  std::int64_t now, std::int64_t day_start, int minute_of_day);

struct SpeedTestRequest {
  std::string collector_url;  // base URL, e.g. http://127.0.0.1:9477
  std::string machine_token;
  std::uint64_t bytes = 20'000'000;
  std::string ca_file;
  double timeout_seconds = 300;
  std::function<bool()> cancelled;  // polled during transfers: true aborts (agent shutdown)
};

// Downloads then uploads request.bytes; the result carries an error instead of rates when
// either direction failed or came back short. Rates leave out connection set-up: bytes over
// the time from the request being sent to the last byte (download) or to the collector's
// answer (upload). Platform files: speedtest_linux.cpp (POSIX sockets), speedtest_windows.cpp
// (WinHTTP).
schema::SpeedTest RunSpeedTest(const SpeedTestRequest& request);

// The local calendar time of `t` (localtime_r / localtime_s).
std::tm LocalTimeOf(std::time_t t);

struct SpeedTestConfig {
  SpeedTestRequest request;
  SpeedTestPolicy policy;
  std::string state_dir;              // machine token and the times of past tests (speedtest-runs)
  bool run_on_first_collect = false;  // --once: test inside Collect when the policy allows
};

Result<SpeedTestConfig> SpeedTestConfigFromOptions(const AgentOptions& options);

// Off by default: the packaged config turns it on (--enable-collector speedtest).
std::unique_ptr<Collector> NewSpeedtestCollector();
std::unique_ptr<Collector> NewSpeedtestCollector(SpeedTestConfig config);

}  // namespace wardwatch::agent
