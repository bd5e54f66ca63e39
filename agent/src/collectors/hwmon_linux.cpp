// hwmon collector for Linux: /sys/class/hwmon/hwmon*/{name,temp*_*,fan*_*}. Older drivers keep
// the attributes in hwmon*/device/, so both places are read. No hwmon (most VMs) = absent.
#include <set>

#include "collectors/hardware_common.h"
#include "collectors/hwmon.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

bool IsSensorFile(const std::string& n) {
  return (n.rfind("temp", 0) == 0 || n.rfind("fan", 0) == 0) &&
         (n.find("_input") != std::string::npos || n.find("_label") != std::string::npos ||
          n.find("_max") != std::string::npos || n.find("_crit") != std::string::npos);
}

class HwmonCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("class/hwmon/");
    auto chips = ListDir(base);
    if (!chips || chips->empty()) {
      MarkAbsent(report, "hwmon");
      return Status::Ok();
    }
    auto& hw = HardwareOf(report);
    std::set<std::string> used;
    std::string first_error;
    for (const std::string& dir_name : *chips) {
      const std::string dir = base + dir_name + "/";
      std::string chip = dir_name;
      if (auto n = ReadTrimmed(dir + "name"); n && !n->empty()) chip = *n;
      // Two chips with one driver name (two NVMe drives) must not share label sets.
      if (!used.insert(chip).second) {
        chip += "_" + dir_name;
        used.insert(chip);
      }
      std::map<std::string, std::string> files;
      for (const std::string& sub : {dir + "device/", dir}) {
        auto names = ListDir(sub);
        if (!names) continue;
        for (const std::string& n : *names) {
          if (!IsSensorFile(n)) continue;
          // Some sensors fail to read while asleep (EIO, ENODATA): leave them out.
          if (auto v = ReadTrimmed(sub + n)) files[n] = *v;
        }
      }
      auto readings = ParseHwmonChip(chip, files);
      if (!readings) {
        if (first_error.empty()) first_error = readings.error();
        continue;
      }
      for (auto& t : readings->temperatures) hw.temperatures.push_back(std::move(t));
      for (auto& f : readings->fans) hw.fans.push_back(std::move(f));
    }
    if (!first_error.empty()) return MakeError(first_error);
    if (hw.temperatures.empty() && hw.fans.empty()) MarkAbsent(report, "hwmon");
    if (hw.fans.empty()) MarkAbsent(report, "fans");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewHwmonCollector() { return std::make_unique<HwmonCollector>(); }

}  // namespace wardwatch::agent
