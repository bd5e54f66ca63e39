// The apps collector: sweeps processes (and asks the desktop for the focused window) at report
// time and, between reports, from its own sampling thread, then reports per-application usage
// for the interval. The object lives as long as the agent, so deltas span reports. The
// platform part is PrepareProcessSweep (apps_linux.cpp / apps_windows.cpp).
#include <chrono>
#include <mutex>

#include "collectors/apps.h"
#include "collectors/foreground.h"
#include "collectors/proc_events.h"
#include "options.h"
#include "periodic_worker.h"

namespace wardwatch::agent {
namespace {

constexpr double kReportSweepReuseSeconds = 0.25;

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
      OpenExecEvents(ctx);
    }
    // A sweep the sampling thread took a moment ago (its tick and the report coincide) serves
    // the report too.
    const bool stale = !last_sweep_ || UnixNow() - last_sweep_->time >= kReportSweepReuseSeconds;
    if (auto s = SampleLocked(stale); !s) return s;
    schema::SoftwareSection usage = meter_->TakeInterval();
    if (!report.software) report.software.emplace();
    auto& out = *report.software;
    out.interval_seconds = usage.interval_seconds;
    out.apps = std::move(usage.apps);
    out.process_count = usage.process_count;
    out.foreground_available = usage.foreground_available;
    out.foreground_unavailable_reason = std::move(usage.foreground_unavailable_reason);
    out.user_idle_seconds = usage.user_idle_seconds;
    out.starts_source = events_ ? "exec-events" : "sweeps";
    out.starts_note = events_note_;
    const bool once = ctx.options && ctx.options->once;
    if (!once && !sampler_.running() && meter_->config().sample_seconds > 0) {
      const auto period = std::chrono::duration_cast<PeriodicWorker::Clock::duration>(
          std::chrono::duration<double>(meter_->config().sample_seconds));
      sampler_.StartEvery(period, [this] {
        std::lock_guard sample_lock(mu_);
        const bool due = !last_sweep_ ||
                         SampleDue(last_sweep_->time, UnixNow(), meter_->config().sample_seconds);
        (void)SampleLocked(due);  // a failed sweep between reports is retried at report time
      });
    }
    return Status::Ok();
  }

 private:
  // The kernel's program-start announcements, on the live machine only (fixture trees in
  // tests have no kernel behind them) and not for --once (one sweep, no interval).
  void OpenExecEvents(const CollectContext& ctx) {
    if (procfs_ != "/proc" || (ctx.options && ctx.options->once)) {
      events_note_ = "one sweep only (--once or a fixture tree)";
      return;
    }
    auto events = OpenProcEvents(procfs_);
    if (!events) {
      // Reported with every report (software.starts_note), not logged: it is how the agent
      // runs, not a fault.
      events_note_ = events.error();
      return;
    }
    events_ = std::move(*events);
  }

  // Drains the start announcements, then sweeps if `do_sweep`.
  Status SampleLocked(bool do_sweep) {
    if (events_) {
      std::uint64_t lost = 0;
      for (const ExecEvent& e : events_->Drain(lost)) {
        meter_->Exec(e.pid, e.comm.empty() && e.exe.empty() ? "other" : AppNameFor(e.exe, e.comm));
      }
      events_lost_ += lost;
      if (lost > 0) events_note_ = std::to_string(events_lost_) + " announcements lost (overrun)";
    }
    if (!do_sweep) return Status::Ok();
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
  std::unique_ptr<ProcEvents> events_;  // null: starts from the sweeps only
  std::string events_note_;
  std::uint64_t events_lost_ = 0;
  PeriodicWorker sampler_;  // last member: stopped and joined before the state it uses goes
};

}  // namespace

std::unique_ptr<Collector> NewAppsCollector() { return std::make_unique<AppsCollector>(); }

}  // namespace wardwatch::agent
