// traffic collector for Windows: who uses the line, from the TCP connection tables
// (GetExtendedTcpTable, IPv4 and IPv6, with owning pids) and per-connection byte counters
// (GetPerTcp(6)ConnectionEStats, switched on for each new connection; administrator only).
// Sampled every --apps-sample-interval seconds between reports and rolled into the same
// network.traffic section the libpcap collector fills (tcp_traffic.cpp). Where EStats is
// denied or not implemented (Wine) the section counts connections per application, host and
// port, and capture_error says why there are no bytes.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>

#include "collectors/apps.h"
#include "collectors/hardware_common.h"
#include "collectors/processes.h"
#include "collectors/tcp_connections_windows.h"
#include "collectors/tcp_traffic.h"
#include "collectors/traffic.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class WindowsTrafficCollector : public Collector {
 public:
  ~WindowsTrafficCollector() override {
    if (sampler_.joinable()) {
      sampler_.request_stop();
      wake_.notify_all();
    }
  }

  Status Collect(const CollectContext& ctx, Report& report) override {
    std::unique_lock lock(mu_);
    if (!meter_) {
      TcpTrafficOptions options;
      if (ctx.options) {
        for (const auto& s : ctx.options->office_subnets) {
          auto cidr = traffic::ParseCidr(s);
          if (!cidr) return MakeError("--office-subnet " + s + ": " + cidr.error());
          options.office_subnets.push_back(*cidr);
        }
        if (!ctx.options->capture_interfaces.empty() || !ctx.options->pcap_file.empty()) {
          ignored_ =
              "--capture-interface and --pcap-file are not read by the Windows agent (no "
              "libpcap): traffic comes from the TCP connection table";
        }
      }
      meter_.emplace(std::move(options));
      if (win::RunningUnderWine()) {
        SetUnavailable(EstatsVerdict::kNotImplemented,
                       "GetPerTcpConnectionEStats: not implemented by Wine");
      }
    }
    if (auto s = SampleLocked(); !s) return s;
    const std::string partial = std::exchange(partial_error_, "");
    const bool have_bytes = unavailable_.empty();
    report.network.traffic =
        meter_->TakeInterval(UnixNow(), have_bytes ? "tcp-estats" : "tcp-table", unavailable_);
    if (verdict_ == EstatsVerdict::kNeedsAdministrator) MarkNeedsPrivilege(report, "traffic");
    const bool once = ctx.options && ctx.options->once;
    const unsigned period = ctx.options ? ctx.options->apps_sample_seconds : 0;
    if (!once && !sampler_.joinable() && period > 0) {
      sampler_ = std::jthread(
          [this, period](std::stop_token stop) { SampleLoop(stop, std::chrono::seconds(period)); });
    }
    if (!partial.empty()) return MakeError(partial);
    if (!ignored_.empty()) return MakeError(ignored_);
    return Status::Ok();
  }

 private:
  void SetUnavailable(EstatsVerdict verdict, const std::string& error) {
    verdict_ = verdict;
    unavailable_ =
        verdict == EstatsVerdict::kNeedsAdministrator
            ? "per-connection bytes need administrator rights (" + error +
                  "); connections are counted"
            : "per-connection bytes are not available (" + error + "); connections are counted";
    // Said once: later reports carry it in traffic.capture_error, not in the log.
    std::cerr << "wardwatch-agent: traffic bytes unavailable: " << unavailable_ << std::endl;
  }

  // Switches counting on for a new connection and reads its counters, unless Windows already
  // said no for the whole process.
  template <class Row>
  void ReadBytes(const Row& row, TcpConnectionSample& sample) {
    if (verdict_ != EstatsVerdict::kAvailable) return;
    std::uint32_t code = 0;
    if (meter_->IsNew(sample)) {
      if (auto s = win::EnableTcpEstats(row, &code); !s) {
        const auto v = ClassifyEstatsError(code);
        if (v == EstatsVerdict::kNeedsAdministrator || v == EstatsVerdict::kNotImplemented) {
          SetUnavailable(v, s.error());
        }
        return;
      }
    }
    auto stats = win::ReadTcpEstats(row, &code);
    if (stats) {
      sample.stats = *stats;
    } else if (const auto v = ClassifyEstatsError(code);
               v == EstatsVerdict::kNeedsAdministrator || v == EstatsVerdict::kNotImplemented) {
      SetUnavailable(v, stats.error());
    }
  }

  Status SampleLocked() {
    auto v4 = win::ReadTcpConnectionsV4();
    auto v6 = win::ReadTcpConnectionsV6();
    if (!v4 && !v6) return MakeError(v4.error() + "; " + v6.error());
    std::vector<TcpConnectionSample> samples;
    auto add = [&](const auto& rows) {
      for (const auto& row : rows) {
        TcpConnectionSample s = SampleOf(row);
        if (!CountsAsTraffic(s)) continue;
        ReadBytes(row, s);
        samples.push_back(std::move(s));
      }
    };
    if (v4) add(*v4);
    if (v6) add(*v6);
    // Owners named as the apps collector names them (known-app table, else the image name).
    std::map<std::uint32_t, std::string> app_of_pid;
    const double now = UnixNow();
    if (auto sweep = SweepProcesses("", SweepOptions{}, now)) {
      for (const auto& p : sweep->processes) {
        app_of_pid[static_cast<std::uint32_t>(p.pid)] = AppNameFor(p.exe, p.comm);
      }
    }
    meter_->Observe(now, samples, app_of_pid);
    // One family failing (IPv6 off) leaves the other's connections; the report says which.
    if (!v4) partial_error_ = v4.error();
    if (!v6) partial_error_ = v6.error();
    return Status::Ok();
  }

  void SampleLoop(std::stop_token stop, std::chrono::seconds period) {
    std::unique_lock lock(mu_);
    while (!stop.stop_requested()) {
      wake_.wait_for(lock, stop, period, [] { return false; });
      if (stop.stop_requested()) break;
      (void)SampleLocked();  // a failed sample between reports is retried at report time
    }
  }

  std::mutex mu_;
  std::condition_variable_any wake_;
  std::optional<TcpTrafficMeter> meter_;
  EstatsVerdict verdict_ = EstatsVerdict::kAvailable;
  std::string unavailable_, ignored_, partial_error_;
  std::jthread sampler_;  // last member: joined before the state it uses is destroyed
};

}  // namespace

std::unique_ptr<Collector> NewTrafficCollector() {
  return std::make_unique<WindowsTrafficCollector>();
}

}  // namespace wardwatch::agent
