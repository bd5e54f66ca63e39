// Analytics worker: rollups into analytics.db, pruning, metadata, cached findings.
#include "analytics/engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "log.h"
#include "store.h"
#include "wardwatch/analytics/local_time.h"

namespace wardwatch::collector {

namespace an = wardwatch::analytics;

namespace {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Result<StmtPtr> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    return MakeError(std::string("prepare \"") + sql + "\": " + sqlite3_errmsg(db));
  }
  return StmtPtr(s);
}

void BindText(sqlite3_stmt* s, int i, const std::string& t) {
  sqlite3_bind_text(s, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
}

std::string ColText(sqlite3_stmt* s, int col) {
  const auto* p = sqlite3_column_text(s, col);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p),
                                    static_cast<std::size_t>(sqlite3_column_bytes(s, col)));
}

std::int64_t WallNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// machine_hours.data is EncodeMachineHour's binary record (JSON text in rows written before
// it; DecodeMachineHour reads both). The column keeps its TEXT declaration: a BLOB is stored
// as it is.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS machine_hours (
  machine_id TEXT NOT NULL, hour_start INTEGER NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (machine_id, hour_start)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS machine_hours_by_time ON machine_hours(hour_start);
CREATE TABLE IF NOT EXISTS site_buckets (
  start INTEGER PRIMARY KEY, wan_rx REAL NOT NULL, wan_tx REAL NOT NULL,
  latency_sum REAL NOT NULL, latency_count INTEGER NOT NULL, machines INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS machine_meta (machine_id TEXT PRIMARY KEY, data TEXT NOT NULL);
)sql";

}  // namespace

Result<an::SiteConfig> LoadSiteConfig(const std::string& data_dir, const std::string& path) {
  const std::string file =
      path.empty() ? (std::filesystem::path(data_dir) / "site.json").string() : path;
  std::ifstream in(file);
  if (!in) {
    if (!path.empty()) return MakeError("cannot read site config " + file);
    return an::SiteConfig{};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto c = an::ParseSiteConfig(ss.str());
  if (!c) return MakeError(file + ": " + c.error());
  return c;
}

Result<std::unique_ptr<AnalyticsEngine>> AnalyticsEngine::Open(const Options& options,
                                                               const Fleet& fleet) {
  std::unique_ptr<AnalyticsEngine> e(new AnalyticsEngine(options, fleet));
  const std::string path = (std::filesystem::path(options.data_dir) / "analytics.db").string();
  auto db = sqlite::Db::Open(path, false);
  if (!db) return MakeError("analytics: " + db.error());
  e->db_ = std::move(*db);
  if (auto s = e->db_.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                           "PRAGMA busy_timeout = 5000;");
      !s) {
    return MakeError("analytics: " + path + ": " + s.error());
  }
  if (auto s = e->db_.Exec(kSchema); !s) return MakeError("analytics: " + path + ": " + s.error());
  // Site WAN counters continue from what is stored.
  if (auto st = Prepare(e->db_.get(),
                        "SELECT coalesce(sum(wan_rx),0), coalesce(sum(wan_tx),0) "
                        "FROM site_buckets");
      st && sqlite3_step(st->get()) == SQLITE_ROW) {
    e->wan_rx_total_ = sqlite3_column_double(st->get(), 0);
    e->wan_tx_total_ = sqlite3_column_double(st->get(), 1);
  }
  // Continue intervals from the latest stored report of every machine.
  for (const MachineState& m : fleet.Snapshot()) {
    if (m.latest) e->prev_[m.row.id] = m.latest;
  }
  e->last_prune_ = WallNow() - 3600 + 300;  // first prune five minutes after start
  e->worker_ = std::thread([p = e.get()] { p->Loop(); });
  return e;
}

AnalyticsEngine::~AnalyticsEngine() { Stop(); }

void AnalyticsEngine::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void AnalyticsEngine::Ingest(std::shared_ptr<const Report> report) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_ || queue_.size() >= o_.queue_capacity) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(report));
  }
  cv_.notify_one();
}

