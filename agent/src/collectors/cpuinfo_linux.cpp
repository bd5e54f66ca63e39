// cpuinfo collector for Linux: /proc/cpuinfo plus, per logical CPU, cpufreq (VMs usually have
// none), thermal_throttle (Intel) and topology from /sys/devices/system/cpu. What cannot change
// while the same CPUs are online is kept (collectors/fact_cache.h); the current and highest
// frequency and the throttle counts are read at every report.
#include <algorithm>
#include <cctype>

#include "collectors/cpuinfo.h"
#include "collectors/fact_cache.h"
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

// What cannot change while the same CPUs are online: /proc/cpuinfo's model, flags and counts,
// and per CPU its topology, lowest and base frequency. The highest frequency is not kept: it
// moves when turbo is switched off or on (intel_pstate's no_turbo).
struct CpuFacts {
  schema::CpuInfo info;
  std::vector<CpuSysfs> cpus;  // cpu, min_khz, base_khz, package_id, core_id
};

// The cpu<N> folders and the "online" list: a CPU brought online or offline changes it.
struct CpuSignature {
  std::vector<std::string> names;
  std::string online;
  bool operator==(const CpuSignature&) const = default;
};

class CpuinfoCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("devices/system/cpu/");
    const SteadyTime now = ctx.Now();
    auto names = ListDir(base);
    CpuSignature signature;
    if (names) {
      for (std::string& name : *names) {
        if (IsCpuDir(name)) signature.names.push_back(std::move(name));
      }
    }
    if (auto online = ReadTrimmed(base + "online")) signature.online = *online;
    const CpuFacts* facts = cache_.Get(signature, now);
    if (!facts) {
      auto read = ReadFacts(ctx.paths, base, signature.names);
      if (!read) return MakeError(read.error());
      facts = &cache_.Put(std::move(signature), std::move(*read), now);
    }

    schema::CpuInfo info = facts->info;
    std::vector<CpuSysfs> cpus = facts->cpus;
    for (CpuSysfs& c : cpus) {
      const std::string dir = base + "cpu" + std::to_string(c.cpu) + "/";
      c.cur_khz = ReadU64(dir + "cpufreq/scaling_cur_freq");
      c.max_khz = ReadU64(dir + "cpufreq/cpuinfo_max_freq");
      c.core_throttle_count = ReadU64(dir + "thermal_throttle/core_throttle_count");
      c.package_throttle_count = ReadU64(dir + "thermal_throttle/package_throttle_count");
    }
    ApplyCpuSysfs(cpus, info);
    const bool has_freq = std::any_of(cpus.begin(), cpus.end(),
                                      [](const CpuSysfs& c) { return c.max_khz || c.cur_khz; });
    const bool has_throttle = std::any_of(cpus.begin(), cpus.end(), [](const CpuSysfs& c) {
      return c.core_throttle_count || c.package_throttle_count;
    });
    if (!has_freq) MarkAbsent(report, "cpu_frequency");
    if (!has_throttle) MarkAbsent(report, "cpu_throttle");
    HardwareOf(report).cpu = std::move(info);
    return Status::Ok();
  }

 private:
  static Result<CpuFacts> ReadFacts(const Paths& paths, const std::string& base,
                                    const std::vector<std::string>& cpu_dirs) {
    auto text = ReadFile(paths.Proc("cpuinfo"));
    if (!text) return MakeError(text.error());
    auto info = ParseCpuinfo(*text);
    if (!info) return MakeError(info.error());
    CpuFacts facts{std::move(*info), {}};
    for (const std::string& name : cpu_dirs) {
      CpuSysfs c;
      c.cpu = static_cast<unsigned>(*ParseU64(std::string_view(name).substr(3)));
      const std::string dir = base + name + "/";
      c.min_khz = ReadU64(dir + "cpufreq/cpuinfo_min_freq");
      c.base_khz = ReadU64(dir + "cpufreq/base_frequency");
      c.package_id = ReadU64(dir + "topology/physical_package_id");
      c.core_id = ReadU64(dir + "topology/core_id");
      facts.cpus.push_back(c);
    }
    std::sort(facts.cpus.begin(), facts.cpus.end(),
              [](const CpuSysfs& a, const CpuSysfs& b) { return a.cpu < b.cpu; });
    return facts;
  }

  FactCache<CpuSignature, CpuFacts> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewCpuinfoCollector() { return std::make_unique<CpuinfoCollector>(); }

}  // namespace wardwatch::agent
