// netstat collector for Windows: GetTcpStatisticsEx2 / GetUdpStatisticsEx2 (64-bit segment
// counts, Windows 10 1709+; GetTcpStatisticsEx / GetUdpStatisticsEx before that and under
// Wine), GetIcmpStatisticsEx and GetIpStatisticsEx, for IPv4 and IPv6, keyed as on Linux.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
// clang-format on

#include "collectors/netstat.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

// MIB_TCPSTATS2 / MIB_UDPSTATS2 (tcpmib.h / udpmib.h of the Windows 10 SDK; mingw-w64 10 has
// neither the structs nor the functions, so they are declared here and looked up at run time).
struct MibTcpStats2 {
  DWORD rto_algorithm, rto_min, rto_max, max_conn, active_opens, passive_opens, attempt_fails,
      estab_resets, curr_estab;
  DWORD64 in_segs, out_segs;
  DWORD retrans_segs, in_errs, out_rsts, num_conns;
};
struct MibUdpStats2 {
  DWORD64 in_datagrams;
  DWORD no_ports, in_errors;
  DWORD64 out_datagrams;
  DWORD num_addrs;
};
using TcpStatsEx2Fn = ULONG(WINAPI*)(MibTcpStats2*, ULONG);
using UdpStatsEx2Fn = ULONG(WINAPI*)(MibUdpStats2*, ULONG);

template <class Fn>
Fn Lookup(const char* name) {
  HMODULE iphlpapi = ::GetModuleHandleW(L"iphlpapi.dll");
  if (iphlpapi == nullptr) return nullptr;
  // Through a generic function pointer: FARPROC to a typed one is what GetProcAddress is for.
  return reinterpret_cast<Fn>(reinterpret_cast<void (*)()>(::GetProcAddress(iphlpapi, name)));
}

struct Family {
  ULONG af;
  const char* name;
};

// Wine (ntdll exports wine_get_version) answers IPv4 and IPv6 TCP statistics from the host's
// one Linux TCP MIB.
bool UnderWine() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

class NetstatCollector : public Collector {
 public:
  NetstatCollector()
      : tcp2_(Lookup<TcpStatsEx2Fn>("GetTcpStatisticsEx2")),
        udp2_(Lookup<UdpStatsEx2Fn>("GetUdpStatisticsEx2")),
        shared_tcp_mib_(UnderWine()) {}

  Status Collect(const CollectContext&, Report& report) override {
    winconv::NetStats s;
    s.shared_tcp_mib = shared_tcp_mib_;
    for (const Family f : {Family{AF_INET, "IPv4"}, Family{AF_INET6, "IPv6"}}) {
      const bool v4 = f.af == AF_INET;
      auto tcp = Tcp(f.af);
      // IPv4 TCP is always there; a PC without IPv6 answers ERROR_NOT_SUPPORTED for it.
      if (!tcp && v4) return MakeError(std::string(tcp.error()) + " for " + f.name);
      if (tcp) (v4 ? s.tcp4 : s.tcp6) = *tcp;
      if (auto udp = Udp(f.af)) (v4 ? s.udp4 : s.udp6) = *udp;
      MIB_ICMP_EX icmp{};
      if (::GetIcmpStatisticsEx(&icmp, f.af) == NO_ERROR) {
        (v4 ? s.icmp4 : s.icmp6) = winconv::IcmpCounts{
            icmp.icmpInStats.dwMsgs, icmp.icmpInStats.dwErrors, icmp.icmpOutStats.dwMsgs};
      }
    }
    MIB_IPSTATS ip{};
    if (::GetIpStatisticsEx(&ip, AF_INET) == NO_ERROR) s.ip_forwarding = ip.dwForwarding;
    for (auto& [key, value] : winconv::NetstatFromStats(s)) {
      if (NetstatFieldWanted(key)) report.network.netstat[key] = value;
    }
    return Status::Ok();
  }

 private:
  Result<winconv::TcpStats> Tcp(ULONG af) const {
    winconv::TcpStats t;
    if (tcp2_ != nullptr) {
      MibTcpStats2 m{};
      if (const ULONG rc = tcp2_(&m, af); rc != NO_ERROR) {
        return MakeError("GetTcpStatisticsEx2 failed: " + win::ErrorText(rc));
      }
      t = {m.active_opens, m.passive_opens, m.attempt_fails, m.estab_resets, m.curr_estab,
           m.in_segs,      m.out_segs,      m.retrans_segs,  m.in_errs,      m.out_rsts};
      return t;
    }
    MIB_TCPSTATS m{};
    if (const ULONG rc = ::GetTcpStatisticsEx(&m, af); rc != NO_ERROR) {
      return MakeError("GetTcpStatisticsEx failed: " + win::ErrorText(rc));
    }
    t = {m.dwActiveOpens, m.dwPassiveOpens, m.dwAttemptFails, m.dwEstabResets, m.dwCurrEstab,
         m.dwInSegs,      m.dwOutSegs,      m.dwRetransSegs,  m.dwInErrs,      m.dwOutRsts};
    return t;
  }

  std::optional<winconv::UdpStats> Udp(ULONG af) const {
    if (udp2_ != nullptr) {
      MibUdpStats2 m{};
      if (udp2_(&m, af) != NO_ERROR) return std::nullopt;
      return winconv::UdpStats{m.in_datagrams, m.no_ports, m.in_errors, m.out_datagrams};
    }
    MIB_UDPSTATS m{};
    if (::GetUdpStatisticsEx(&m, af) != NO_ERROR) return std::nullopt;
    return winconv::UdpStats{m.dwInDatagrams, m.dwNoPorts, m.dwInErrors, m.dwOutDatagrams};
  }

  TcpStatsEx2Fn tcp2_;
  UdpStatsEx2Fn udp2_;
  bool shared_tcp_mib_;
};

}  // namespace

std::unique_ptr<Collector> NewNetstatCollector() { return std::make_unique<NetstatCollector>(); }

}  // namespace wardwatch::agent
