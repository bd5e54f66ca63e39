// dmi collector for Linux: /sys/class/dmi/id/*. A machine without DMI (some VMs, ARM boards)
// reports an empty section; that is not an error.
#include "collectors/dmi.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class DmiCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string dir = ctx.paths.Sys("class/dmi/id/");
    for (std::string_view name : kDmiFiles) {
      auto v = ReadTrimmed(dir + std::string(name));
      if (v && !IsPlaceholderDmiValue(*v)) report.system.dmi[std::string(name)] = *v;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDmiCollector() { return std::make_unique<DmiCollector>(); }

}  // namespace wardwatch::agent
