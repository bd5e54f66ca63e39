// The aging score (0-100) of one machine with its evidence, the recommendation with its
// estimated cost, and the fleet's replace-first ranking. Pure functions over plain structs.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wardwatch/analytics/intervals.h"
#include "wardwatch/analytics/site_config.h"
#include "wardwatch/report.h"

namespace wardwatch::analytics {

// What the latest report says about the machine.
struct MachineInventory {
  std::string machine_id, hostname, platform;
  std::int64_t last_seen = 0;  // Unix seconds
  std::string os_id, os_version, os_pretty;
  std::string vendor, product, bios_date;  // bios_date as DMI writes it (MM/DD/YYYY)
  std::string cpu_model;
  std::uint32_t cpu_threads = 0;
  std::uint64_t ram_bytes = 0;  // MemTotal
  std::optional<std::uint32_t> chassis_type;
  bool laptop = false;
  // Boot disk.
  bool has_boot_disk = false;
  std::string disk_name, disk_model;
  std::uint64_t disk_size_bytes = 0;
  bool disk_rotational = false;
  std::optional<bool> smart_passed;
  std::map<std::uint32_t, std::uint64_t> smart_raw;  // ATA attribute id -> raw
  std::optional<std::uint64_t> nvme_percentage_used, nvme_media_errors;
  std::optional<std::uint64_t> power_on_hours;
  // Network.
  std::string nic_name;
  std::optional<std::uint64_t> nic_speed_bytes;
  bool nic_wireless = false;
  std::optional<double> wifi_signal_dbm;
  // The last LAN speed test that succeeded (bytes per second each way).
  std::optional<double> lan_download_bytes_per_second, lan_upload_bytes_per_second;
  std::optional<double> battery_wear_ratio;
};

MachineInventory ExtractInventory(const Report& r);
// Whether the last LAN speed test's slower direction is at most
// thresholds.slow_lan_bytes_per_second (no test: false). The score and the bandwidth verdict
// both use it.
bool SlowLan(const MachineInventory& m, const Thresholds& t);
nlohmann::json InventoryToJson(const MachineInventory& m);

// What the officer entered.
struct MachineMeta {
  std::string purchase_date;  // YYYY-MM-DD
  std::string asset_tag, department, room, primary_user, notes;
};
nlohmann::json MetaToJson(const MachineMeta& m);
// Validates: purchase_date must be a real YYYY-MM-DD date, strings bounded; errors name the
// field. Absent keys keep their old value from `base`.
Result<MachineMeta> MetaFromJson(const nlohmann::json& j, const MachineMeta& base = {});

// Office-hour usage over the analysis window, summed from hourly rollups.
struct UsageSummary {
  double office_seconds = 0;
  double office_cpu_busy_ratio = 0;
  double cpu_saturated_share = 0;  // office intervals with CPU busy >= threshold
  std::uint32_t office_intervals = 0;
  double memory_pressure_ratio = 0;  // PSI memory some / office seconds
  double io_pressure_ratio = 0;
  double swap_in_pages_per_office_hour = 0;
  double hard_fault_reads_per_office_hour = 0;  // vmstat pgmajfault; Windows' memory signal
  std::uint64_t office_throttle_events = 0;
  std::optional<std::uint64_t> smart_reallocated_first, smart_reallocated_last;
  double nic_busy_share = 0;  // intervals with the NIC itself near its link speed
  std::uint64_t wan_bytes = 0, lan_bytes = 0;
};
UsageSummary SummarizeUsage(const std::vector<MachineHour>& hours, const SiteConfig& c);

struct Evidence {
  std::string key;   // stable: "age", "smart_5", "hdd_boot", "low_ram", "os_eol", ...
  double value = 0;  // measured
  std::string unit;  // "years", "sectors", "ratio", "bytes", "days", "bool"
  double threshold = 0;
  double weight = 0;  // the most points this item can give
  double points = 0;  // given
  std::string text_vi, text_en;
};

enum class Recommendation { kFine, kWatch, kUpgrade, kReplace };
const char* RecommendationName(Recommendation r);  // fine, watch, upgrade, replace
// 15.000.000 đ (vi) / 15,000,000 VND (en).
std::string FormatVnd(std::int64_t vnd, bool vi);

struct AgingResult {
  std::string machine_id, hostname;
  int score = 0;
  // The score without the points that the in-place fixes (SSD, RAM, battery, NIC) would
  // remove: what decides between replacing and upgrading.
  int score_after_fixes = 0;
  std::optional<double> age_years;
  std::string age_source;          // purchase_date, bios_date, power_on_hours, unknown
  std::vector<Evidence> evidence;  // ordered by points, highest first
  Recommendation recommendation = Recommendation::kFine;
  std::vector<std::string> actions;  // replace_pc, add_ram, ssd, battery, nic, os_upgrade
  std::vector<std::string> flags;    // failing_disk, hdd, low_ram, os_eol, slow_nic, ...
  std::int64_t cost_vnd = 0;
  std::string summary_vi, summary_en;
};

AgingResult ComputeAging(const MachineInventory& inv, const UsageSummary& usage,
                         const MachineMeta& meta, const SiteConfig& c, std::int64_t now);
nlohmann::json AgingToJson(const AgingResult& a);

// Replace-first order: replace before upgrade before watch before fine, then score, then id.
std::vector<const AgingResult*> RankReplaceFirst(const std::vector<AgingResult>& fleet);

}  // namespace wardwatch::analytics
