// The apps collector: sweeps processes (and asks the desktop for the focused window) at report
// time and, between reports, from its own sampling thread, then reports per-application usage
// for the interval. The object lives as long as the agent, so deltas span reports. The
// platform part is PrepareProcessSweep (apps_linux.cpp / apps_windows.cpp).
#include <chrono>
#include <mutex>

#include "collectors/apps.h"
#include "collectors/foreground.h"
#include "options.h"
#include "periodic_worker.h"

namespace wardwatch::agent {
namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class AppsCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    std::unique_lock lock(mu_);
    if (!meter_) {
      AppsConfig config;
      if (ctx.options) {
        auto c = AppsConfigFromOptions(*ctx.options);
        if (!c) return MakeError(c.error());
        config = std::move(*c);
      }
      auto setup = PrepareProcessSweep(ctx);
      if (!setup) return MakeError(setup.error());  // retried at the next report
      procfs_ = std::move(setup->procfs);
      sweep_options_ = setup->options;
      meter_.emplace(std::move(config));
      probe_ = NewForegroundProbe("", ctx.options ? ctx.options->session_dir : "");
    }
    if (auto s = SampleLocked(); !s) return s;
    schema::SoftwareSection usage = meter_->TakeInterval();
    if (!report.software) report.software.emplace();
    auto& out = *report.software;
    out.interval_seconds = usage.interval_seconds;
    out.apps = std::move(usage.apps);
    out.process_count = usage.process_count;
    out.foreground_available = usage.foreground_available;
    out.foreground_unavailable_reason = std::move(usage.foreground_unavailable_reason);
    out.user_idle_seconds = usage.user_idle_seconds;
    const bool once = ctx.options && ctx.options->once;
    if (!once && !sampler_.running() && meter_->config().sample_seconds > 0) {
      const auto period = std::chrono::duration_cast<PeriodicWorker::Clock::duration>(
          std::chrono::duration<double>(meter_->config().sample_seconds));
      sampler_.StartEvery(period, [this] {
        std::lock_guard sample_lock(mu_);
        (void)SampleLocked();  // a failed sweep between reports is retried at report time
      });
    }
    return Status::Ok();
  }

 private:
  Status SampleLocked() {
    auto sweep =
        SweepProcesses(procfs_, sweep_options_, UnixNow(), last_sweep_ ? &*last_sweep_ : nullptr);
    if (!sweep) return MakeError(sweep.error());
    meter_->Observe(*sweep, probe_->Sample());
    last_sweep_ = std::move(*sweep);  // its exe paths save the next sweep a readlink each
    return Status::Ok();
  }

  std::mutex mu_;
  std::optional<UsageMeter> meter_;
  std::string procfs_;
  SweepOptions sweep_options_;
  std::optional<ProcessSweep> last_sweep_;
  std::unique_ptr<ForegroundProbe> probe_;
  PeriodicWorker sampler_;  // last member: stopped and joined before the state it uses goes
};

}  // namespace

std::unique_ptr<Collector> NewAppsCollector() { return std::make_unique<AppsCollector>(); }

}  // namespace wardwatch::agent
