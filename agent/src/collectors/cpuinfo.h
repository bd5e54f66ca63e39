// cpuinfo: CPU model, generation flags, topology, frequencies and thermal throttle counts
// (/proc/cpuinfo, /sys/devices/system/cpu/cpu*/{cpufreq,thermal_throttle,topology}).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// Instruction-set flags that tell CPU generations apart; the others are not kept.
inline constexpr std::string_view kGenerationFlags[] = {"sse4_2", "avx", "avx2", "avx512f", "aes"};

// Parses /proc/cpuinfo (x86 layout; on other architectures the fields it lacks stay empty).
// sockets = distinct "physical id", cores = distinct (physical id, core id), threads =
// "processor" entries.
Result<schema::CpuInfo> ParseCpuinfo(std::string_view text);

// What sysfs says about one logical CPU; frequencies in kHz as the kernel writes them.
struct CpuSysfs {
  unsigned cpu = 0;
  std::optional<std::uint64_t> cur_khz, max_khz, min_khz, base_khz;
  std::optional<std::uint64_t> package_id, core_id;
  std::optional<std::uint64_t> core_throttle_count, package_throttle_count;
};

// Adds frequencies (Hz) and throttle totals to `info`. Core counts are summed once per
// (package, core) and package counts once per package, because siblings repeat them.
void ApplyCpuSysfs(const std::vector<CpuSysfs>& cpus, schema::CpuInfo& info);

std::unique_ptr<Collector> NewCpuinfoCollector();

}  // namespace wardwatch::agent
