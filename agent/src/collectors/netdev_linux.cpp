// netdev collector for Linux: /proc/net/dev counters plus /sys/class/net/<if>/{speed,
// operstate,type,address}. Speed is absent (not an error) when the driver does not know it.
#include "collectors/netdev.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class NetdevCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("net/dev"));
    if (!text) return MakeError(text.error());
    auto ifs = ParseNetDev(*text);
    if (!ifs) return MakeError(ifs.error());
    for (auto& i : *ifs) {
      const std::string dir = ctx.paths.Sys("class/net/" + i.name + "/");
      if (auto speed = ReadTrimmed(dir + "speed")) {
        // Mb/s; -1 or unreadable (EINVAL for virtual links) means unknown.
        if (auto mbps = ParseI64(*speed); mbps && *mbps > 0) {
          i.speed_bytes = static_cast<std::uint64_t>(*mbps) * 1000 * 1000 / 8;
        }
      }
      if (auto s = ReadTrimmed(dir + "operstate")) i.operstate = *s;
      if (auto s = ReadTrimmed(dir + "type")) {
        if (auto t = ParseU64(*s)) i.type = static_cast<std::uint32_t>(*t);
      }
      if (auto s = ReadTrimmed(dir + "address")) i.address = *s;
    }
    report.network.interfaces = std::move(*ifs);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewNetdevCollector() { return std::make_unique<NetdevCollector>(); }

}  // namespace wardwatch::agent
