// Capture sources over libpcap: an offline pcap file and live capture on named interfaces.
// pcap_t is owned through RAII; live capture is non-blocking so that the agent's loop polls it.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wardwatch/result.h"
#include "wardwatch/traffic/analyzer.h"
#include "wardwatch/traffic/summary.h"

namespace wardwatch::traffic {

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

// 640 bytes: the largest headers (Ethernet + 2 VLAN tags + IPv6 + TCP with options: ~150) plus
// a classic 512-byte DNS response fit whole, and a TLS ClientHello's server name is usually in
// its first 500 bytes. Payload past that is never needed, and a smaller snaplen keeps the
// kernel ring buffer holding more packets.
inline constexpr int kDefaultSnaplen = 640;

struct LiveOptions {
  std::vector<std::string> interfaces;  // e.g. {"eth0"}; "any" captures all (Linux cooked)
  std::string bpf_filter;               // empty = everything (the analyzer ignores non-IP)
  int snaplen = kDefaultSnaplen;
  // Kernel ring buffer per interface: 4 MiB holds ~6000 full-snaplen packets, about half a
  // second of a saturated 100 Mb/s line between two polls.
  int buffer_bytes = 4 << 20;
  int timeout_ms = 200;  // how long the kernel batches packets before handing them over
  bool promiscuous = false;
};

// One opened capture (a file or one interface).
class CaptureSource {
 public:
  // Opens a pcap or pcapng file.
  static Result<CaptureSource> OpenFile(const std::string& path);
  // Opens one interface for non-blocking capture. Without the privilege the error says
  // "packet capture needs CAP_NET_RAW ..." (the agent prints it once and runs on without traffic).
  static Result<CaptureSource> OpenLive(const std::string& interface, const LiveOptions& options);

  // Feeds up to `max_packets` (-1: all available) packets to the analyzer without blocking
  // (live) or until the end of the file (offline). Returns the number of packets handled; 0
  // at the end of a file or when nothing is waiting.
  Result<int> Dispatch(TrafficAnalyzer& analyzer, int max_packets = -1);

  // pcap_stats for live captures; nullopt for files.
  std::optional<CaptureStats> Stats();

  int link_type() const { return link_type_; }
  const std::string& name() const { return name_; }
  bool is_live() const { return live_; }

 private:
  CaptureSource(PcapHandle h, std::string name, bool live)
      : handle_(std::move(h)), name_(std::move(name)), live_(live) {
    link_type_ = pcap_datalink(handle_.get());
  }
  PcapHandle handle_;
  std::string name_;
  bool live_ = false;
  int link_type_ = 0;
};

// Runs the whole pipeline over a capture file: one summary for the file's time span.
Result<TrafficSummary> AnalyzeFile(const std::string& path, AnalyzerOptions options);

// True when the error came from a missing capture privilege.
bool IsPermissionError(const std::string& message);

}  // namespace wardwatch::traffic
