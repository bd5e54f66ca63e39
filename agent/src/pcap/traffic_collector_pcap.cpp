// traffic collector with libpcap, in libwardwatch-pcap.so (traffic_plugin.h): live capture on
// --capture-interface on a thread the collector owns (summarised at each Collect), or the
// whole --pcap-file analysed at the first Collect. Without capture permission it says so once
// on stderr, reports the reason in traffic.capture_error, and the other collectors run on.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "options.h"
#include "pcap/traffic_convert.h"
#include "pcap/traffic_plugin.h"
#include "wardwatch/traffic/capture.h"
#include "wardwatch/traffic/monitor.h"

namespace wardwatch::agent {
namespace {

Result<traffic::AnalyzerOptions> AnalyzerOptionsFrom(const AgentOptions& o) {
  traffic::AnalyzerOptions a;
  for (const auto& s : o.office_subnets) {
    auto cidr = traffic::ParseCidr(s);
    if (!cidr) return MakeError("--office-subnet " + s + ": " + cidr.error());
    a.office_subnets.push_back(*cidr);
  }
  std::vector<traffic::Cidr> local;
  for (const auto& s : o.local_nets) {
    auto cidr = traffic::ParseCidr(s);
    if (!cidr) return MakeError("--local-net " + s + ": " + cidr.error());
    local.push_back(*cidr);
  }
  if (local.empty()) {
    auto sys = traffic::LocalAddressesFromSystem();
    if (!sys) return MakeError(sys.error());
    a.local = *sys;
  } else {
    a.local = traffic::AddressSet(std::move(local));
  }
  return a;
}

class TrafficCollector : public Collector {
 public:
  ~TrafficCollector() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  Status Collect(const CollectContext& ctx, Report& report) override {
    if (!started_) {
      started_ = true;
      if (ctx.options == nullptr) return Status::Ok();
      const AgentOptions& o = *ctx.options;
      if (o.capture_interfaces.empty() && o.pcap_file.empty()) return Status::Ok();
      auto options = AnalyzerOptionsFrom(o);
      if (!options) {
        setup_error_ = options.error();
        return MakeError(setup_error_);
      }
      active_ = true;
      if (!o.pcap_file.empty()) {
        file_ = o.pcap_file;
        file_options_ = std::move(*options);
      } else {
        StartLive(o, std::move(*options));
      }
    }
    if (!active_) return setup_error_.empty() ? Status::Ok() : MakeError(setup_error_);
    if (!file_.empty()) return CollectFile(report);
    std::lock_guard lock(mu_);
    schema::Traffic t;
    if (monitor_ && monitor_->open_interfaces() > 0) {
      t = totals_.Add(monitor_->Summarize(), source_);
    } else {
      t.source = source_;
    }
    t.capture_error = capture_error_;
    report.network.traffic = std::move(t);
    return Status::Ok();
  }

 private:
  Status CollectFile(Report& report) {
    if (file_done_) return Status::Ok();  // the file was reported once
    file_done_ = true;
    auto s = traffic::AnalyzeFile(file_, std::move(file_options_));
    if (!s) return MakeError(s.error());
    const auto slash = file_.find_last_of('/');
    report.network.traffic =
        totals_.Add(*s, "file:" + (slash == std::string::npos ? file_ : file_.substr(slash + 1)));
    return Status::Ok();
  }

  void StartLive(const AgentOptions& o, traffic::AnalyzerOptions options) {
    traffic::LiveOptions live;
    live.interfaces = o.capture_interfaces;
    live.bpf_filter = o.capture_filter;
    source_ = "live:";
    for (const auto& iface : o.capture_interfaces) {
      source_ += (source_.size() > 5 ? "," : "") + iface;
    }
    // Application attribution through /proc/net and /proc/PID/fd.
    socket_table_ =
        std::make_unique<traffic::SocketTableLinux>(traffic::SocketTableOptions{o.paths.procfs});
    options.resolver = socket_table_->AsResolver();
    monitor_ = std::make_unique<traffic::TrafficMonitor>(std::move(live), std::move(options));
    auto errors = monitor_->TakeNewErrors();
    if (!errors.empty()) {
      capture_error_ = errors.front();
      // Said once: later reports carry it in traffic.capture_error, not in the log.
      std::cerr << "wardwatch-agent: traffic capture unavailable: " << capture_error_
                << (traffic::IsPermissionError(capture_error_)
                        ? " (interface counters and probes keep running)"
                        : "")
                << std::endl;
    }
    if (monitor_->open_interfaces() == 0) return;
    thread_ = std::thread([this] { Loop(); });
  }

  // The kernel buffers 4 MiB per interface (about half a second of a full 100 Mb/s line at
  // the full snaplen); polling every 50 ms keeps well inside it.
  void Loop() {
    while (!stop_) {
      {
        std::lock_guard lock(mu_);
        monitor_->Poll();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  bool started_ = false, active_ = false, file_done_ = false;
  std::string setup_error_, file_, source_, capture_error_;
  traffic::AnalyzerOptions file_options_;
  TrafficAccumulator totals_;
  std::mutex mu_;
  std::unique_ptr<traffic::SocketTableLinux> socket_table_;
  std::unique_ptr<traffic::TrafficMonitor> monitor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

namespace pcap {
std::unique_ptr<Collector> NewPcapTrafficCollector() {
  return std::make_unique<TrafficCollector>();
}
}  // namespace pcap

}  // namespace wardwatch::agent
