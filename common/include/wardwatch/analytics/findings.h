// All findings of one site in one value: per-machine aging results, the replace-first list,
// the heatmap, bottleneck hours and the bandwidth verdict. What the API, the console and the
// leadership report read.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "wardwatch/analytics/aging.h"
#include "wardwatch/analytics/peak.h"

namespace wardwatch::analytics {

struct FleetInput {
  std::vector<MachineInventory> inventories;
  std::map<std::string, MachineMeta> meta;  // by machine id
  FleetHours hours;                         // hourly rollups over the window
  std::map<std::int64_t, SiteBucket> buckets;
};

struct Findings {
  std::int64_t as_of = 0;
  std::vector<AgingResult> machines;       // sorted by machine id
  std::vector<std::string> replace_first;  // machine ids in ranked order (replace and upgrade)
  std::map<std::string, UsageSummary> usage;
  Heatmap heatmap;
  std::vector<Bottleneck> bottlenecks;
  BandwidthVerdict verdict;
  std::int64_t total_cost_vnd = 0;
};

Findings ComputeFindings(const FleetInput& in, const SiteConfig& c, std::int64_t as_of);
nlohmann::json FindingsToJson(const Findings& f);
nlohmann::json UsageToJson(const UsageSummary& u);

}  // namespace wardwatch::analytics
