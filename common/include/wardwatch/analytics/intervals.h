// Turns consecutive reports of one machine into interval samples (rates from cumulative
// counters, with counter resets handled), and samples into hourly rollups per machine and
// 5-minute site WAN buckets. Pure: the collector stores what these produce.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/analytics/site_config.h"
#include "wardwatch/report.h"

namespace wardwatch::analytics {

// Usage of one application in an interval.
struct AppSample {
  double cpu_seconds = 0, running_seconds = 0, office_running_seconds = 0;
  double foreground_seconds = 0, office_foreground_seconds = 0;
  std::uint64_t wan_bytes = 0;  // from traffic apps (receive + transmit)
};

// What happened on one machine between two reports.
struct IntervalSample {
  std::int64_t start = 0, end = 0;  // Unix seconds
  bool office = false;              // midpoint in office hours
  double cpu_busy_seconds = 0, cpu_total_seconds = 0;
  double memory_some_seconds = 0, io_some_seconds = 0;
  double disk_busy_seconds = 0;  // boot disk io_time
  std::uint64_t swap_in_pages = 0, swap_out_pages = 0;
  std::uint64_t hard_fault_reads = 0;  // vmstat pgmajfault (Windows: disk reads for hard faults)
  std::uint64_t wan_rx = 0, wan_tx = 0, lan_rx = 0, lan_tx = 0;
  bool wan_from_interfaces = false;  // no capture: all interface bytes counted as WAN
  std::uint64_t nic_bytes = 0;       // primary NIC rx+tx, for LAN-side saturation
  double nic_capacity_bytes_per_second = 0;
  std::uint64_t throttle_events = 0;
  std::uint64_t probe_attempts = 0, probe_failures = 0;
  std::optional<double> probe_latency_seconds;     // portal probe "total" p50 in the interval
  std::optional<std::uint64_t> smart_reallocated;  // boot disk SMART 5 raw, when reported
  std::map<std::string, AppSample> apps;
  std::map<std::string, std::uint64_t> wan_hosts;  // remote service -> bytes (wan class)
};

// Builds a sample from the previous report (nullptr for the first) and the current one.
// A counter that went down was reset (reboot, agent restart): the current value is the delta.
IntervalSample MakeInterval(const Report* prev, const Report& cur, const SiteConfig& c);

// One machine, one local hour: sums, so rollups of several writers add up. A new field goes
// into MergeHour, the stored record (HourFields in hour_codec.cpp, with a new version) and
// MachineHourToJson / MachineHourFromJson (the form older rows were stored in).
struct MachineHour {
  std::int64_t hour_start = 0;
  double seconds = 0, office_seconds = 0;
  double cpu_busy_seconds = 0, cpu_total_seconds = 0;
  double office_cpu_busy_seconds = 0, office_cpu_total_seconds = 0;
  std::uint32_t office_intervals = 0, office_saturated_intervals = 0;
  double memory_some_seconds = 0, office_memory_some_seconds = 0;
  double io_some_seconds = 0, office_io_some_seconds = 0;
  double disk_busy_seconds = 0;
  std::uint64_t swap_in_pages = 0, swap_out_pages = 0, office_swap_in_pages = 0;
  std::uint64_t office_hard_fault_reads = 0;
  std::uint64_t wan_rx = 0, wan_tx = 0, lan_rx = 0, lan_tx = 0;
  std::uint64_t nic_bytes = 0;
  double nic_capacity_bytes_per_second = 0;
  std::uint32_t nic_busy_intervals = 0;  // intervals with the NIC >= lan_nic_busy_ratio
  std::uint64_t throttle_events = 0, office_throttle_events = 0;
  std::uint64_t probe_attempts = 0, probe_failures = 0;
  std::vector<double> probe_latencies;  // per-interval p50s, at most kMaxHourLatencies
  std::uint64_t smart_reallocated_max = 0;
  bool has_smart = false;
  std::map<std::string, AppSample> apps;
  std::map<std::string, std::uint64_t> wan_hosts;
};
inline constexpr std::size_t kMaxHourLatencies = 120;

void AddToHour(MachineHour& h, const IntervalSample& s, const SiteConfig& c);
void MergeHour(MachineHour& into, const MachineHour& from);
nlohmann::json MachineHourToJson(const MachineHour& h);
Result<MachineHour> MachineHourFromJson(const nlohmann::json& j);
// How a rollup is stored (machine_hours.data): a compact binary record (hour_codec.cpp).
std::string EncodeMachineHour(const MachineHour& h);
// Reads EncodeMachineHour's record, or the JSON text (MachineHourToJson) of older rows; a
// damaged or unknown record is an error that says what and where.
Result<MachineHour> DecodeMachineHour(std::string_view stored);

// Site WAN demand in one 5-minute bucket: sums over machines.
struct SiteBucket {
  std::int64_t start = 0;
  double wan_rx = 0, wan_tx = 0;  // bytes (fractions when an interval spans buckets)
  double latency_sum_seconds = 0;
  std::uint32_t latency_count = 0;
  std::uint32_t machines = 0;
};
inline constexpr std::int64_t kBucketSeconds = 300;

// Spreads the sample's WAN bytes over the 5-minute buckets it overlaps; the probe latency
// goes to the bucket holding its end.
void AddToBuckets(std::map<std::int64_t, SiteBucket>& buckets, const IntervalSample& s);

}  // namespace wardwatch::analytics
