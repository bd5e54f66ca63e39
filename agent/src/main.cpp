// wardwatch-agent: collects this PC's health and usage and pushes it to the collector.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <iostream>
#include <map>

#include "agent.h"
#include "http_client.h"
#include "options.h"
#include "platform.h"

namespace {

std::atomic<bool> g_stop{false};

void Log(const std::string& line) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::cerr << ts << " wardwatch-agent: " << line << std::endl;
}

// Parses the options and runs until `stop` (signals, or the Windows service being stopped).
int RunAgent(int argc, char** argv, std::atomic<bool>& stop) {
  using namespace wardwatch::agent;
  ParsedOptions parsed = ParseOptions(argc, argv, std::cerr);
  if (parsed.exit_now) {
    if (parsed.exit_code == 0) std::cerr.flush();
    return parsed.exit_code;
  }
  HttpGlobal http_global;

  Agent agent(parsed.options);
  if (auto s = agent.Init(); !s) {
    Log(s.error());
    return 1;
  }
  const auto& o = agent.options();
  int rc = 0;
  std::map<std::string, std::string> last_collector_error;
  std::string last_delivery_error;
  auto next_collect = std::chrono::steady_clock::now();
  while (!stop) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_collect) {
      next_collect += std::chrono::seconds(o.interval_seconds);
      auto report = agent.Collect();
      if (!report) {
        Log(report.error());
        rc = 1;
      } else {
        // A collector's failure is logged when it starts or changes, not every interval.
        for (const auto& c : report->collectors) {
          auto& last = last_collector_error[c.name];
          if (!c.success && c.error != last) Log("collector " + c.name + " failed: " + c.error);
          if (c.success && !last.empty()) Log("collector " + c.name + " works again");
          last = c.success ? "" : c.error;
        }
        // Said once per run, not every interval: which signals this account cannot read.
        if (static bool said = false;
            !said && report->hardware && !report->hardware->needs_privilege.empty()) {
          std::string names;
          for (const auto& n : report->hardware->needs_privilege) names += " " + n;
          Log("without root these signals are not collected (see docs/hardware.md):" + names);
          said = true;
        }
        if (o.print) {
          std::cout << wardwatch::EncodeReport(*report, /*pretty=*/true) << std::endl;
        } else if (auto s = agent.Submit(*report); !s) {
          Log("report " + std::to_string(report->sequence) + " could not be spooled: " + s.error());
          rc = 1;
        }
      }
    }
    if (!o.print) {
      agent.Pump(/*force=*/o.once);
      const std::string& err = agent.delivery_stats().last_error;
      if (err != last_delivery_error && !err.empty()) Log(err);
      last_delivery_error = err;
      if (o.once) {
        if (agent.pending() > 0) {
          Log(std::to_string(agent.pending()) +
              " report(s) kept in the spool; they are sent when the collector is reachable");
          rc = 1;
        }
      }
    }
    if (o.once) break;
    ReleaseFreeMemory();  // what this round's report freed, before sleeping until the next
    auto wake = next_collect;
    if (!o.print && agent.pending() > 0) wake = std::min(wake, agent.next_delivery());
    // Wakes at once on a stop request. Polling a flag every 100 ms was a quarter of the
    // agent's CPU time on an idle PC (perf, bench/README.md "footprint").
    SleepUntilStop(wake, stop);
  }
  if (auto s = agent.Close(); !s) {
    Log(s.error());
    rc = 1;
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wardwatch::agent;
  if (auto rc = RunPlatformCommand(argc, argv, &RunAgent)) return *rc;
  InstallStopHandlers(&g_stop);
  return RunAgent(argc, argv, g_stop);
}
