// speedtest collector: runs the LAN speed test (RunSpeedTest, speedtest_linux.cpp with libcurl,
// speedtest_windows.cpp with WinHTTP) on a background worker that checks the schedule at
// random minutes, so a fleet of PCs does not start its tests together, and reports the last
// result. The times of past tests survive restarts in <state-dir>/speedtest-runs.
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>

#include "collectors/speedtest.h"
#include "fsutil.h"
#include "options.h"
#include "periodic_worker.h"
#include "state.h"

namespace wardwatch::agent {
namespace {

class SpeedtestCollector : public Collector {
 public:
  SpeedtestCollector() = default;
  explicit SpeedtestCollector(SpeedTestConfig config) { Configure(std::move(config)); }

  Status Collect(const CollectContext& ctx, Report& report) override {
    if (!configured_) {
      if (ctx.options == nullptr) return MakeError("speedtest: no agent options");
      auto config = SpeedTestConfigFromOptions(*ctx.options);
      if (!config) return MakeError(config.error());
      Configure(std::move(*config));
    }
    if (config_.request.collector_url.empty()) return Status::Ok();  // --print without collector
    if (first_collect_) {
      first_collect_ = false;
      if (config_.run_on_first_collect) {
        MaybeRun();
      } else {
        // Every 2 to 10 minutes, at random, the schedule is checked.
        worker_.Start(
            [this] {
              std::uniform_int_distribution<int> wait_seconds(120, 600);
              return PeriodicWorker::Clock::now() + std::chrono::seconds(wait_seconds(rng_));
            },
            [this] { MaybeRun(); });
      }
    }
    std::lock_guard lock(mu_);
    if (last_) report.network.speedtest = *last_;
    return Status::Ok();
  }

 private:
  void Configure(SpeedTestConfig config) {
    config_ = std::move(config);
    runs_path_ = config_.state_dir.empty() ? "" : config_.state_dir + "/speedtest-runs";
    if (!runs_path_.empty()) {
      if (auto text = ReadFile(runs_path_, 64 << 10)) {
        for (auto line : SplitLines(*text)) {
          if (auto t = ParseI64(Trim(line))) runs_.push_back(*t);
        }
      }
    }
    configured_ = true;
  }

  // Runs a test if the schedule allows it now; returns whether it ran.
  bool MaybeRun() {
    const std::time_t now = std::time(nullptr);
    std::tm local = LocalTimeOf(now);
    const int minute = local.tm_hour * 60 + local.tm_min;
    local.tm_hour = local.tm_min = local.tm_sec = 0;
    const std::time_t day_start = std::mktime(&local);
    if (!SpeedTestDue(config_.policy, runs_, now, day_start, minute)) return false;
    SpeedTestRequest request = config_.request;
    if (request.machine_token.empty()) {
      auto token = ReadTrimmed(config_.state_dir + "/machine-token");
      if (!token || token->empty()) return false;  // not enrolled yet: the collector would refuse
      request.machine_token = *token;
    }
    request.cancelled = [this] { return worker_.stopping(); };
    runs_.push_back(now);
    if (runs_.size() > 64) runs_.erase(runs_.begin(), runs_.end() - 64);
    if (!runs_path_.empty()) {
      std::string text;
      for (auto t : runs_) text += std::to_string(t) + "\n";
      (void)WriteFileAtomic(runs_path_, text);  // best effort: a lost file allows an extra test
    }
    schema::SpeedTest result = RunSpeedTest(request);
    std::lock_guard lock(mu_);
    last_ = std::move(result);
    return true;
  }

  SpeedTestConfig config_;
  bool configured_ = false, first_collect_ = true;
  std::string runs_path_;
  std::vector<std::int64_t> runs_;
  std::mt19937_64 rng_{std::random_device{}()};  // the worker's waits
  std::mutex mu_;                                // last_: written by a run, read by Collect
  std::optional<schema::SpeedTest> last_;
  PeriodicWorker worker_;  // last member: stopped and joined before the state it uses goes
};

}  // namespace

std::unique_ptr<Collector> NewSpeedtestCollector() {
  return std::make_unique<SpeedtestCollector>();
}
std::unique_ptr<Collector> NewSpeedtestCollector(SpeedTestConfig config) {
  return std::make_unique<SpeedtestCollector>(std::move(config));
}

}  // namespace wardwatch::agent
