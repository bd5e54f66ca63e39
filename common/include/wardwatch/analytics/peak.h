// Peak-hour analysis: site WAN utilisation per 5-minute bucket against the uplink, the
// hour x weekday heatmap of p95 utilisation, bottleneck hours with their top contributors,
// and the bandwidth verdict.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wardwatch/analytics/aging.h"
#include "wardwatch/analytics/intervals.h"
#include "wardwatch/analytics/site_config.h"

namespace wardwatch::analytics {

struct HeatCell {
  int weekday = 0, hour = 0;
  std::uint32_t samples = 0;  // 5-minute buckets
  double p95_utilisation_down = 0, p95_utilisation_up = 0;
  double p95_demand_down_mbps = 0, p95_demand_up_mbps = 0;
  double mean_utilisation_down = 0;
  std::optional<double> median_latency_seconds;
};

struct Heatmap {
  std::int64_t from = 0, to = 0;  // Unix seconds, [from, to)
  int weeks = 0;
  std::array<HeatCell, 7 * 24> cells{};                       // index weekday * 24 + hour
  std::optional<double> baseline_latency_seconds;             // off-peak median of bucket latencies
  double peak_demand_down_mbps = 0, peak_demand_up_mbps = 0;  // max cell p95
  const HeatCell& at(int weekday, int hour) const { return cells[weekday * 24 + hour]; }
};

// Buckets in [to - weeks*7 days, to).
Heatmap ComputeHeatmap(const std::map<std::int64_t, SiteBucket>& buckets, const SiteConfig& c,
                       std::int64_t to);

struct Contributor {
  std::string name;
  std::uint64_t bytes = 0;
  double share = 0;  // of the cell's WAN bytes
};

struct Bottleneck {
  int weekday = 0, hour = 0;
  double p95_utilisation = 0;  // max of down and up
  std::string direction;       // down, up
  std::optional<double> latency_seconds, latency_factor;
  bool by_utilisation = false, by_latency = false;
  std::vector<Contributor> machines, apps, services;  // top 5 each
  std::string text_vi, text_en;
};

// Machine-hour rollups of every machine keyed by machine id (with hostnames for naming).
struct FleetHours {
  std::map<std::string, std::vector<MachineHour>> hours;
  std::map<std::string, std::string> hostnames;
};

std::vector<Bottleneck> FindBottlenecks(const Heatmap& h, const FleetHours& fleet,
                                        const SiteConfig& c);

struct BandwidthVerdict {
  std::string kind;  // upgrade_plan, sufficient, lan_side, no_data
  double peak_demand_mbps = 0;
  double required_mbps = 0;
  double current_mbps = 0;
  std::optional<BandwidthPlan> plan;
  std::vector<std::string> lan_side_machines;  // hostnames whose NIC / Wi-Fi is the problem
  std::string text_vi, text_en;
};

BandwidthVerdict DecideBandwidth(const Heatmap& h, const std::vector<Bottleneck>& bottlenecks,
                                 const std::vector<MachineInventory>& inventories,
                                 const std::map<std::string, UsageSummary>& usage,
                                 const SiteConfig& c);

nlohmann::json HeatmapToJson(const Heatmap& h);
nlohmann::json BottleneckToJson(const Bottleneck& b);
nlohmann::json VerdictToJson(const BandwidthVerdict& v);

}  // namespace wardwatch::analytics