bool AnalyticsEngine::Post(std::function<void(AnalyticsEngine&)> fn) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(fn));  // not bounded by capacity: API requests are few
  }
  cv_.notify_one();
  return true;
}

std::size_t AnalyticsEngine::queued() const {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

std::shared_ptr<const AnalyticsSnapshot> AnalyticsEngine::Latest() const {
  std::lock_guard<std::mutex> l(snap_mu_);
  return snapshot_;
}

void AnalyticsEngine::Loop() {
  auto last_flush = std::chrono::steady_clock::now();
  auto last_compute = std::chrono::steady_clock::now() - std::chrono::hours(1);
  for (;;) {
    std::deque<Job> batch;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) break;
      const std::size_t n = std::min<std::size_t>(queue_.size(), 2000);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    for (Job& j : batch) {
      if (auto* r = std::get_if<std::shared_ptr<const Report>>(&j)) {
        Add(*r);
        ++ingested_;
      } else {
        (std::get<std::function<void(AnalyticsEngine&)>>(j))(*this);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (dirty_hours_.size() + dirty_buckets_.size() > 20000 ||
        now - last_flush > std::chrono::seconds(2)) {
      if (auto s = Flush(); !s) LogError("analytics: " + s.error());
      last_flush = now;
    }
    if (changed_since_compute_ &&
        now - last_compute > std::chrono::duration<double>(o_.recompute_seconds)) {
      bool idle = false;
      {
        std::lock_guard<std::mutex> l(mu_);
        idle = queue_.empty();
      }
      if (idle) {  // not while a backfill is pouring in
        RecomputeNow();
        last_compute = now;
      }
    }
    if (WallNow() - last_prune_ >= 3600) {
      if (auto s = Prune(); !s) LogWarn("analytics: prune: " + s.error());
      last_prune_ = WallNow();
    }
  }
  if (auto s = Flush(); !s) LogError("analytics: " + s.error());
}

void AnalyticsEngine::Add(const std::shared_ptr<const Report>& report) {
  const Report& r = *report;
  auto it = prev_.find(r.machine_id);
  const Report* prev = it != prev_.end() ? it->second.get() : nullptr;
  if (prev != nullptr && prev->collected_at_ms >= r.collected_at_ms) return;  // late or duplicate
  const an::IntervalSample s = an::MakeInterval(prev, r, o_.site);
  const std::int64_t hour =
      an::HourStart(s.start + (s.end - s.start) / 2, o_.site.utc_offset_minutes);
  an::MachineHour& h = dirty_hours_[{r.machine_id, hour}];
  h.hour_start = hour;
  an::AddToHour(h, s, o_.site);
  an::AddToBuckets(dirty_buckets_, s);
  wan_rx_total_ = wan_rx_total_.load() + static_cast<double>(s.wan_rx);
  wan_tx_total_ = wan_tx_total_.load() + static_cast<double>(s.wan_tx);
  // The next interval starts from this report (shared with the fleet, not copied).
  prev_[r.machine_id] = report;
  changed_since_compute_ = true;
}

Status AnalyticsEngine::Flush() {
  if (dirty_hours_.empty() && dirty_buckets_.empty()) return Status::Ok();
  sqlite3* db = db_.get();
  if (auto s = db_.Exec("BEGIN IMMEDIATE"); !s) return s;
  auto sel = Prepare(db, "SELECT data FROM machine_hours WHERE machine_id = ? AND hour_start = ?");
  auto put = Prepare(
      db, "INSERT OR REPLACE INTO machine_hours (machine_id, hour_start, data) VALUES (?, ?, ?)");
  auto bkt = Prepare(
      db,
      "INSERT INTO site_buckets (start, wan_rx, wan_tx, latency_sum, latency_count, machines) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(start) DO UPDATE SET "
      "wan_rx = wan_rx + excluded.wan_rx, wan_tx = wan_tx + excluded.wan_tx, "
      "latency_sum = latency_sum + excluded.latency_sum, "
      "latency_count = latency_count + excluded.latency_count, "
      "machines = machines + excluded.machines");
  if (!sel || !put || !bkt) {
    (void)db_.Exec("ROLLBACK");
    return MakeError(!sel ? sel.error() : !put ? put.error() : bkt.error());
  }
  for (auto& [key, h] : dirty_hours_) {
    sqlite3_stmt* s = sel->get();
    sqlite3_reset(s);
    BindText(s, 1, key.first);
    sqlite3_bind_int64(s, 2, key.second);
    an::MachineHour merged = h;
    if (sqlite3_step(s) == SQLITE_ROW) {
      if (auto old = an::DecodeMachineHour(ColText(s, 0)); old) {
        merged = *old;
        an::MergeHour(merged, h);
      }
    }
    // Done with the row: a SELECT left stepped keeps a read transaction open past COMMIT.
    sqlite3_reset(s);
    sqlite3_stmt* p = put->get();
    sqlite3_reset(p);
    BindText(p, 1, key.first);
    sqlite3_bind_int64(p, 2, key.second);
    const std::string record = an::EncodeMachineHour(merged);
    sqlite3_bind_blob(p, 3, record.data(), static_cast<int>(record.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(p) != SQLITE_DONE) {
      const std::string err = sqlite3_errmsg(db);
      (void)db_.Exec("ROLLBACK");
      return MakeError("write machine_hours: " + err);
    }
  }
  for (const auto& [start, b] : dirty_buckets_) {
    sqlite3_stmt* s = bkt->get();
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, start);
    sqlite3_bind_double(s, 2, b.wan_rx);
    sqlite3_bind_double(s, 3, b.wan_tx);
    sqlite3_bind_double(s, 4, b.latency_sum_seconds);
    sqlite3_bind_int64(s, 5, b.latency_count);
    sqlite3_bind_int64(s, 6, b.machines);
    if (sqlite3_step(s) != SQLITE_DONE) {
      const std::string err = sqlite3_errmsg(db);
      (void)db_.Exec("ROLLBACK");
      return MakeError("write site_buckets: " + err);
    }
  }
  if (auto s = db_.Exec("COMMIT"); !s) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  dirty_hours_.clear();
  dirty_buckets_.clear();
  return Status::Ok();
}

Status AnalyticsEngine::Prune() {
  const std::int64_t now = WallNow();
  {
    auto st = Prepare(db_.get(), "DELETE FROM machine_hours WHERE hour_start < ?");
    if (!st) return MakeError(st.error());
    sqlite3_bind_int64(st->get(), 1,
                       now - static_cast<std::int64_t>(o_.rollup_retention_days) * 86400);
    sqlite3_step(st->get());
    auto sb = Prepare(db_.get(), "DELETE FROM site_buckets WHERE start < ?");
    if (!sb) return MakeError(sb.error());
    sqlite3_bind_int64(sb->get(), 1,
                       now - static_cast<std::int64_t>(o_.rollup_retention_days) * 86400);
    sqlite3_step(sb->get());
  }
  if (o_.wardwatch_db.empty()) return Status::Ok();
  // Raw reports received before the window, in short batches (PruneRawReports). This used to
  // be one DELETE that scanned the whole table while holding the write lock: every agent's
  // report waited about a second (1,000 machines, 300,000 reports; bench/README.md).
  auto raw = sqlite::Db::Open(o_.wardwatch_db, false);
  if (!raw) return MakeError(raw.error());
  if (auto s = raw->Exec("PRAGMA busy_timeout = 5000"); !s) return s;
  auto n = PruneRawReports(*raw,
                           (now - static_cast<std::int64_t>(o_.raw_retention_days) * 86400) * 1000);
  if (!n) return MakeError(n.error());
  if (*n > 0) {
    LogInfo("analytics: pruned " + std::to_string(*n) + " raw reports received more than " +
            std::to_string(o_.raw_retention_days) + " days ago");
  }
  return Status::Ok();
}

Result<an::MachineMeta> AnalyticsEngine::GetMeta(const std::string& id) {
  auto st = Prepare(db_.get(), "SELECT data FROM machine_meta WHERE machine_id = ?");
  if (!st) return MakeError(st.error());
  BindText(st->get(), 1, id);
  if (sqlite3_step(st->get()) != SQLITE_ROW) return an::MachineMeta{};
  auto j = nlohmann::json::parse(ColText(st->get(), 0), nullptr, false);
  return an::MetaFromJson(j);
}

Status AnalyticsEngine::PutMeta(const std::string& id, const an::MachineMeta& meta) {
  auto st =
      Prepare(db_.get(), "INSERT OR REPLACE INTO machine_meta (machine_id, data) VALUES (?, ?)");
  if (!st) return MakeError(st.error());
  BindText(st->get(), 1, id);
  BindText(st->get(), 2, an::MetaToJson(meta).dump());
  if (sqlite3_step(st->get()) != SQLITE_DONE) {
    return MakeError(std::string("write machine_meta: ") + sqlite3_errmsg(db_.get()));
  }
  changed_since_compute_ = true;
  return Status::Ok();
}

Result<std::size_t> LoadFleetHours(sqlite3* db, std::int64_t from, std::int64_t to,
                                   an::FleetHours& fleet) {
  auto st = Prepare(db,
                    "SELECT data FROM machine_hours WHERE machine_id = ? AND hour_start >= ? AND "
                    "hour_start < ? ORDER BY hour_start");
  if (!st) return MakeError(st.error());
  std::size_t undecodable = 0;
  for (const auto& [id, hostname] : fleet.hostnames) {
    sqlite3_reset(st->get());
    BindText(st->get(), 1, id);
    sqlite3_bind_int64(st->get(), 2, from);
    sqlite3_bind_int64(st->get(), 3, to);
    std::vector<an::MachineHour>* hours = nullptr;
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(st->get(), 0));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(st->get(), 0));
      auto h = an::DecodeMachineHour(std::string_view(data == nullptr ? "" : data, size));
      if (!h) {
        ++undecodable;
        continue;
      }
      if (hours == nullptr) hours = &fleet.hours[id];
      hours->push_back(std::move(*h));
    }
  }
  return undecodable;
}

