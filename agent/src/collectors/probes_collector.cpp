// probes collector (every platform): one background worker per collector object probes each
// target at random offsets within every interval through the platform's RunProbe, and each
// report carries the attempts, failures and phase summaries since the last one.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <random>

#include "collectors/probes.h"
#include "options.h"
#include "periodic_worker.h"

namespace wardwatch::agent {
namespace {

using Clock = std::chrono::steady_clock;

// Samples of one phase in the current interval. Count, sum and max are exact; quantiles come
// from at most kMaxSamples retained values.
struct PhaseAccumulator {
  static constexpr std::size_t kMaxSamples = 4096;
  std::vector<double> samples;
  std::uint64_t count = 0;
  double sum = 0, max = 0;
  void Add(double v) {
    ++count;
    sum += v;
    max = std::max(max, v);
    if (samples.size() < kMaxSamples) samples.push_back(v);
  }
};

struct TargetState {
  ProbeSpec spec;
  std::uint64_t attempts_total = 0, failures_total = 0, attempts = 0, failures = 0;
  std::map<std::string, PhaseAccumulator> phases;
  std::string last_error;
};

const char* const kPhaseOrder[] = {"dns", "connect", "tls", "first_byte", "total"};

class ProbesCollector : public Collector {
 public:
  ProbesCollector() = default;
  explicit ProbesCollector(ProbeConfig config) { Configure(std::move(config)); }

  Status Collect(const CollectContext& ctx, Report& report) override {
    if (!configured_) {
      if (ctx.options == nullptr) return MakeError("probes: no agent options to read targets from");
      auto config = ProbeConfigFromOptions(*ctx.options);
      if (!config) return MakeError(config.error());
      Configure(std::move(*config));
    }
    if (config_.targets.empty()) return Status::Ok();
    if (first_collect_) {
      first_collect_ = false;
      if (config_.probe_on_first_collect) {
        for (std::size_t i = 0; i < config_.targets.size(); ++i) Record(i, Probe(i));
      } else {
        worker_.Start([this] { return NextProbeTime(); }, [this] { ProbeNext(); });
      }
    }
    std::lock_guard lock(mu_);
    for (auto& t : targets_) {
      schema::ProbeTarget out;
      out.name = t.spec.name;
      out.kind = t.spec.kind;
      out.url = t.spec.url;
      out.attempts_total = t.attempts_total;
      out.failures_total = t.failures_total;
      out.attempts = std::exchange(t.attempts, 0);
      out.failures = std::exchange(t.failures, 0);
      out.last_error = t.last_error;
      for (const char* phase : kPhaseOrder) {
        auto it = t.phases.find(phase);
        if (it == t.phases.end() || it->second.count == 0) continue;
        auto& acc = it->second;
        out.phases.push_back(
            SummarizePhase(phase, std::move(acc.samples), acc.count, acc.sum, acc.max));
      }
      t.phases.clear();
      report.network.probes.push_back(std::move(out));
    }
    return Status::Ok();
  }

 private:
  void Configure(ProbeConfig config) {
    config_ = std::move(config);
    config_.per_interval = std::max(1u, config_.per_interval);
    for (const auto& spec : config_.targets) targets_.push_back(TargetState{spec});
    rng_.seed(config_.seed ? config_.seed : std::random_device{}());
    configured_ = true;
  }

  // On the worker thread, or in the first Collect when there is no worker: never both.
  ProbeSample Probe(std::size_t i) {
    if (!session_) session_ = NewProbeSession();
    return RunProbe(config_.targets[i], config_.run, session_.get());
  }

  void Record(std::size_t i, const ProbeSample& s) {
    std::lock_guard lock(mu_);
    TargetState& t = targets_[i];
    ++t.attempts;
    ++t.attempts_total;
    if (!s.ok) {
      ++t.failures;
      ++t.failures_total;
      t.last_error = s.error;
      return;
    }
    for (const auto& [phase, seconds] : s.phases) t.phases[phase].Add(seconds);
  }

  // Each round lasts one interval; every target is probed per_interval times at uniformly
  // random offsets, so probes from many PCs do not line up on the same second. The worker
  // asks for the next probe's time, waits, and calls ProbeNext; both run on its thread only.
  Clock::time_point NextProbeTime() {
    if (next_ == plan_.size()) PlanRound();
    return round_start_ + plan_[next_].first;
  }

  void ProbeNext() {
    const std::size_t i = plan_[next_++].second;
    Record(i, Probe(i));
  }

  void PlanRound() {
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(config_.interval_seconds));
    const auto now = Clock::now();
    if (!planned_) {
      round_start_ = now;
      planned_ = true;
    } else {
      round_start_ += interval;
      // A round that overran (slow timeouts) starts the next one now rather than bursting.
      if (round_start_ < now) round_start_ = now;
    }
    std::uniform_real_distribution<double> offset(0, 1);
    plan_.clear();
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      for (unsigned k = 0; k < config_.per_interval; ++k) {
        plan_.emplace_back(std::chrono::duration_cast<Clock::duration>(interval * offset(rng_)), i);
      }
    }
    std::sort(plan_.begin(), plan_.end());
    next_ = 0;
  }

  ProbeConfig config_;
  bool configured_ = false, first_collect_ = true;
  std::mt19937_64 rng_;
  std::mutex mu_;  // targets_: probed on the worker, read and reset by Collect
  std::vector<TargetState> targets_;
  // The current round, on the worker thread only.
  Clock::time_point round_start_;
  bool planned_ = false;
  std::vector<std::pair<Clock::duration, std::size_t>> plan_;
  std::size_t next_ = 0;
  std::unique_ptr<ProbeSession> session_;  // the worker's (or the first Collect's)
  PeriodicWorker worker_;  // last member: stopped and joined before the state it uses goes
};

}  // namespace

std::unique_ptr<Collector> NewProbesCollector() { return std::make_unique<ProbesCollector>(); }
std::unique_ptr<Collector> NewProbesCollector(ProbeConfig config) {
  return std::make_unique<ProbesCollector>(std::move(config));
}

}  // namespace wardwatch::agent
