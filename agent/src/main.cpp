// wardwatch-agent: collects this PC's health and usage and pushes it to the collector.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "agent.h"
#include "options.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop = true; }

void Log(const std::string& line) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::cerr << ts << " wardwatch-agent: " << line << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wardwatch::agent;
  ParsedOptions parsed = ParseOptions(argc, argv, std::cerr);
  if (parsed.exit_now) {
    if (parsed.exit_code == 0) std::cerr.flush();
    return parsed.exit_code;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);

  Agent agent(parsed.options);
  if (auto s = agent.Init(); !s) {
    Log(s.error());
    return 1;
  }
  const auto& o = agent.options();
  int rc = 0;
  auto next = std::chrono::steady_clock::now();
  while (!g_stop) {
    auto report = agent.Collect();
    if (!report) {
      Log(report.error());
      rc = 1;
    } else {
      for (const auto& c : report->collectors) {
        if (!c.success) Log("collector " + c.name + " failed: " + c.error);
      }
      if (o.print) {
        std::cout << wardwatch::EncodeReport(*report, /*pretty=*/true) << std::endl;
      } else if (auto s = agent.Send(*report); !s) {
        Log(s.error());
        rc = 1;
      } else {
        rc = 0;
      }
    }
    if (o.once) break;
    next += std::chrono::seconds(o.interval_seconds);
    while (!g_stop && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  curl_global_cleanup();
  return rc;
}
