// Reads a data folder read-only (machines, latest reports, hourly rollups, site buckets,
// metadata) and computes the findings and data coverage the report shows.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <set>

#include "analytics/engine.h"
#include "report/report.h"
#include "sqlite.h"
#include "store.h"
#include "wardwatch/analytics/local_time.h"

namespace wardwatch::collector::report {

namespace an = wardwatch::analytics;

Result<Format> ParseFormat(std::string_view s) {
  if (s == "html") return Format::kHtml;
  if (s == "pdf") return Format::kPdf;
  if (s == "csv") return Format::kCsv;
  return MakeError("format must be html, pdf or csv, got \"" + std::string(s) + "\"");
}

const char* ContentType(Format f) {
  switch (f) {
    case Format::kHtml:
      return "text/html; charset=utf-8";
    case Format::kPdf:
      return "application/pdf";
    case Format::kCsv:
      return "text/csv; charset=utf-8";
  }
  return "application/octet-stream";
}

Coverage ComputeCoverage(const std::string& id, const std::string& host,
                         const std::vector<an::MachineHour>& hours, const an::SiteConfig& site,
                         std::int64_t from, std::int64_t to) {
  Coverage c;
  c.machine_id = id;
  c.hostname = host;
  const int off = site.utc_offset_minutes;
  std::set<std::int64_t> days;
  for (const an::MachineHour& h : hours) {
    if (h.hour_start < from || h.hour_start >= to || h.seconds <= 0) continue;
    if (c.first == 0 || h.hour_start < c.first) c.first = h.hour_start;
    c.last = std::max(c.last, h.hour_start);
    days.insert(an::ToLocal(h.hour_start, off).day);
  }
  const std::int64_t d0 = an::ToLocal(from, off).day, d1 = an::ToLocal(to - 1, off).day;
  int run = 0;
  std::int64_t run_from = 0;
  for (std::int64_t d = d0; d <= d1; ++d) {
    const int weekday = static_cast<int>(((d % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
    if (!site.office.workdays[static_cast<std::size_t>(weekday)]) continue;
    ++c.office_days_total;
    if (days.count(d)) {
      ++c.office_days_reported;
      run = 0;
    } else {
      if (run++ == 0) run_from = d;
      if (run > c.longest_gap_days) {
        c.longest_gap_days = run;
        c.gap_from = run_from * 86400 - off * 60;
      }
    }
  }
  return c;
}

namespace {

Result<std::int64_t> ParseDay(const std::string& s, const char* what, int off) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || !an::ParseDate(s, y, m, d)) {
    return MakeError(std::string(what) + " must be a date YYYY-MM-DD, got \"" + s + "\"");
  }
  return an::LocalMidnight(y, m, d, off);
}

}  // namespace

Result<Model> LoadModel(const std::string& data_dir, const an::SiteConfig& site_in,
                        const Options& o) {
  namespace fs = std::filesystem;
  Model m;
  m.vi = o.vi;
  m.site = site_in;
  m.office = o.office.empty() ? site_in.office_name : o.office;
  m.now = o.now != 0 ? o.now
                     : std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const std::string wdb = (fs::path(data_dir) / "wardwatch.db").string();
  const std::string adb = (fs::path(data_dir) / "analytics.db").string();
  for (const auto& p : {wdb, adb}) {
    if (!fs::exists(p)) return MakeError("no " + p + " (has a collector stored reports there?)");
  }
  auto raw = sqlite::Db::Open(wdb, true);
  if (!raw) return MakeError(raw.error());
  (void)raw->Exec("PRAGMA busy_timeout = 5000");
  an::FleetInput in;
  std::int64_t last = 0;
  {
    auto st = raw->Prepare(
        "SELECT m.id, m.hostname, r.body FROM machines m JOIN reports r ON r.machine_id = m.id "
        "JOIN (SELECT machine_id, max(sequence) AS seq FROM reports GROUP BY machine_id) x "
        "ON r.machine_id = x.machine_id AND r.sequence = x.seq WHERE m.revoked = 0 ORDER BY m.id");
    if (!st) return MakeError(wdb + ": " + st.error());
    int rc;
    while ((rc = st->Step()) == SQLITE_ROW) {
      auto json = StoredReportJson(st->Text(2));
      auto rep = json ? DecodeReport(*json) : Result<Report>(MakeError(json.error()));
      if (!rep) continue;  // a body that no longer decodes: the machine is left out
      an::MachineInventory inv = an::ExtractInventory(*rep);
      if (inv.hostname.empty()) inv.hostname = st->Text(1);
      last = std::max<std::int64_t>(last, static_cast<std::int64_t>(rep->collected_at_ms / 1000));
      in.hours.hostnames[inv.machine_id] = inv.hostname;
      m.inventory[inv.machine_id] = inv;
      in.inventories.push_back(std::move(inv));
    }
    if (rc != SQLITE_DONE) return MakeError(wdb + ": read latest reports: " + raw->Error());
  }
  const int off = site_in.utc_offset_minutes;
  if (!o.from.empty() || !o.to.empty()) {
    if (o.from.empty() || o.to.empty()) return MakeError("--from and --to go together");
    if (!o.period.empty()) return MakeError("period and from/to exclude each other");
    auto f = ParseDay(o.from, "from", off);
    if (!f) return MakeError(f.error());
    auto t = ParseDay(o.to, "to", off);
    if (!t) return MakeError(t.error());
    if (*t < *f) return MakeError("to (" + o.to + ") is before from (" + o.from + ")");
    if (*t - *f > 400LL * 86400) return MakeError("the period is longer than 400 days");
    m.from = *f;
    m.to = *t + 86400;
  } else {
    m.to = last > 0 ? (last + an::kBucketSeconds - 1) / an::kBucketSeconds * an::kBucketSeconds
                    : m.now;
    std::int64_t span =
        std::max<std::int64_t>(site_in.usage_window_days, site_in.heatmap_weeks * 7LL);
    if (!o.period.empty()) {
      int n = 0;
      const char* b = o.period.data();
      const char* e = b + o.period.size();
      auto [p, ec] = std::from_chars(b, e, n);
      if (ec != std::errc() || p + 1 != e || *p != 'd' || n < 1 || n > 400) {
        return MakeError("period must be Nd with N in 1..400 (e.g. 28d), got \"" + o.period + "\"");
      }
      span = n;
    }
    m.from = m.to - span * 86400;
  }
  const std::int64_t days = (m.to - m.from + 86399) / 86400;
  m.site.usage_window_days = static_cast<int>(days);
  m.site.heatmap_weeks = static_cast<int>(std::max<std::int64_t>(1, (days + 6) / 7));

  auto adbh = sqlite::Db::Open(adb, true);
  if (!adbh) return MakeError(adbh.error());
  (void)adbh->Exec("PRAGMA busy_timeout = 5000");
  if (auto loaded = LoadFleetHours(adbh->get(), m.from - 3600, m.to, in.hours); !loaded) {
    return MakeError(adb + ": " + loaded.error());
  }
  {
    // Doubles need the raw statement: sqlite::Stmt exposes only Int/Text.
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(adbh->get(),
                           "SELECT start, wan_rx, wan_tx, latency_sum, latency_count, machines "
                           "FROM site_buckets WHERE start >= ? AND start < ?",
                           -1, &s, nullptr) != SQLITE_OK) {
      return MakeError(adb + ": " + adbh->Error());
    }
    sqlite::Stmt keep(s);
    sqlite3_bind_int64(s, 1, m.to - m.site.heatmap_weeks * 7LL * 86400);
    sqlite3_bind_int64(s, 2, m.to);
    while (sqlite3_step(s) == SQLITE_ROW) {
      an::SiteBucket b;
      b.start = sqlite3_column_int64(s, 0);
      b.wan_rx = sqlite3_column_double(s, 1);
      b.wan_tx = sqlite3_column_double(s, 2);
      b.latency_sum_seconds = sqlite3_column_double(s, 3);
      b.latency_count = static_cast<std::uint32_t>(sqlite3_column_int64(s, 4));
      b.machines = static_cast<std::uint32_t>(sqlite3_column_int64(s, 5));
      in.buckets[b.start] = b;
    }
  }
  {
    auto st = adbh->Prepare("SELECT machine_id, data FROM machine_meta");
    if (st) {
      while (st->Step() == SQLITE_ROW) {
        auto meta = an::MetaFromJson(nlohmann::json::parse(st->Text(1), nullptr, false));
        if (meta) in.meta[st->Text(0)] = *meta;
      }
    }
  }
  m.findings = an::ComputeFindings(in, m.site, m.to);
  static const std::vector<an::MachineHour> kNone;
  for (const auto& inv : in.inventories) {
    auto it = in.hours.hours.find(inv.machine_id);
    m.coverage.push_back(ComputeCoverage(inv.machine_id, inv.hostname,
                                         it != in.hours.hours.end() ? it->second : kNone, m.site,
                                         m.from, m.to));
  }
  {
    // Enrolled machines that never sent a report are in the coverage too, as "never".
    auto st = raw->Prepare(
        "SELECT id, hostname FROM machines WHERE revoked = 0 AND NOT EXISTS "
        "(SELECT 1 FROM reports r WHERE r.machine_id = machines.id)");
    if (!st) return MakeError(wdb + ": " + st.error());
    while (st->Step() == SQLITE_ROW) {
      m.coverage.push_back(ComputeCoverage(st->Text(0), st->Text(1), kNone, m.site, m.from, m.to));
    }
  }
  std::sort(m.coverage.begin(), m.coverage.end(),
            [](const Coverage& a, const Coverage& b) { return a.hostname < b.hostname; });
  return m;
}

}  // namespace wardwatch::collector::report
