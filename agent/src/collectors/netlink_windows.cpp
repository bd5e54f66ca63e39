// netlink collector for Windows: carrier changes per interface, counted by the agent from
// GetIfTable2's OperStatus and MediaConnectState (Windows keeps no such count), sampled every
// kCarrierSampleSeconds between reports and at each report. Duplex is not in MIB_IF_ROW2; MTU
// comes with netdev.
// Winsock, then the IP helper API, in this order.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <netioapi.h>
// clang-format on

#include <chrono>
#include <map>
#include <mutex>

#include "collectors/netlink.h"
#include "collectors/windows_convert.h"
#include "options.h"
#include "periodic_worker.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

struct IfTableDeleter {
  void operator()(MIB_IF_TABLE2* t) const { ::FreeMibTable(t); }
};

struct LinkTable {
  std::vector<CarrierSample> sample;
  std::map<std::string, std::string> key_by_alias;  // netdev names interfaces by alias
};

Result<LinkTable> ReadLinkTable() {
  MIB_IF_TABLE2* raw = nullptr;
  if (const DWORD rc = ::GetIfTable2(&raw); rc != NO_ERROR) {
    return MakeError("GetIfTable2 failed: " + win::ErrorText(rc));
  }
  std::unique_ptr<MIB_IF_TABLE2, IfTableDeleter> table(raw);
  LinkTable out;
  for (ULONG i = 0; i < table->NumEntries; ++i) {
    const MIB_IF_ROW2& r = table->Table[i];
    // The filter / WFP shadow rows repeat their adapter's state; netdev leaves them out too.
    if (r.InterfaceAndOperStatusFlags.FilterInterface != 0) continue;
    const std::string key = std::to_string(r.InterfaceLuid.Value);
    out.sample.push_back(
        {key, winconv::CarrierUp(static_cast<std::uint32_t>(r.OperStatus),
                                 static_cast<std::uint32_t>(r.MediaConnectState))});
    out.key_by_alias.emplace(win::ToUtf8(r.Alias), key);
  }
  return out;
}

class NetlinkCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    std::lock_guard lock(mu_);
    auto table = ReadLinkTable();
    if (!table) return MakeError(table.error());
    counter_.Observe(table->sample);
    for (auto& iface : report.network.interfaces) {
      auto key = table->key_by_alias.find(iface.name);
      if (key == table->key_by_alias.end()) continue;
      iface.carrier_changes = counter_.Changes(key->second);
    }
    const bool once = ctx.options && ctx.options->once;
    if (!once && !sampler_.running()) {
      sampler_.StartEvery(std::chrono::seconds(kCarrierSampleSeconds), [this] {
        auto sample = ReadLinkTable();
        if (!sample) return;  // retried at the next sample; the report says the error
        std::lock_guard sample_lock(mu_);
        counter_.Observe(sample->sample);
      });
    }
    return Status::Ok();
  }

 private:
  std::mutex mu_;
  CarrierCounter counter_;
  PeriodicWorker sampler_;  // last: stopped before what it uses goes
};

}  // namespace

std::unique_ptr<Collector> NewNetlinkCollector() { return std::make_unique<NetlinkCollector>(); }

}  // namespace wardwatch::agent
