// libpcap capture sources: offline files and non-blocking live interfaces.
#include "wardwatch/traffic/capture.h"

namespace wardwatch::traffic {
namespace {

constexpr std::string_view kPermissionPrefix = "packet capture needs CAP_NET_RAW";

struct DispatchContext {
  TrafficAnalyzer* analyzer;
  int link_type;
};

void OnPcapPacket(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* ctx = reinterpret_cast<DispatchContext*>(user);
  double ts = static_cast<double>(h->ts.tv_sec) + static_cast<double>(h->ts.tv_usec) * 1e-6;
  ctx->analyzer->OnPacket(ctx->link_type, ts, std::span<const std::uint8_t>(bytes, h->caplen),
                          h->len);
}

}  // namespace

bool IsPermissionError(const std::string& message) {
  return message.rfind(kPermissionPrefix, 0) == 0;
}

Result<CaptureSource> CaptureSource::OpenFile(const std::string& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (p == nullptr) return MakeError("cannot open capture file " + path + ": " + err);
  return CaptureSource(PcapHandle(p), path, false);
}

Result<CaptureSource> CaptureSource::OpenLive(const std::string& interface, const LiveOptions& o) {
  char err[PCAP_ERRBUF_SIZE] = {};
  PcapHandle h(pcap_create(interface.c_str(), err));
  if (!h) return MakeError("cannot capture on " + interface + ": " + err);
  pcap_set_snaplen(h.get(), o.snaplen);
  pcap_set_promisc(h.get(), o.promiscuous ? 1 : 0);
  pcap_set_timeout(h.get(), o.timeout_ms);
  pcap_set_buffer_size(h.get(), o.buffer_bytes);
  pcap_set_immediate_mode(h.get(), 0);  // batch packets: fewer wake-ups, less CPU
  int rc = pcap_activate(h.get());
  if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
    return MakeError(std::string(kPermissionPrefix) + " (run as root or grant it with " +
                     "'setcap cap_net_raw,cap_net_admin=eip wardwatch-agent'): cannot open " +
                     interface + ": " + pcap_geterr(h.get()));
  }
  if (rc == PCAP_ERROR_NO_SUCH_DEVICE) {
    return MakeError("cannot capture on " + interface + ": no such interface");
  }
  if (rc < 0) return MakeError("cannot capture on " + interface + ": " + pcap_geterr(h.get()));
  // rc > 0 is a warning (e.g. promiscuous mode not supported): capture works, carry on.
  if (!o.bpf_filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(h.get(), &prog, o.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return MakeError("bad BPF filter '" + o.bpf_filter + "': " + pcap_geterr(h.get()));
    }
    int set = pcap_setfilter(h.get(), &prog);
    pcap_freecode(&prog);
    if (set != 0) {
      return MakeError("cannot set BPF filter on " + interface + ": " + pcap_geterr(h.get()));
    }
  }
  if (pcap_setnonblock(h.get(), 1, err) != 0) {
    return MakeError("cannot make capture on " + interface + " non-blocking: " + err);
  }
  return CaptureSource(std::move(h), interface, true);
}

Result<int> CaptureSource::Dispatch(TrafficAnalyzer& analyzer, int max_packets) {
  DispatchContext ctx{&analyzer, link_type_};
  int n = pcap_dispatch(handle_.get(), max_packets, &OnPcapPacket, reinterpret_cast<u_char*>(&ctx));
  if (n == PCAP_ERROR)
    return MakeError("capture on " + name_ + " failed: " + pcap_geterr(handle_.get()));
  if (n < 0) return 0;  // PCAP_ERROR_BREAK
  return n;
}

std::optional<CaptureStats> CaptureSource::Stats() {
  if (!live_) return std::nullopt;
  pcap_stat st{};
  if (pcap_stats(handle_.get(), &st) != 0) return std::nullopt;
  return CaptureStats{st.ps_recv, st.ps_drop, st.ps_ifdrop};
}

Result<TrafficSummary> AnalyzeFile(const std::string& path, AnalyzerOptions options) {
  auto src = CaptureSource::OpenFile(path);
  if (!src) return MakeError(src.error());
  TrafficAnalyzer analyzer(std::move(options));
  for (;;) {
    auto n = src->Dispatch(analyzer, -1);
    if (!n) return MakeError(n.error());
    if (*n == 0) break;
  }
  return analyzer.Summarize();
}

}  // namespace wardwatch::traffic
