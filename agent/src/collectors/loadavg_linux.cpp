// loadavg collector for Linux: reads /proc/loadavg.
#include "collectors/hardware_common.h"
#include "collectors/loadavg.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class LoadavgCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("loadavg"), 4096);
    if (!text) return MakeError(text.error());
    auto load = ParseLoadavg(*text);
    if (!load) return MakeError(load.error());
    HardwareOf(report).load = *load;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewLoadavgCollector() { return std::make_unique<LoadavgCollector>(); }

}  // namespace wardwatch::agent