Result<std::vector<an::MachineHour>> AnalyticsEngine::History(const std::string& id,
                                                              std::int64_t from, std::int64_t to) {
  if (auto s = Flush(); !s) return MakeError(s.error());
  auto st = Prepare(db_.get(),
                    "SELECT data FROM machine_hours WHERE machine_id = ? AND hour_start >= ? AND "
                    "hour_start < ? ORDER BY hour_start");
  if (!st) return MakeError(st.error());
  BindText(st->get(), 1, id);
  sqlite3_bind_int64(st->get(), 2, from);
  sqlite3_bind_int64(st->get(), 3, to);
  std::vector<an::MachineHour> out;
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    auto h = an::DecodeMachineHour(ColText(st->get(), 0));
    if (h) out.push_back(std::move(*h));
  }
  return out;
}

nlohmann::json AnalyticsEngine::StorageStats() {
  nlohmann::json j;
  auto scalar = [&](const char* sql) -> std::int64_t {
    auto st = Prepare(db_.get(), sql);
    if (!st || sqlite3_step(st->get()) != SQLITE_ROW) return -1;
    return sqlite3_column_int64(st->get(), 0);
  };
  j["machine_hours_rows"] = scalar("SELECT count(*) FROM machine_hours");
  j["machine_hours_bytes"] =
      scalar("SELECT coalesce(sum(length(data)) + count(*) * 24, 0) FROM machine_hours");
  j["machine_days"] = scalar(
      "SELECT count(*) FROM (SELECT DISTINCT machine_id, hour_start / 86400 FROM machine_hours)");
  j["site_buckets_rows"] = scalar("SELECT count(*) FROM site_buckets");
  j["page_bytes"] =
      scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
  return j;
}

