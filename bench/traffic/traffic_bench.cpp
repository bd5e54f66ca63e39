// Traffic benchmark helper: generates a large mixed capture, and times a bare libpcap read loop
// and the full offline pipeline over it (packets/s and peak RSS, one line per run).
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <string_view>

#include "packet_builder.h"
#include "wardwatch/traffic/capture.h"

using namespace wardwatch::traffic;
using namespace wardwatch::traffic::testing;

namespace {

long PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

double CpuSeconds(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

// Wall time and CPU time (user + system): on a shared machine the CPU time is the steadier
// measure, since waiting for a core does not count.
void Report(const char* what, std::uint64_t packets, double wall, double cpu, long rss_kb) {
  std::printf(
      "%s packets=%llu wall_seconds=%.6f wall_pps=%.0f cpu_seconds=%.6f cpu_pps=%.0f "
      "peak_rss_kb=%ld\n",
      what, static_cast<unsigned long long>(packets), wall, static_cast<double>(packets) / wall,
      cpu, static_cast<double>(packets) / cpu, rss_kb);
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return CpuSeconds(ru);
}

struct FlowSpec {
  IpAddr remote;
  std::uint16_t remote_port, local_port;
  std::uint8_t proto;
};

// A day's mix on an office PC: TLS downloads and uploads, their ACKs, QUIC, DNS with real
// answers, ClientHellos with SNI, NTP/mDNS, over IPv4 and IPv6, some on a VLAN.
int Generate(const std::string& path, long count) {
  auto w = PcapWriter::Open(path, kLinkEthernet, kDefaultSnaplen);
  if (!w) {
    std::cerr << w.error() << "\n";
    return 1;
  }
  std::mt19937_64 rng(42);
  const IpAddr me = *ParseIpAddr("192.168.1.10"), me6 = *ParseIpAddr("2001:db8:ff::10");
  const IpAddr dns = *ParseIpAddr("192.168.1.1");
  std::vector<FlowSpec> flows;
  for (int i = 0; i < 4000; ++i) {
    bool v6 = i % 5 == 0;
    std::string addr = v6 ? "2001:db8:" + std::to_string(i % 97) + "::" + std::to_string(i % 251)
                          : std::to_string(20 + i % 180) + "." + std::to_string(i % 211) + ".7." +
                                std::to_string(1 + i % 250);
    std::uint16_t ports[] = {443, 443, 443, 80, 8080, 3478};
    bool quic = i % 7 == 0;
    flows.push_back({*ParseIpAddr(addr), quic ? std::uint16_t{443} : ports[i % 6],
                     static_cast<std::uint16_t>(30000 + i), quic ? kProtoUdp : kProtoTcp});
  }
  const Bytes big(1448, 0x5A), quic(1250, 0x33), ntp(48, 0x11);
  double t = 1764300000.0;
  for (long n = 0; n < count; ++n) {
    t += 0.00006;
    const FlowSpec& f = flows[rng() % flows.size()];
    const bool v6 = !f.remote.is_v4();
    const IpAddr& local = v6 ? me6 : me;
    auto ip = [&](const IpAddr& src, const IpAddr& dst, std::uint8_t proto, const Bytes& l4) {
      return v6 ? Ipv6(src, dst, proto, l4) : Ipv4(src, dst, proto, l4);
    };
    unsigned roll = static_cast<unsigned>(rng() % 1000);
    Bytes frame;
    if (roll < 20) {  // DNS query + answer with a CNAME chain
      std::string name = "svc" + std::to_string(rng() % 500) + ".example.vn";
      std::string target = FormatIpAddr(flows[rng() % flows.size()].remote);
      bool aaaa = target.find(':') != std::string::npos;
      frame = Ethernet(Ipv4(
          dns, me, kProtoUdp,
          Udp(53, 40000,
              DnsResponse(name,
                          {{name, 5, "edge." + name},
                           {"edge." + name, static_cast<std::uint16_t>(aaaa ? 28 : 1), target}}))));
    } else if (roll < 30) {  // TLS ClientHello to a port-443 flow
      frame = Ethernet(ip(local, f.remote, kProtoTcp,
                          Tcp(f.local_port, 443,
                              TlsClientHello("host" + std::to_string(rng() % 300) + ".gov.vn"))));
    } else if (roll < 40) {  // NTP / mDNS
      frame =
          roll < 35
              ? Ethernet(Ipv4(me, dns, kProtoUdp, Udp(123, 123, ntp)))
              : Ethernet(Ipv4(me, *ParseIpAddr("224.0.0.251"), kProtoUdp, Udp(5353, 5353, ntp)));
    } else if (f.proto == kProtoUdp) {  // QUIC both ways
      frame = roll < 700 ? Ethernet(ip(f.remote, local, kProtoUdp, Udp(443, f.local_port, quic)))
                         : Ethernet(ip(local, f.remote, kProtoUdp, Udp(f.local_port, 443, quic)));
    } else if (roll < 550) {  // download data
      frame = Ethernet(ip(f.remote, local, kProtoTcp, Tcp(f.remote_port, f.local_port, big)));
    } else if (roll < 850) {  // ACKs
      frame = Ethernet(ip(local, f.remote, kProtoTcp, Tcp(f.local_port, f.remote_port, {}, 0x10)));
    } else {  // upload data, some on VLAN 20
      Bytes p = ip(local, f.remote, kProtoTcp, Tcp(f.local_port, f.remote_port, big));
      frame = roll < 900 ? Ethernet(p, {20}) : Ethernet(p);
    }
    w->Write(frame, t);
  }
  auto st = w->Close();
  if (!st) {
    std::cerr << st.error() << "\n";
    return 1;
  }
  return 0;
}

int Bare(const std::string& path) {
  auto start = std::chrono::steady_clock::now();
  double cpu0 = SelfCpuSeconds();
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  if (!p) {
    std::cerr << err << "\n";
    return 1;
  }
  pcap_pkthdr* h;
  const u_char* data;
  std::uint64_t packets = 0, bytes = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    ++packets;
    bytes += h->len + data[0];  // touch the data so the read is not optimised away
  }
  pcap_close(p);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Report("bare", packets, s, SelfCpuSeconds() - cpu0, PeakRssKb());
  std::fprintf(stderr, "bare: %llu bytes\n", static_cast<unsigned long long>(bytes));
  return 0;
}

int Pipeline(const std::string& path) {
  auto start = std::chrono::steady_clock::now();
  double cpu0 = SelfCpuSeconds();
  AnalyzerOptions o;
  o.local = AddressSet({*ParseCidr("192.168.1.10"), *ParseCidr("2001:db8:ff::10")});
  auto s = AnalyzeFile(path, o);
  if (!s) {
    std::cerr << s.error() << "\n";
    return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Report("pipeline", s->packets_seen, secs, SelfCpuSeconds() - cpu0, PeakRssKb());
  std::fprintf(stderr,
               "pipeline: in %llu B out %llu B, %llu flows, %llu names (dns %llu, sni %llu), "
               "top host %s (%s)\n",
               static_cast<unsigned long long>(s->total.in_bytes),
               static_cast<unsigned long long>(s->total.out_bytes),
               static_cast<unsigned long long>(s->flows),
               static_cast<unsigned long long>(s->names_known),
               static_cast<unsigned long long>(s->names_learned_dns),
               static_cast<unsigned long long>(s->names_learned_sni),
               s->top_hosts.empty() ? "-" : s->top_hosts[0].address.c_str(),
               s->top_hosts.empty() ? "-" : s->top_hosts[0].name.c_str());
  return 0;
}

// Runs a peer tool (tshark) with stdout to `out`, timing it and reading its peak RSS from wait4.
int RunPeer(const std::string& out, long packets, char** argv) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0) _exit(126);
    dup2(fd, 1);
    dup2(null, 2);
    execvp(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) return 1;
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << argv[0] << " failed (status " << status << ")\n";
    return 1;
  }
  Report("peer", static_cast<std::uint64_t>(packets), s, CpuSeconds(ru), ru.ru_maxrss);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode == "generate" && argc == 4) return Generate(argv[2], std::atol(argv[3]));
  if (mode == "bare" && argc == 3) return Bare(argv[2]);
  if (mode == "pipeline" && argc == 3) return Pipeline(argv[2]);
  if (mode == "run" && argc > 5 && std::string_view(argv[4]) == "--") {
    return RunPeer(argv[2], std::atol(argv[3]), argv + 5);
  }
  std::cerr << "usage: traffic_bench generate FILE PACKETS | bare FILE | pipeline FILE\n"
               "       traffic_bench run OUT PACKETS -- COMMAND...\n";
  return 2;
}
