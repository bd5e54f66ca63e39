// chassis collector for Linux: /sys/class/dmi/id/chassis_type (readable without root). VMs
// without DMI have no such file: absent.
#include "collectors/chassis.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class ChassisCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadTrimmed(ctx.paths.Sys("class/dmi/id/chassis_type"));
    if (!text) {
      MarkAbsent(report, "chassis_type");
      return Status::Ok();
    }
    auto code = ParseChassisType(*text);
    if (!code) return MakeError(code.error());
    HardwareOf(report).chassis_type = *code;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewChassisCollector() { return std::make_unique<ChassisCollector>(); }

}  // namespace wardwatch::agent
