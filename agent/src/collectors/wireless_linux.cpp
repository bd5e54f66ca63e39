// wireless collector for Linux: /proc/net/wireless, attached to netdev's interfaces. A PC
// without Wi-Fi has no such file or no rows: nothing to add, not an error.
#include "collectors/wireless.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class WirelessCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("net/wireless"));
    if (!text) return Status::Ok();
    auto parsed = ParseWireless(*text);
    if (!parsed) return MakeError(parsed.error());
    for (auto& iface : report.network.interfaces) {
      if (auto it = parsed->find(iface.name); it != parsed->end()) iface.wireless = it->second;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewWirelessCollector() { return std::make_unique<WirelessCollector>(); }

}  // namespace wardwatch::agent
