// Plain data the console shows, as decoded from the collector's read API (see api_parse.h).
// Every field is optional in the API: absent numbers stay NaN / 0 and views show "—".
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace wardwatch::console {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Machine flags the officer filters by; one bit each.
enum Flag : std::uint32_t {
  kFlagFailingDisk = 1u << 0,
  kFlagHddBoot = 1u << 1,
  kFlagLowRam = 1u << 2,
  kFlagOsUnsupported = 1u << 3,
  kFlagSlowNic = 1u << 4,
  kFlagOffline = 1u << 5,
};
inline constexpr std::array<Flag, 6> kAllFlags = {kFlagFailingDisk,   kFlagHddBoot, kFlagLowRam,
                                                  kFlagOsUnsupported, kFlagSlowNic, kFlagOffline};

enum class Recommendation { kUnknown, kFine, kWatch, kUpgrade, kReplace };

// A sentence in both languages.
struct Bilingual {
  std::string vi;
  std::string en;
};

// One row of the fleet table (GET /api/v1/machines).
struct MachineSummary {
  std::string id;
  std::string name;
  std::string department;
  std::string room;
  std::string user;
  double age_years = kNaN;
  std::string age_source;  // purchase_date | bios | disk_power_on_hours
  double score = kNaN;     // aging score 0..100
  Recommendation recommendation = Recommendation::kUnknown;
  std::string recommendation_detail;  // e.g. "add_ram", "ssd"
  double cost_vnd = kNaN;
  std::string cpu_model;
  std::string cpu_short;  // ShortCpuName(cpu_model), made once when parsed, for the fleet table
  int cpu_cores = 0;      // logical CPUs (threads)
  double ram_bytes = kNaN;
  std::string boot_disk_type;  // ssd | hdd | nvme
  double boot_disk_bytes = kNaN;
  std::string os;
  std::int64_t last_seen_ms = 0;
  std::uint32_t flags = 0;
  Bilingual summary;  // one-line recommendation with its reason (tooltip)
};

struct EvidenceItem {
  std::string key;
  double value = kNaN;
  double threshold = kNaN;
  double weight = kNaN;
  std::string unit;
  Bilingual text;
};

struct Point {
  std::int64_t t_ms = 0;
  double v = kNaN;
};

struct Series {
  std::string name;  // cpu_busy_ratio, memory_pressure_ratio, disk_busy_ratio, ...
  std::string unit;
  std::vector<Point> points;
};

struct SmartAttribute {
  std::string name;
  double value = kNaN;
  bool warning = false;
};

struct Disk {
  std::string name;
  std::string model;
  std::string type;
  double size_bytes = kNaN;
  bool boot = false;
  std::string health;  // ok | warning | failing
  double power_on_hours = kNaN;
  std::vector<SmartAttribute> smart;
};

struct AppUsage {
  std::string name;
  double office_hours_seconds = kNaN;
  double foreground_seconds = kNaN;
  double wan_bytes = kNaN;
  int machines = 0;  // fleet-wide ranking only
};

struct Probe {
  std::string name;
  std::string target;
  double latency_seconds = kNaN;
  double baseline_seconds = kNaN;
  double failure_ratio = kNaN;
};

struct MachineMeta {
  std::string purchase_date;  // YYYY-MM-DD
  std::string asset_tag;
  std::string department;
  std::string room;
  std::string user;
  std::string notes;
  bool operator==(const MachineMeta&) const = default;
};

// GET /api/v1/machines/{id}.
struct MachineDetail {
  MachineSummary summary;
  std::vector<std::pair<std::string, std::string>> inventory;  // label, value
  std::vector<EvidenceItem> evidence;
  std::vector<Series> history;
  std::vector<Disk> disks;
  std::vector<AppUsage> top_apps;
  std::vector<Probe> probes;
  MachineMeta meta;
  std::string platform;             // "windows", "linux", ... ("" when not given)
  std::int64_t last_report_ms = 0;  // when the PC collected its latest report; 0: not given
};

// GET /api/v1/network/heatmap: p95 uplink utilisation by weekday (0 = Monday) × hour.
struct Heatmap {
  std::array<std::array<double, 24>, 7> cells{};  // NaN: no data
  int weeks = 0;
  std::string direction = "receive";
  double capacity_down_mbps = kNaN;
  double capacity_up_mbps = kNaN;
  double baseline_latency_seconds = kNaN;
  double peak_demand_down_mbps = kNaN;
  int max_cell_samples = 0;  // 5-minute buckets in the fullest cell: 12 per week of data
  Heatmap() {
    for (auto& row : cells) row.fill(kNaN);
  }
};

struct Contributor {
  std::string name;
  double bytes = kNaN;
  double share = kNaN;  // 0..1
};

struct BottleneckHour {
  int weekday = -1;  // 0 = Monday
  int hour = -1;
  double p95_utilisation = kNaN;
  double latency_ratio = kNaN;  // probe latency / off-peak baseline
  double latency_seconds = kNaN;
  std::string direction;  // down | up
  std::vector<Contributor> machines;
  std::vector<Contributor> apps;
  std::vector<Contributor> services;
  Bilingual text;
};

struct Verdict {
  std::string kind;  // upgrade_bandwidth | enough | fix_lan | unknown
  double current_mbps = kNaN;
  double required_mbps = kNaN;
  double recommended_plan_mbps = kNaN;
  double peak_demand_mbps = kNaN;
  std::string plan_name;
  Bilingual text;
  // PCs held back by their own network card or Wi-Fi (the verdict counts them; these are they).
  std::vector<std::string> lan_side_machines;
};

// GET /api/v1/network/bottlenecks.
struct NetworkStatus {
  double capacity_down_mbps = kNaN;
  double capacity_up_mbps = kNaN;
  double utilisation_now = kNaN;  // 0..1
  // The collector answered what "now" is, possibly null (no PC reported in the last 15
  // minutes): then "now" is unknown, not the last bucket of `today`.
  bool utilisation_now_reported = false;
  std::vector<Point> today;  // utilisation 0..1 over today
  std::vector<BottleneckHour> bottlenecks;
  double portal_latency_seconds = kNaN;
  double portal_baseline_seconds = kNaN;
  std::vector<Point> portal_latency;  // seconds over today
  Verdict verdict;
};

struct MachineRef {
  std::string id;
  std::string name;
};

// One name + version from GET /api/v1/software/installed.
struct InstalledSoftware {
  std::string name;
  std::string version;
  std::vector<std::string> sources;      // dpkg, registry, ...
  int machines = 0;                      // machines with this version
  int name_machines = 0;                 // machines with any version of this name
  std::vector<MachineRef> machine_list;  // the first ones, by hostname
  bool machine_list_truncated = false;
};

// GET /api/v1/software/installed?q=QUERY: the fleet-wide installed-software search.
struct InstalledSearch {
  std::string query;
  std::vector<InstalledSoftware> packages;
  int machines_total = 0;
  int machines_with_list = 0;  // the others have not sent a list since the collector started
  int matched_machines = 0;
  int matched_packages = 0;  // before the collector's limit
  bool truncated = false;
};

struct UnsupportedOs {
  std::string machine_id;
  std::string machine_name;
  std::string os;
  std::string end_of_support;
};

// GET /api/v1/software.
struct SoftwareData {
  std::vector<AppUsage> ranking;
  std::vector<UnsupportedOs> unsupported_os;
};

struct Finding {
  std::string kind;
  std::string machine_id;
  std::string severity;
  Bilingual text;
};

// The fleet list with what the collector said about the whole site.
struct FleetData {
  std::vector<MachineSummary> machines;
  std::int64_t generated_at_ms = 0;  // collector's clock; 0 when not given
  double utilisation_now = kNaN;     // when the list carries it
};

}  // namespace wardwatch::console
