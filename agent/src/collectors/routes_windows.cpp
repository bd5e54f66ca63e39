// routes collector for Windows: default gateways from GetIpForwardTable2 (0.0.0.0/0 and ::/0
// routes on up interfaces, lowest route + interface metric first) and the DNS resolvers of the
// up adapters from GetAdaptersAddresses.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
// clang-format on

#include <cstring>
#include <map>

#include "collectors/routes.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

struct ForwardTableDeleter {
  void operator()(MIB_IPFORWARD_TABLE2* t) const { ::FreeMibTable(t); }
};

winconv::IpAddress FromSockaddr(const SOCKADDR* sa) {
  winconv::IpAddress a;
  if (sa == nullptr) return a;
  if (sa->sa_family == AF_INET) {
    a.version = 4;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const SOCKADDR_IN*>(sa)->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    a.version = 6;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const SOCKADDR_IN6*>(sa)->sin6_addr, 16);
  }
  return a;
}

struct Interface {
  std::string alias;
  bool up = false;
  ULONG metric4 = 0, metric6 = 0;
};

// GetAdaptersAddresses without unicast/anycast/multicast lists; it says how large a buffer it
// needs, which can change between two calls (an adapter appears): a few tries.
Result<std::vector<std::uint64_t>> AdapterAddresses() {
  constexpr ULONG kFlags = GAA_FLAG_SKIP_UNICAST | GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST;
  ULONG bytes = 16 << 10;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::vector<std::uint64_t> buf((bytes + 7) / 8);  // 8-byte aligned for the structs
    const ULONG rc = ::GetAdaptersAddresses(
        AF_UNSPEC, kFlags, nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &bytes);
    if (rc == NO_ERROR) return buf;
    if (rc == ERROR_NO_DATA) return std::vector<std::uint64_t>{};
    if (rc != ERROR_BUFFER_OVERFLOW) {
      return MakeError("GetAdaptersAddresses failed: " + win::ErrorText(rc));
    }
  }
  return MakeError("GetAdaptersAddresses: the adapter list kept growing");
}

class RoutesCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto buf = AdapterAddresses();
    if (!buf) return MakeError(buf.error());
    std::map<ULONG64, Interface> interfaces;  // by NET_LUID
    std::vector<winconv::AdapterDns> adapters;
    if (!buf->empty()) {
      for (auto* a = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buf->data()); a != nullptr;
           a = a->Next) {
        winconv::AdapterDns d;
        d.alias = win::ToUtf8(a->FriendlyName != nullptr ? a->FriendlyName : L"");
        d.if_type = a->IfType;
        d.oper_status = static_cast<std::uint32_t>(a->OperStatus);
        for (auto* s = a->FirstDnsServerAddress; s != nullptr; s = s->Next) {
          d.dns_servers.push_back(FromSockaddr(s->Address.lpSockaddr));
        }
        interfaces[a->Luid.Value] = {d.alias, a->OperStatus == IfOperStatusUp, a->Ipv4Metric,
                                     a->Ipv6Metric};
        adapters.push_back(std::move(d));
      }
    }

    MIB_IPFORWARD_TABLE2* raw = nullptr;
    if (const DWORD rc = ::GetIpForwardTable2(AF_UNSPEC, &raw); rc != NO_ERROR) {
      return MakeError("GetIpForwardTable2 failed: " + win::ErrorText(rc));
    }
    std::unique_ptr<MIB_IPFORWARD_TABLE2, ForwardTableDeleter> table(raw);
    std::vector<winconv::RouteRow> routes;
    for (ULONG i = 0; i < table->NumEntries; ++i) {
      const MIB_IPFORWARD_ROW2& r = table->Table[i];
      winconv::RouteRow row;
      row.prefix_length = r.DestinationPrefix.PrefixLength;
      row.next_hop = FromSockaddr(reinterpret_cast<const SOCKADDR*>(&r.NextHop));
      row.metric = r.Metric;
      if (auto it = interfaces.find(r.InterfaceLuid.Value); it != interfaces.end()) {
        row.interface_alias = it->second.alias;
        row.interface_up = it->second.up;
        row.metric += row.next_hop.version == 6 ? it->second.metric6 : it->second.metric4;
      }
      routes.push_back(std::move(row));
    }
    report.network.default_gateways = winconv::DefaultGatewaysFromRoutes(routes);
    report.network.dns_servers = winconv::DnsServersFromAdapters(adapters);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewRoutesCollector() { return std::make_unique<RoutesCollector>(); }

}  // namespace wardwatch::agent