std::shared_ptr<const AnalyticsSnapshot> AnalyticsEngine::RecomputeNow() {
  if (auto s = Flush(); !s) LogError("analytics: " + s.error());
  auto snap = Compute();
  {
    std::lock_guard<std::mutex> l(snap_mu_);
    snapshot_ = snap;
  }
  changed_since_compute_ = false;
  return snap;
}

std::shared_ptr<const AnalyticsSnapshot> AnalyticsEngine::Compute() {
  const auto t0 = std::chrono::steady_clock::now();
  auto out = std::make_shared<AnalyticsSnapshot>();
  an::FleetInput in;
  std::int64_t last = 0;
  for (const MachineState& m : fleet_.Snapshot()) {
    if (!m.latest || m.row.revoked) continue;
    an::MachineInventory inv = an::ExtractInventory(*m.latest);
    if (inv.hostname.empty()) inv.hostname = m.row.hostname;
    last =
        std::max<std::int64_t>(last, static_cast<std::int64_t>(m.latest->collected_at_ms / 1000));
    in.hours.hostnames[inv.machine_id] = inv.hostname;
    out->inventory[inv.machine_id] = an::InventoryToJson(inv);
    in.inventories.push_back(std::move(inv));
  }
  const std::int64_t as_of =
      last > 0 ? (last + an::kBucketSeconds - 1) / an::kBucketSeconds * an::kBucketSeconds
               : WallNow();
  const std::int64_t span_days = std::max<std::int64_t>(
      o_.site.usage_window_days, static_cast<std::int64_t>(o_.site.heatmap_weeks) * 7);
  const std::int64_t from = as_of - span_days * 86400;
  (void)LoadFleetHours(db_.get(), from - 3600, as_of, in.hours);
  if (auto st = Prepare(db_.get(),
                        "SELECT start, wan_rx, wan_tx, latency_sum, latency_count, machines FROM "
                        "site_buckets WHERE start >= ? AND start < ?");
      st) {
    sqlite3_bind_int64(st->get(), 1, from);
    sqlite3_bind_int64(st->get(), 2, as_of);
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      an::SiteBucket b;
      b.start = sqlite3_column_int64(st->get(), 0);
      b.wan_rx = sqlite3_column_double(st->get(), 1);
      b.wan_tx = sqlite3_column_double(st->get(), 2);
      b.latency_sum_seconds = sqlite3_column_double(st->get(), 3);
      b.latency_count = static_cast<std::uint32_t>(sqlite3_column_int64(st->get(), 4));
      b.machines = static_cast<std::uint32_t>(sqlite3_column_int64(st->get(), 5));
      in.buckets[b.start] = b;
    }
  }
  if (auto st = Prepare(db_.get(), "SELECT machine_id, data FROM machine_meta"); st) {
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      auto m = an::MetaFromJson(nlohmann::json::parse(ColText(st->get(), 1), nullptr, false));
      if (m) in.meta[ColText(st->get(), 0)] = *m;
    }
  }
  out->meta = in.meta;
  out->findings = an::ComputeFindings(in, o_.site, as_of);
  out->findings_json = an::FindingsToJson(out->findings);
  // Fleet-wide application ranking over the usage window.
  struct AppAgg {
    double office_foreground = 0, foreground = 0, office_running = 0, running = 0, cpu = 0;
    std::uint64_t wan = 0;
    std::size_t machines = 0;
  };
  std::map<std::string, AppAgg> apps;
  const std::int64_t usage_from =
      as_of - static_cast<std::int64_t>(o_.site.usage_window_days) * 86400;
  for (const auto& [id, hours] : in.hours.hours) {
    std::map<std::string, bool> seen;
    for (const an::MachineHour& h : hours) {
      if (h.hour_start < usage_from) continue;
      for (const auto& [name, a] : h.apps) {
        AppAgg& g = apps[name];
        g.office_foreground += a.office_foreground_seconds;
        g.foreground += a.foreground_seconds;
        g.office_running += a.office_running_seconds;
        g.running += a.running_seconds;
        g.cpu += a.cpu_seconds;
        g.wan += a.wan_bytes;
        if (!seen[name]) {
          seen[name] = true;
          ++g.machines;
        }
      }
    }
  }
  std::vector<std::pair<std::string, AppAgg>> ranked(apps.begin(), apps.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.office_foreground != b.second.office_foreground
               ? a.second.office_foreground > b.second.office_foreground
               : a.first < b.first;
  });
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, g] : ranked) {
    list.push_back({{"app", name},
                    {"machines", g.machines},
                    {"office_foreground_seconds", g.office_foreground},
                    {"foreground_seconds", g.foreground},
                    {"office_running_seconds", g.office_running},
                    {"running_seconds", g.running},
                    {"cpu_seconds", g.cpu},
                    {"wan_bytes", g.wan}});
  }
  out->software_json = {{"from", usage_from}, {"to", as_of}, {"apps", list}};
  // Each machine's own top applications over the same window.
  for (const auto& [id, hours] : in.hours.hours) {
    std::map<std::string, AppAgg> mine;
    for (const an::MachineHour& h : hours) {
      if (h.hour_start < usage_from) continue;
      for (const auto& [name, a] : h.apps) {
        AppAgg& g = mine[name];
        g.office_running += a.office_running_seconds;
        g.foreground += a.foreground_seconds;
        g.cpu += a.cpu_seconds;
        g.wan += a.wan_bytes;
      }
    }
    std::vector<std::pair<std::string, AppAgg>> top(mine.begin(), mine.end());
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.second.office_running != b.second.office_running
                 ? a.second.office_running > b.second.office_running
                 : a.first < b.first;
    });
    if (top.size() > 10) top.resize(10);
    nlohmann::json apps_json = nlohmann::json::array();
    for (const auto& [name, g] : top) {
      apps_json.push_back({{"name", name},
                           {"office_hours_seconds", g.office_running},
                           {"foreground_seconds", g.foreground},
                           {"cpu_seconds", g.cpu},
                           {"wan_bytes", g.wan}});
    }
    out->machine_apps[id] = std::move(apps_json);
  }
  // The uplink now (the latest 5-minute bucket, if it is recent) and today since local
  // midnight, as a share of the downlink capacity.
  {
    const std::int64_t now = WallNow();
    const double cap = o_.site.uplink_down_mbps * 1e6 / 8 * an::kBucketSeconds;
    const std::int64_t offset = static_cast<std::int64_t>(o_.site.utc_offset_minutes) * 60;
    const std::int64_t midnight = (now + offset) / 86400 * 86400 - offset;
    nlohmann::json today = nlohmann::json::array();
    nlohmann::json util_now = nullptr, util_at = nullptr;
    for (auto it = in.buckets.lower_bound(midnight); cap > 0 && it != in.buckets.end(); ++it) {
      today.push_back({{"t_ms", it->first * 1000}, {"v", it->second.wan_rx / cap}});
    }
    if (cap > 0 && !in.buckets.empty()) {
      const an::SiteBucket& newest = in.buckets.rbegin()->second;
      if (newest.start >= now - 900 && newest.start <= now) {
        util_now = newest.wan_rx / cap;
        util_at = newest.start;
      }
    }
    out->uplink_now = {{"utilisation_now_ratio", util_now},
                       {"utilisation_now_at", util_at},
                       {"capacity_down_mbps", o_.site.uplink_down_mbps},
                       {"capacity_up_mbps", o_.site.uplink_up_mbps},
                       {"today", today}};
  }
  out->computed_at = WallNow();
  out->compute_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace wardwatch::collector
