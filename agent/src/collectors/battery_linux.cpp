// battery collector for Linux: /sys/class/power_supply/*. A desktop has no battery: absent.
#include "collectors/battery.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr const char* kBatteryFiles[] = {"type",
                                         "scope",
                                         "status",
                                         "technology",
                                         "manufacturer",
                                         "model_name",
                                         "capacity",
                                         "energy_full",
                                         "energy_full_design",
                                         "charge_full",
                                         "charge_full_design",
                                         "cycle_count"};

class BatteryCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("class/power_supply/");
    auto& hw = HardwareOf(report);
    if (auto names = ListDir(base)) {
      for (const std::string& n : *names) {
        std::map<std::string, std::string> files;
        for (const char* f : kBatteryFiles) {
          if (auto v = ReadTrimmed(base + n + "/" + f)) files[f] = *v;
        }
        auto b = ParsePowerSupply(n, files);
        if (!b) return MakeError(b.error());
        if (*b) hw.batteries.push_back(std::move(**b));
      }
    }
    if (hw.batteries.empty()) MarkAbsent(report, "battery");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewBatteryCollector() { return std::make_unique<BatteryCollector>(); }

}  // namespace wardwatch::agent
