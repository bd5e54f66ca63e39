// Parses /proc/cpuinfo and combines it with cpufreq and thermal_throttle values.
#include "collectors/cpuinfo.h"

#include <algorithm>
#include <set>
#include <utility>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

bool IsGenerationFlag(std::string_view f) {
  return std::find(std::begin(kGenerationFlags), std::end(kGenerationFlags), f) !=
         std::end(kGenerationFlags);
}

}  // namespace

Result<schema::CpuInfo> ParseCpuinfo(std::string_view text) {
  schema::CpuInfo info;
  std::set<std::string> packages;
  std::set<std::pair<std::string, std::string>> cores;
  std::string physical_id = "0";
  std::set<std::string> flags;
  int line_no = 0;
  auto number = [&](std::string_view key, std::string_view value, std::uint32_t& out) -> Status {
    auto v = ParseU64(value);
    if (!v || *v > 0xffffffffULL) {
      return MakeError("/proc/cpuinfo line " + std::to_string(line_no) + ": " + std::string(key) +
                       " is not a number: \"" + std::string(value) + "\"");
    }
    out = static_cast<std::uint32_t>(*v);
    return Status::Ok();
  };
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (key == "processor") {
      ++info.threads;
      physical_id = "0";
    } else if (key == "vendor_id" && info.vendor.empty()) {
      info.vendor = std::string(value);
    } else if (key == "model name" && info.model_name.empty()) {
      info.model_name = std::string(value);
    } else if (key == "cpu family" && info.threads <= 1) {
      if (auto s = number(key, value, info.family); !s) return MakeError(s.error());
    } else if (key == "model" && info.threads <= 1) {
      if (auto s = number(key, value, info.model); !s) return MakeError(s.error());
    } else if (key == "stepping" && info.threads <= 1) {
      if (auto s = number(key, value, info.stepping); !s) return MakeError(s.error());
    } else if (key == "physical id") {
      physical_id = std::string(value);
      packages.insert(physical_id);
    } else if (key == "core id") {
      cores.insert({physical_id, std::string(value)});
    } else if (key == "flags" && info.threads <= 1) {
      for (std::string_view f : SplitFields(value)) {
        if (IsGenerationFlag(f)) flags.insert(std::string(f));
      }
    }
  }
  if (info.threads == 0) return MakeError("/proc/cpuinfo: no \"processor\" entries");
  info.sockets = packages.empty() ? 1 : static_cast<std::uint32_t>(packages.size());
  info.cores = cores.empty() ? info.threads : static_cast<std::uint32_t>(cores.size());
  // Keep kGenerationFlags' order (oldest first), not alphabetical.
  for (std::string_view f : kGenerationFlags) {
    if (flags.count(std::string(f))) info.flags.emplace_back(f);
  }
  return info;
}

void ApplyCpuSysfs(const std::vector<CpuSysfs>& cpus, schema::CpuInfo& info) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen_cores;
  std::set<std::uint64_t> seen_packages;
  std::uint64_t core_total = 0, package_total = 0;
  bool have_core = false, have_package = false;
  info.current_hertz.clear();
  for (const CpuSysfs& c : cpus) {
    if (c.max_khz && (!info.max_hertz || *c.max_khz * 1e3 > *info.max_hertz)) {
      info.max_hertz = static_cast<double>(*c.max_khz) * 1e3;
    }
    if (c.min_khz && (!info.min_hertz || *c.min_khz * 1e3 < *info.min_hertz)) {
      info.min_hertz = static_cast<double>(*c.min_khz) * 1e3;
    }
    if (c.base_khz && !info.base_hertz) info.base_hertz = static_cast<double>(*c.base_khz) * 1e3;
    if (c.cur_khz) info.current_hertz.push_back(static_cast<double>(*c.cur_khz) * 1e3);
    const std::uint64_t package = c.package_id.value_or(0);
    if (c.core_throttle_count && seen_cores.insert({package, c.core_id.value_or(c.cpu)}).second) {
      core_total += *c.core_throttle_count;
      have_core = true;
    }
    if (c.package_throttle_count && seen_packages.insert(package).second) {
      package_total += *c.package_throttle_count;
      have_package = true;
    }
  }
  if (have_core) info.core_throttle_total = core_total;
  if (have_package) info.package_throttle_total = package_total;
}

}  // namespace wardwatch::agent
