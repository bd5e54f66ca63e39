// The collector's analytics: turns stored reports into hourly machine rollups and 5-minute
// site WAN buckets (DATA_DIR/analytics.db, kept >= 400 days), prunes raw reports after the
// retention window, keeps machine metadata, and computes findings on its own worker thread —
// never on the HTTP I/O threads. API handlers post work here and are answered from the worker.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <variant>

#include "fleet.h"
#include "sqlite.h"
#include "wardwatch/analytics/findings.h"
#include "wardwatch/analytics/site_config.h"
#include "wardwatch/report.h"

namespace wardwatch::collector {

// What the API and /metrics read: one consistent computation.
struct AnalyticsSnapshot {
  analytics::Findings findings;
  nlohmann::json findings_json;
  nlohmann::json software_json;                     // fleet-wide application ranking
  std::map<std::string, nlohmann::json> inventory;  // machine id -> inventory JSON
  std::map<std::string, analytics::MachineMeta> meta;
  // Machine id -> its top applications over the usage window (office-hours running time).
  std::map<std::string, nlohmann::json> machine_apps;
  // The uplink now and today: utilisation_now_ratio (latest 5-min bucket, null when no
  // bucket of the last 15 min), utilisation_now_at, today [{t_ms, v}] since local midnight.
  nlohmann::json uplink_now;
  std::int64_t computed_at = 0;  // Unix seconds (wall clock)
  double compute_seconds = 0;
};

class AnalyticsEngine {
 public:
  struct Options {
    std::string data_dir;
    std::string wardwatch_db;  // the raw report store, for pruning
    analytics::SiteConfig site;
    int raw_retention_days = 14;
    int rollup_retention_days = 400;
    double recompute_seconds = 60;
    std::size_t queue_capacity = 200000;
  };
  static Result<std::unique_ptr<AnalyticsEngine>> Open(const Options& options, const Fleet& fleet);
  ~AnalyticsEngine();
  AnalyticsEngine(const AnalyticsEngine&) = delete;
  AnalyticsEngine& operator=(const AnalyticsEngine&) = delete;

  // After a report committed (any thread); never blocks, drops (and counts) when full.
  void Ingest(std::shared_ptr<const Report> report);
  // Runs fn on the worker thread after everything ingested before this call.
  bool Post(std::function<void(AnalyticsEngine&)> fn);
  // On the worker: flushes pending rollups and recomputes the findings.
  std::shared_ptr<const AnalyticsSnapshot> RecomputeNow();
  std::shared_ptr<const AnalyticsSnapshot> Latest() const;

  // Worker-thread helpers for the API (they read analytics.db).
  Result<analytics::MachineMeta> GetMeta(const std::string& id);
  Status PutMeta(const std::string& id, const analytics::MachineMeta& meta);
  Result<std::vector<analytics::MachineHour>> History(const std::string& id, std::int64_t from,
                                                      std::int64_t to);
  // Storage facts for docs and benches.
  nlohmann::json StorageStats();

  const analytics::SiteConfig& site() const { return o_.site; }
  std::uint64_t ingested() const { return ingested_; }
  std::uint64_t dropped() const { return dropped_; }
  // Reports waiting for the worker thread.
  std::size_t queued() const;
  double site_wan_rx_total() const { return wan_rx_total_.load(); }
  double site_wan_tx_total() const { return wan_tx_total_.load(); }
  void Stop();

 private:
  AnalyticsEngine(const Options& o, const Fleet& fleet) : o_(o), fleet_(fleet) {}
  using Job = std::variant<std::shared_ptr<const Report>, std::function<void(AnalyticsEngine&)>>;
  void Loop();
  void Add(const std::shared_ptr<const Report>& report);
  Status Flush();
  Status Prune();
  std::shared_ptr<const AnalyticsSnapshot> Compute();

  Options o_;
  const Fleet& fleet_;
  sqlite::Db db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread worker_;

  // Worker-thread state.
  std::map<std::string, std::shared_ptr<const Report>> prev_;
  std::map<std::pair<std::string, std::int64_t>, analytics::MachineHour> dirty_hours_;
  std::map<std::int64_t, analytics::SiteBucket> dirty_buckets_;
  bool changed_since_compute_ = true;
  std::int64_t last_prune_ = 0;

  mutable std::mutex snap_mu_;
  std::shared_ptr<const AnalyticsSnapshot> snapshot_;
  std::atomic<std::uint64_t> ingested_{0}, dropped_{0};
  std::atomic<double> wan_rx_total_{0}, wan_tx_total_{0};
};

// Loads DATA_DIR/site.json (or `path` when given); defaults when absent.
Result<analytics::SiteConfig> LoadSiteConfig(const std::string& data_dir, const std::string& path);

// Reads the hourly rollups with hour_start in [from, to) of every machine in
// `fleet.hostnames` into `fleet.hours`, each machine's in time order: one primary-key range per
// machine, so SQLite neither sorts (one ordered query over the time index spilled a temporary
// B-tree to disk) nor reads hours outside the window, however long the retention. Rows that
// do not decode are skipped and counted in the result.
Result<std::size_t> LoadFleetHours(sqlite3* db, std::int64_t from, std::int64_t to,
                                   analytics::FleetHours& fleet);

}  // namespace wardwatch::collector
