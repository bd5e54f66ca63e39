// vmstat collector for Linux: reads /proc/vmstat.
#include "collectors/hardware_common.h"
#include "collectors/vmstat.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class VmstatCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string path = ctx.paths.Proc("vmstat");
    if (!Exists(path)) {
      MarkAbsent(report, "vmstat");
      return Status::Ok();
    }
    auto text = ReadFile(path);
    if (!text) return MakeError(text.error());
    auto v = ParseVmstat(*text);
    if (!v) return MakeError(v.error());
    HardwareOf(report).vmstat = std::move(*v);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewVmstatCollector() { return std::make_unique<VmstatCollector>(); }

}  // namespace wardwatch::agent
