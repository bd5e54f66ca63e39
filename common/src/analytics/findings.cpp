// Computes every finding of a site from inventories, metadata and rollups.
#include "wardwatch/analytics/findings.h"

#include <algorithm>

namespace wardwatch::analytics {

Findings ComputeFindings(const FleetInput& in, const SiteConfig& c, std::int64_t as_of) {
  Findings f;
  f.as_of = as_of;
  const std::int64_t from = as_of - static_cast<std::int64_t>(c.usage_window_days) * 86400;
  static const std::vector<MachineHour> kNone;
  static const MachineMeta kNoMeta;
  for (const MachineInventory& inv : in.inventories) {
    auto it = in.hours.hours.find(inv.machine_id);
    const std::vector<MachineHour>& all = it != in.hours.hours.end() ? it->second : kNone;
    std::vector<MachineHour> window;
    for (const MachineHour& h : all) {
      if (h.hour_start >= from && h.hour_start < as_of) window.push_back(h);
    }
    UsageSummary u = SummarizeUsage(window, c);
    auto m = in.meta.find(inv.machine_id);
    f.machines.push_back(ComputeAging(inv, u, m != in.meta.end() ? m->second : kNoMeta, c, as_of));
    f.usage[inv.machine_id] = u;
  }
  std::sort(f.machines.begin(), f.machines.end(),
            [](const AgingResult& a, const AgingResult& b) { return a.machine_id < b.machine_id; });
  for (const AgingResult* a : RankReplaceFirst(f.machines)) {
    if (a->recommendation == Recommendation::kReplace ||
        a->recommendation == Recommendation::kUpgrade) {
      f.replace_first.push_back(a->machine_id);
      f.total_cost_vnd += a->cost_vnd;
    }
  }
  f.heatmap = ComputeHeatmap(in.buckets, c, as_of);
  f.bottlenecks = FindBottlenecks(f.heatmap, in.hours, c);
  f.verdict = DecideBandwidth(f.heatmap, f.bottlenecks, in.inventories, f.usage, c);
  return f;
}

nlohmann::json UsageToJson(const UsageSummary& u) {
  auto opt = [](const std::optional<std::uint64_t>& o) {
    return o ? nlohmann::json(*o) : nlohmann::json(nullptr);
  };
  return {{"office_seconds", u.office_seconds},
          {"office_cpu_busy_ratio", u.office_cpu_busy_ratio},
          {"cpu_saturated_share", u.cpu_saturated_share},
          {"office_intervals", u.office_intervals},
          {"memory_pressure_ratio", u.memory_pressure_ratio},
          {"io_pressure_ratio", u.io_pressure_ratio},
          {"swap_in_pages_per_office_hour", u.swap_in_pages_per_office_hour},
          {"hard_fault_reads_per_office_hour", u.hard_fault_reads_per_office_hour},
          {"office_throttle_events", u.office_throttle_events},
          {"smart_reallocated_first", opt(u.smart_reallocated_first)},
          {"smart_reallocated_last", opt(u.smart_reallocated_last)},
          {"nic_busy_share", u.nic_busy_share},
          {"wan_bytes", u.wan_bytes},
          {"lan_bytes", u.lan_bytes}};
}

nlohmann::json FindingsToJson(const Findings& f) {
  nlohmann::json machines = nlohmann::json::array();
  for (const AgingResult& a : f.machines) {
    nlohmann::json j = AgingToJson(a);
    if (auto u = f.usage.find(a.machine_id); u != f.usage.end())
      j["usage"] = UsageToJson(u->second);
    machines.push_back(std::move(j));
  }
  nlohmann::json bottlenecks = nlohmann::json::array();
  for (const Bottleneck& b : f.bottlenecks) bottlenecks.push_back(BottleneckToJson(b));
  std::size_t replace = 0, upgrade = 0;
  for (const AgingResult& a : f.machines) {
    replace += a.recommendation == Recommendation::kReplace;
    upgrade += a.recommendation == Recommendation::kUpgrade;
  }
  return {{"as_of", f.as_of},
          {"summary",
           {{"machines", f.machines.size()},
            {"replace", replace},
            {"upgrade", upgrade},
            {"bottleneck_hours", f.bottlenecks.size()},
            {"total_cost_vnd", f.total_cost_vnd}}},
          {"machines", machines},
          {"replace_first", f.replace_first},
          {"bottlenecks", bottlenecks},
          {"verdict", VerdictToJson(f.verdict)}};
}

}  // namespace wardwatch::analytics
