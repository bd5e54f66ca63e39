// thermal collector for Linux: /sys/class/thermal/thermal_zone*/{type,temp}. Zones whose
// temp cannot be read (sensor asleep) are skipped; no zones = absent.
#include "collectors/hardware_common.h"
#include "collectors/thermal.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class ThermalCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("class/thermal/");
    auto names = ListDir(base);
    auto& hw = HardwareOf(report);
    if (names) {
      for (const std::string& n : *names) {
        if (n.rfind("thermal_zone", 0) != 0) continue;
        auto temp = ReadTrimmed(base + n + "/temp");
        if (!temp) continue;
        auto type = ReadTrimmed(base + n + "/type");
        auto zone = ParseThermalZone(n, type ? *type : "", *temp);
        if (!zone) return MakeError(zone.error());
        hw.thermal_zones.push_back(std::move(*zone));
      }
    }
    if (hw.thermal_zones.empty()) MarkAbsent(report, "thermal_zones");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewThermalCollector() { return std::make_unique<ThermalCollector>(); }

}  // namespace wardwatch::agent
