// Live capture over several interfaces into one analyzer; errors reported once.
#include "wardwatch/traffic/monitor.h"

namespace wardwatch::traffic {

TrafficMonitor::TrafficMonitor(LiveOptions live, AnalyzerOptions analysis)
    : analyzer_(std::move(analysis)) {
  for (const auto& name : live.interfaces) {
    auto src = CaptureSource::OpenLive(name, live);
    if (src) {
      sources_.push_back(std::move(*src));
    } else {
      errors_.push_back(src.error());
    }
  }
}

void TrafficMonitor::Poll(int max_packets_per_interface) {
  for (auto it = sources_.begin(); it != sources_.end();) {
    auto n = it->Dispatch(analyzer_, max_packets_per_interface);
    if (!n) {
      // The interface went away (unplugged USB adapter, VPN down): say so once, stop polling it.
      errors_.push_back(n.error());
      it = sources_.erase(it);
    } else {
      ++it;
    }
  }
}

TrafficSummary TrafficMonitor::Summarize() {
  Poll();
  TrafficSummary s = analyzer_.Summarize();
  if (!sources_.empty()) {
    CaptureStats total;
    for (auto& src : sources_) {
      if (auto st = src.Stats()) {
        total.received += st->received;
        total.dropped += st->dropped;
        total.interface_dropped += st->interface_dropped;
      }
    }
    s.capture = total;
  }
  return s;
}

std::vector<std::string> TrafficMonitor::TakeNewErrors() {
  std::vector<std::string> out(errors_.begin() + static_cast<std::ptrdiff_t>(errors_taken_),
                               errors_.end());
  errors_taken_ = errors_.size();
  return out;
}

}  // namespace wardwatch::traffic
