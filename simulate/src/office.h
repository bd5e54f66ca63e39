// The simulated office: a reproducible fleet plan (who is old, failing, slow; when the uplink
// is congested and by whom) and the report stream each machine would send. Everything is a
// function of the seed: std::mt19937_64 for the plan, a keyed SplitMix64 hash for per-interval
// noise (so any machine's interval can be generated without replaying the others).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wardwatch/analytics/site_config.h"
#include "wardwatch/report.h"

namespace wardwatch::simulate {

struct SimOptions {
  std::uint64_t seed = 1;
  int machines = 60;
  int days = 28;
  int step_minutes = 5;
  std::int64_t end = 0;  // Unix seconds, aligned to the step; history is [end - days, end)
  double uplink_mbps = 100;
  int utc_offset_minutes = 7 * 60;
};

enum class Kind { kNew, kMiddle, kOld };

struct MachinePlan {
  int index = 0;
  std::string machine_id, hostname, department;
  Kind kind = Kind::kNew;
  std::string planted;               // replace, upgrade, healthy
  std::vector<std::string> reasons;  // evidence keys the analytics must find
  std::string platform, os_id, os_version, os_pretty, os_kernel;
  std::string bios_date;  // MM/DD/YYYY, empty when the BIOS hides it
  double age_years = 0;
  std::string vendor, product, cpu_model;
  std::uint32_t threads = 4;
  std::uint64_t ram_bytes = 0;
  bool hdd = false, nvme = false;
  std::string disk_model;
  std::uint64_t disk_size_bytes = 0;
  std::uint64_t power_on_hours_at_start = 0;
  bool failing_disk = false;
  std::uint64_t reallocated_start = 0;
  double reallocated_per_day = 0;
  std::uint64_t nvme_used_percent = 0;
  double nic_speed_bytes = 125'000'000;
  bool wireless = false;
  double wifi_dbm = -50;
  bool laptop = false;
  double battery_wear = 0;
  double cpu_busy_base = 0.15, cpu_saturated_prob = 0.0;
  double memory_pressure = 0.01, io_pressure = 0.02, swap_in_per_interval = 0;
  bool throttles = false;
  bool always_on = false;
  bool capture = true;
  std::string browser, office_suite, pdf_reader;
  // Installed software (what the agent's package collector would list), planned per machine
  // from the seed: some PCs lag behind on versions, some lack a program, a few have an extra.
  std::vector<schema::Package> packages;
  bool zoom = true, teams = true;  // the video-call programs installed (at least one)
};

// One congested block: a working day's local hours [first_hour, last_hour] and the machines
// that fill the line, each with its role's application and remote service.
struct Culprit {
  int machine = 0;
  std::string app, service;
  double down_share = 0, up_ratio = 0;  // share of the planted demand; upload / download
};
struct CongestedBlock {
  std::int64_t day = 0;  // local day number
  int weekday = 0, first_hour = 0, last_hour = 0;
  std::vector<Culprit> culprits;
};

class Office {
 public:
  explicit Office(const SimOptions& o);

  const SimOptions& options() const { return o_; }
  const std::vector<MachinePlan>& machines() const { return machines_; }
  const std::vector<CongestedBlock>& blocks() const { return blocks_; }
  std::int64_t start() const { return start_; }
  std::int64_t step_seconds() const { return step_; }

  // Is the machine running during the interval that ends at t?
  bool IsOn(int machine, std::int64_t t) const;
  // Site uplink utilisation (download) in the bucket starting at b, after TCP sharing.
  double Utilisation(std::int64_t bucket) const;

  // What the analytics should find: planted machines and congested hour cells.
  nlohmann::json Truth() const;
  // A site.json matching the simulated office (uplink, time zone).
  analytics::SiteConfig SiteConfig() const;

  struct Demand {
    double down = 0, up = 0;                       // bytes in the bucket, before sharing
    std::map<std::string, double> apps, services;  // download+upload bytes by name
  };
  Demand DesiredDemand(int machine, std::int64_t bucket, bool detail = true) const;
  // Download and upload scale factors of the bucket (<= 1 when the line is full).
  std::pair<double, double> Scale(std::int64_t bucket) const;

 private:
  void PlanFleet();
  void PlanCongestion();
  const CongestedBlock* BlockAt(std::int64_t bucket) const;

  SimOptions o_;
  std::int64_t start_ = 0, step_ = 300;
  std::vector<MachinePlan> machines_;
  std::vector<CongestedBlock> blocks_;
  std::map<std::int64_t, std::size_t> block_by_day_hour_;  // day*24+hour -> block index
  struct Load {
    double scale_down = 1, scale_up = 1, utilisation = 0;
  };
  Load ComputeLoad(std::int64_t bucket) const;
  Load LoadAt(std::int64_t bucket) const;
  std::vector<Load> load_;  // every bucket of [start, end)
  mutable std::mutex live_mu_;
  mutable std::map<std::int64_t, Load> live_load_;  // --live buckets after end
};

// Generates one machine's reports in time order, keeping its cumulative counters.
class MachineStream {
 public:
  MachineStream(const Office& office, int machine);
  // The report for the interval ending at t, or false when the machine is off.
  bool Next(std::int64_t t, Report& out);

 private:
  const Office& office_;
  const MachinePlan& m_;
  std::uint64_t sequence_ = 0;
  bool was_on_ = false;
  bool sent_packages_ = false;
  std::string inventory_hash_;
  double boot_time_ = 0;
  // Cumulative counters since boot.
  std::vector<double> cpu_busy_, cpu_idle_, cpu_iowait_;
  double mem_some_ = 0, io_some_ = 0, cpu_some_ = 0;
  double disk_io_time_ = 0, disk_read_bytes_ = 0, disk_written_bytes_ = 0;
  std::uint64_t pswpin_ = 0, pswpout_ = 0, pgmajfault_ = 0;
  // Windows: all page faults, and disk reads that resolved hard faults (its pgmajfault).
  double win_faults_ = 0, win_hard_reads_ = 0;
  std::uint64_t throttle_ = 0;
  std::uint64_t wan_rx_ = 0, wan_tx_ = 0, lan_rx_ = 0, lan_tx_ = 0;
  std::uint64_t if_rx_ = 0, if_tx_ = 0, if_rx_pkts_ = 0, if_tx_pkts_ = 0;
  std::uint64_t probe_attempts_ = 0, probe_failures_ = 0;
  std::uint64_t retrans_ = 0;
  std::uint64_t sent_total_ = 0;
};

// Deterministic noise in [0, 1) keyed by the seed and up to four integers.
double Noise(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0,
             std::uint64_t d = 0);

}  // namespace wardwatch::simulate
