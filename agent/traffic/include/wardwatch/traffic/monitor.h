// TrafficMonitor: live capture on the configured interfaces feeding one analyzer, polled from
// the agent's loop without blocking. An interface that cannot be opened (no CAP_NET_RAW, no
// such device) is reported once through TakeNewErrors() and skipped; the rest carries on.
#pragma once

#include <string>
#include <vector>

#include "wardwatch/traffic/analyzer.h"
#include "wardwatch/traffic/capture.h"

namespace wardwatch::traffic {

class TrafficMonitor {
 public:
  TrafficMonitor(LiveOptions live, AnalyzerOptions analysis);

  // Reads whatever packets are waiting on every open interface (never blocks). At most
  // `max_packets_per_interface` per call keep one poll short under a flood.
  void Poll(int max_packets_per_interface = 10000);

  // The interval's summary, with cumulative pcap_stats summed over the open interfaces.
  TrafficSummary Summarize();

  // Errors not yet handed out (each is returned exactly once), e.g.
  // "packet capture needs CAP_NET_RAW ...: cannot open eth0: ...".
  std::vector<std::string> TakeNewErrors();

  std::size_t open_interfaces() const { return sources_.size(); }

 private:
  TrafficAnalyzer analyzer_;
  std::vector<CaptureSource> sources_;
  std::vector<std::string> errors_;
  std::size_t errors_taken_ = 0;
};

}  // namespace wardwatch::traffic
