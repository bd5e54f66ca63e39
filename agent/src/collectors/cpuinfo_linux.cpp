// cpuinfo collector for Linux: /proc/cpuinfo plus, per logical CPU, cpufreq (VMs usually have
// none), thermal_throttle (Intel) and topology from /sys/devices/system/cpu.
#include <algorithm>
#include <cctype>

#include "collectors/cpuinfo.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::optional<std::uint64_t> ReadU64(const std::string& path) {
  auto t = ReadTrimmed(path);
  if (!t) return std::nullopt;
  return ParseU64(*t);
}

bool IsCpuDir(const std::string& name) {
  return name.size() > 3 && name.compare(0, 3, "cpu") == 0 &&
         std::all_of(name.begin() + 3, name.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

class CpuinfoCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("cpuinfo"));
    if (!text) return MakeError(text.error());
    auto info = ParseCpuinfo(*text);
    if (!info) return MakeError(info.error());

    std::vector<CpuSysfs> cpus;
    const std::string base = ctx.paths.Sys("devices/system/cpu/");
    if (auto names = ListDir(base)) {
      for (const std::string& name : *names) {
        if (!IsCpuDir(name)) continue;
        CpuSysfs c;
        c.cpu = static_cast<unsigned>(*ParseU64(std::string_view(name).substr(3)));
        const std::string dir = base + name + "/";
        c.cur_khz = ReadU64(dir + "cpufreq/scaling_cur_freq");
        c.max_khz = ReadU64(dir + "cpufreq/cpuinfo_max_freq");
        c.min_khz = ReadU64(dir + "cpufreq/cpuinfo_min_freq");
        c.base_khz = ReadU64(dir + "cpufreq/base_frequency");
        c.package_id = ReadU64(dir + "topology/physical_package_id");
        c.core_id = ReadU64(dir + "topology/core_id");
        c.core_throttle_count = ReadU64(dir + "thermal_throttle/core_throttle_count");
        c.package_throttle_count = ReadU64(dir + "thermal_throttle/package_throttle_count");
        cpus.push_back(c);
      }
      std::sort(cpus.begin(), cpus.end(),
                [](const CpuSysfs& a, const CpuSysfs& b) { return a.cpu < b.cpu; });
    }
    ApplyCpuSysfs(cpus, *info);
    const bool has_freq = std::any_of(cpus.begin(), cpus.end(),
                                      [](const CpuSysfs& c) { return c.max_khz || c.cur_khz; });
    const bool has_throttle = std::any_of(cpus.begin(), cpus.end(), [](const CpuSysfs& c) {
      return c.core_throttle_count || c.package_throttle_count;
    });
    if (!has_freq) MarkAbsent(report, "cpu_frequency");
    if (!has_throttle) MarkAbsent(report, "cpu_throttle");
    HardwareOf(report).cpu = std::move(*info);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewCpuinfoCollector() { return std::make_unique<CpuinfoCollector>(); }

}  // namespace wardwatch::agent
