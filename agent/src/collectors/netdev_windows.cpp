// netdev collector for Windows: GetIfTable2 (64-bit octet, packet, error and discard counters,
// link speed, state, MAC) for real adapters and loopback.
// Winsock, then the IP helper API, in this order.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
// clang-format on

#include "collectors/netdev.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

struct IfTableDeleter {
  void operator()(MIB_IF_TABLE2* t) const { ::FreeMibTable(t); }
};

class NetdevCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    MIB_IF_TABLE2* raw = nullptr;
    if (const DWORD rc = ::GetIfTable2(&raw); rc != NO_ERROR) {
      return MakeError("GetIfTable2 failed: " + win::ErrorText(rc));
    }
    std::unique_ptr<MIB_IF_TABLE2, IfTableDeleter> table(raw);
    for (ULONG i = 0; i < table->NumEntries; ++i) {
      const MIB_IF_ROW2& r = table->Table[i];
      winconv::IfRow row;
      row.alias = win::ToUtf8(r.Alias);
      row.description = win::ToUtf8(r.Description);
      row.if_type = r.Type;
      row.oper_status = static_cast<std::uint32_t>(r.OperStatus);
      row.hardware_interface = r.InterfaceAndOperStatusFlags.HardwareInterface != 0;
      row.filter_interface = r.InterfaceAndOperStatusFlags.FilterInterface != 0;
      row.in_octets = r.InOctets;
      row.out_octets = r.OutOctets;
      row.in_ucast = r.InUcastPkts;
      row.in_nucast = r.InNUcastPkts;
      row.out_ucast = r.OutUcastPkts;
      row.out_nucast = r.OutNUcastPkts;
      row.in_errors = r.InErrors;
      row.out_errors = r.OutErrors;
      row.in_discards = r.InDiscards;
      row.out_discards = r.OutDiscards;
      row.receive_link_speed = r.ReceiveLinkSpeed;
      row.transmit_link_speed = r.TransmitLinkSpeed;
      row.mtu = r.Mtu;
      row.physical_address.assign(r.PhysicalAddress, r.PhysicalAddress + r.PhysicalAddressLength);
      if (winconv::KeepInterface(row)) {
        report.network.interfaces.push_back(winconv::InterfaceFromRow(row));
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewNetdevCollector() { return std::make_unique<NetdevCollector>(); }

}  // namespace wardwatch::agent
