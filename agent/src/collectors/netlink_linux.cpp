// netlink collector for Linux: reads /sys/class/net/<if>/{duplex,carrier_changes,mtu} for each
// interface netdev found.
#include "collectors/netlink.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::optional<std::string> ReadOptional(const std::string& path) {
  auto v = ReadTrimmed(path);
  if (!v) return std::nullopt;
  return *v;
}

class NetlinkCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    for (auto& iface : report.network.interfaces) {
      const std::string dir = ctx.paths.Sys("class/net/" + iface.name + "/");
      LinkFiles files{ReadOptional(dir + "duplex"), ReadOptional(dir + "carrier_changes"),
                      ReadOptional(dir + "mtu")};
      if (auto s = ApplyLinkFacts(files, iface); !s) return s;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewNetlinkCollector() { return std::make_unique<NetlinkCollector>(); }

}  // namespace wardwatch::agent
