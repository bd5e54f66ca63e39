// Site configuration for the analytics: time zone, office hours, uplink capacity, thresholds,
// the VND price table and the standard bandwidth plans. Read from JSON (site.json).
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::analytics {

// One span of office time within a day, in minutes after local midnight: [begin, end).
struct TimeSpan {
  int begin_minute = 0;
  int end_minute = 0;
};

struct OfficeHours {
  std::vector<TimeSpan> spans = {{7 * 60 + 30, 11 * 60 + 30}, {13 * 60, 17 * 60}};
  std::array<bool, 7> workdays = {true, true, true, true, true, false, false};  // Mon..Sun
};

// Prices in VND, used to estimate what a recommendation costs.
struct PriceTable {
  std::int64_t new_desktop_vnd = 15'000'000;
  std::int64_t new_laptop_vnd = 18'000'000;
  std::int64_t ssd_vnd = 1'000'000;      // 256 GB SATA SSD + cloning
  std::int64_t ram_vnd = 800'000;        // one 8 GB module
  std::int64_t battery_vnd = 1'200'000;  // laptop battery
  std::int64_t nic_vnd = 300'000;        // gigabit network card
  std::int64_t os_upgrade_vnd = 0;       // licence/labour for a supported OS
};

struct BandwidthPlan {
  std::string name;
  double down_mbps = 0;
  double up_mbps = 0;
  std::int64_t monthly_vnd = 0;
};

// Thresholds of the aging score and the peak-hour analysis; defaults are documented in
// docs/analytics.md.
struct Thresholds {
  double old_age_years = 8;                         // full age points
  double middle_age_years = 5;                      // half age points
  double low_ram_bytes = 4.5 * 1024 * 1024 * 1024;  // 4 GB machines report ~3.8 GiB
  double memory_pressure_ratio = 0.10;              // PSI memory "some" share of office time
  double swap_in_pages_per_hour = 2000;             // office-hour swap-in rate
  // Windows (no PSI, no page-file read count): office-hour disk reads for hard page faults,
  // 5 a second ("Memory\\Page Reads/sec" above 5 sustained: the classic sign of too little RAM).
  double hard_fault_reads_per_hour = 18000;
  double cpu_saturated_share = 0.20;  // share of office intervals with CPU busy >= 90 %
  double cpu_saturated_busy = 0.90;
  double io_pressure_ratio = 0.20;  // PSI io "some" share of office time
  double battery_wear_ratio = 0.40;
  double nvme_used_percent = 80;
  double slow_nic_bytes_per_second = 12'500'000;  // 100 Mb/s
  double weak_wifi_dbm = -70;
  // The agent's LAN speed test (slower of download and upload): a healthy 100 Mb/s link gives
  // about 11.5 MB/s, so less than this is the cable, the switch port or the Wi-Fi.
  double slow_lan_bytes_per_second = 10'000'000;
  int os_eol_warning_days = 365;
  int replace_score = 60;
  // Replace only if the score left after the in-place fixes (SSD, RAM, battery, NIC) is at
  // least this: a 5-year-old PC whose only faults are its disk gets an SSD, not a new PC.
  int replace_residual_score = 25;
  int watch_score = 20;
  // Peak-hour analysis.
  double bottleneck_utilisation = 0.80;  // p95 of 5-minute utilisation in the hour cell
  double latency_factor = 2.0;           // probe latency vs off-peak baseline
  double target_utilisation = 0.70;      // headroom for the bandwidth verdict
  double offpeak_utilisation = 0.50;     // buckets below this make the latency baseline
  double lan_nic_busy_ratio = 0.80;      // a PC's own NIC this busy is a LAN-side bottleneck
};

struct SiteConfig {
  std::string office_name = "UBND phường";
  int utc_offset_minutes = 7 * 60;  // Asia/Ho_Chi_Minh: fixed UTC+7, no DST
  OfficeHours office;
  double uplink_down_mbps = 100;
  double uplink_up_mbps = 100;
  std::vector<std::string> office_subnets;
  std::string portal_probe = "portal";  // the external probe whose latency is watched
  int heatmap_weeks = 4;
  int usage_window_days = 28;  // office-hour usage summaries for the aging score
  PriceTable prices;
  std::vector<BandwidthPlan> plans = {
      {"50 Mb/s", 50, 50, 500'000},      {"100 Mb/s", 100, 100, 800'000},
      {"150 Mb/s", 150, 150, 1'100'000}, {"200 Mb/s", 200, 200, 1'500'000},
      {"300 Mb/s", 300, 300, 2'200'000}, {"500 Mb/s", 500, 500, 3'500'000},
      {"1 Gb/s", 1000, 1000, 6'000'000}};
  Thresholds thresholds;
};

// Parses a site.json document; unknown keys are refused (a typo must not be silently ignored)
// and every error names the key.
Result<SiteConfig> ParseSiteConfig(std::string_view text);
nlohmann::json SiteConfigToJson(const SiteConfig& c);

}  // namespace wardwatch::analytics
