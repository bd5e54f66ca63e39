// Durable store: SQLite (WAL, synchronous=FULL) with one writer thread that group-commits
// queued jobs, and a separate read connection.
#include "store.h"

#include <chrono>
#include <filesystem>

#include "gzip.h"
#include "log.h"
#include "wardwatch/json_decode.h"
#include "wardwatch/report.h"
#include "wardwatch/schema/visit.h"

namespace wardwatch::collector {
namespace {

Status BackfillPackageLists(sqlite::Db& db);

// Each entry moves the schema from version i to i + 1, in one transaction with its `then`
// step; never edit a released entry.
struct Migration {
  const char* sql;
  Status (*then)(sqlite::Db&) = nullptr;
};
constexpr Migration kMigrations[] = {
    {R"sql(
CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  enrolled_at_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  last_seen_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE reports (
  machine_id TEXT NOT NULL REFERENCES machines(id),
  sequence INTEGER NOT NULL,
  collected_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (machine_id, sequence)
);
CREATE INDEX reports_by_received ON reports(received_at_ms);
)sql"},
    // The last full package list per machine (JSON array), from the report that carried it.
    {R"sql(
CREATE TABLE machine_packages (
  machine_id TEXT PRIMARY KEY REFERENCES machines(id),
  sequence INTEGER NOT NULL,
  inventory_hash TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  packages TEXT NOT NULL
);
)sql",
     BackfillPackageLists},
};
static_assert(std::size(kMigrations) == Store::kSchemaVersion);

Status Configure(sqlite::Db& db) {
  return db.Exec("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
}

Status Migrate(sqlite::Db& db) {
  {
    auto mode = db.Prepare("PRAGMA journal_mode = WAL");
    if (!mode) return MakeError(mode.error());
    if (mode->Step() != SQLITE_ROW || mode->Text(0) != "wal") {
      return MakeError("cannot switch the database to WAL mode: " + db.Error());
    }
  }  // finalised here: an open statement would block the migrations' COMMIT
  if (auto s = db.Exec("PRAGMA synchronous = FULL;"); !s) return s;
  auto version = db.UserVersion();
  if (!version) return MakeError(version.error());
  if (*version > Store::kSchemaVersion) {
    return MakeError("database schema version " + std::to_string(*version) +
                     " is newer than this collector understands (" +
                     std::to_string(Store::kSchemaVersion) + ")");
  }
  for (auto v = *version; v < Store::kSchemaVersion; ++v) {
    const Migration& m = kMigrations[v];
    Status s = db.Exec(std::string("BEGIN IMMEDIATE;") + m.sql);
    if (s && m.then != nullptr) s = m.then(db);
    if (s) s = db.Exec("PRAGMA user_version = " + std::to_string(v + 1) + "; COMMIT;");
    if (!s) {
      (void)db.Exec("ROLLBACK;");
      return MakeError("migration to schema version " + std::to_string(v + 1) +
                       " failed: " + s.error());
    }
    LogInfo("store: migrated database schema to version " + std::to_string(v + 1));
  }
  return Status::Ok();
}

// Schema 2 on a database that already holds reports: each machine's newest stored report
// that carried a full package list becomes its kept list, so an upgraded collector keeps
// answering the installed-software search. Reads every report body of a machine whose list
// came only in its first report (once, on upgrade).
Status BackfillPackageLists(sqlite::Db& db) {
  const auto started = std::chrono::steady_clock::now();
  auto reports = db.Prepare(
      "SELECT machine_id, sequence, received_at_ms, body FROM reports "
      "ORDER BY machine_id, sequence DESC");
  if (!reports) return MakeError(reports.error());
  auto insert = db.Prepare(
      "INSERT INTO machine_packages (machine_id, sequence, inventory_hash, received_at_ms, "
      "packages) VALUES (?, ?, ?, ?, ?)");
  if (!insert) return MakeError(insert.error());
  std::string machine;
  bool found = false;
  std::int64_t scanned = 0, recovered = 0;
  int rc;
  while ((rc = reports->Step()) == SQLITE_ROW) {
    std::string id = reports->Text(0);
    if (id != machine) {
      machine = std::move(id);
      found = false;
    }
    if (found) continue;
    ++scanned;
    auto json = StoredReportJson(reports->Text(3));
    if (!json || json->find("\"packages\"") == std::string::npos) continue;
    auto report = DecodeReport(*json);
    if (!report || !report->software || !report->software->packages) continue;
    auto& st = *insert;
    st.Reset();
    st.Bind(1, machine);
    st.Bind(2, reports->Int(1));
    st.Bind(3, report->software->inventory_hash);
    st.Bind(4, reports->Int(2));
    st.Bind(5, EncodePackageList(*report->software->packages));
    if (st.Step() != SQLITE_DONE) return MakeError("insert into machine_packages: " + db.Error());
    found = true;
    ++recovered;
  }
  if (rc != SQLITE_DONE) return MakeError("read reports: " + db.Error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (scanned == 0) return Status::Ok();  // a new database
  LogInfo("store: package lists of " + std::to_string(recovered) +
          " machine(s) recovered from the stored reports (" + std::to_string(scanned) +
          " read in " + std::to_string(seconds) + " s)");
  return Status::Ok();
}

}  // namespace

std::string EncodePackageList(const std::vector<schema::Package>& packages) {
  nlohmann::json list = nlohmann::json::array();
  for (const schema::Package& p : packages) list.push_back(schema::EncodeVisitable(p));
  return list.dump();
}

Result<std::vector<schema::Package>> DecodePackageList(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc) return MakeError(doc.error());
  if (!doc->is_array()) return MakeError("packages: expected an array");
  json::Decoder d;
  std::vector<schema::Package> out;
  out.reserve(doc->size());
  for (std::size_t i = 0; i < doc->size(); ++i) {
    json::Object o((*doc)[i], json::IndexPath("packages", i), d);
    schema::Package p;
    if (o.valid()) schema::DecodeVisitable(o, p);
    if (d.failed()) return MakeError(d.error());
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::unique_ptr<Store>> Store::Open(const Options& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec)
    return MakeError("cannot create data directory " + options.data_dir + ": " + ec.message());
  auto store = std::unique_ptr<Store>(new Store());  // private constructor
  store->path_ = (std::filesystem::path(options.data_dir) / "wardwatch.db").string();
  store->capacity_ = options.queue_capacity;

  auto writer = sqlite::Db::Open(store->path_, /*read_only=*/false);
  if (!writer) return MakeError(writer.error());
  store->writer_db_ = std::move(*writer);
  if (auto s = Configure(store->writer_db_); !s) return MakeError(store->path_ + ": " + s.error());
  if (auto s = Migrate(store->writer_db_); !s) return MakeError(store->path_ + ": " + s.error());

  auto reader = sqlite::Db::Open(store->path_, /*read_only=*/true);
  if (!reader) return MakeError(reader.error());
  store->reader_db_ = std::move(*reader);
  if (auto s = Configure(store->reader_db_); !s) return MakeError(store->path_ + ": " + s.error());

  store->writer_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return store;
}

Store::~Store() { Stop(); }

void Store::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::size_t Store::queue_depth() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

bool Store::Enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

bool Store::Submit(IngestJob job) { return Enqueue(std::move(job)); }
bool Store::Submit(EnrollJob job) { return Enqueue(std::move(job)); }

void Store::WriterLoop() {
  for (;;) {
    std::deque<Job> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      batch.swap(queue_);          // group commit: everything pending goes in one transaction
    }
    CommitBatch(batch);
  }
}

Status Store::RunBatch(std::deque<Job>& batch, std::vector<IngestOutcome>& outcomes) {
  auto insert_report = writer_db_.Prepare(
      "INSERT OR IGNORE INTO reports (machine_id, sequence, collected_at_ms, received_at_ms, body) "
      "VALUES (?, ?, ?, ?, ?)");
  if (!insert_report) return MakeError(insert_report.error());
  auto touch_machine =
      writer_db_.Prepare("UPDATE machines SET last_seen_ms = max(last_seen_ms, ?) WHERE id = ?");
  if (!touch_machine) return MakeError(touch_machine.error());
  auto upsert_machine = writer_db_.Prepare(
      "INSERT INTO machines (id, hostname, token_hash, enrolled_at_ms, revoked) "
      "VALUES (?, ?, ?, ?, 0) ON CONFLICT(id) DO UPDATE SET hostname = excluded.hostname, "
      "token_hash = excluded.token_hash, enrolled_at_ms = excluded.enrolled_at_ms, revoked = 0");
  if (!upsert_machine) return MakeError(upsert_machine.error());
  // A list from an older report than the kept one (a late replay) does not replace it.
  auto keep_packages = writer_db_.Prepare(
      "INSERT INTO machine_packages (machine_id, sequence, inventory_hash, received_at_ms, "
      "packages) VALUES (?, ?, ?, ?, ?) ON CONFLICT(machine_id) DO UPDATE SET "
      "sequence = excluded.sequence, inventory_hash = excluded.inventory_hash, "
      "received_at_ms = excluded.received_at_ms, packages = excluded.packages "
      "WHERE excluded.sequence >= machine_packages.sequence");
  if (!keep_packages) return MakeError(keep_packages.error());

  for (auto& job : batch) {
    if (auto* ingest = std::get_if<IngestJob>(&job)) {
      auto& st = *insert_report;
      st.Reset();
      st.Bind(1, ingest->machine_id);
      st.Bind(2, static_cast<std::int64_t>(ingest->sequence));
      st.Bind(3, static_cast<std::int64_t>(ingest->collected_at_ms));
      st.Bind(4, ingest->received_at_ms);
      if (ingest->body_gzip) {
        st.BindBlob(5, ingest->body);
      } else {
        st.Bind(5, ingest->body);
      }
      if (st.Step() != SQLITE_DONE) return MakeError("insert into reports: " + writer_db_.Error());
      const bool stored = sqlite3_changes(writer_db_.get()) == 1;
      outcomes.push_back(stored ? IngestOutcome::kStored : IngestOutcome::kDuplicate);
      if (stored) {
        auto& t = *touch_machine;
        t.Reset();
        t.Bind(1, ingest->received_at_ms);
        t.Bind(2, ingest->machine_id);
        if (t.Step() != SQLITE_DONE) return MakeError("update machines: " + writer_db_.Error());
        if (ingest->packages_json) {
          auto& k = *keep_packages;
          k.Reset();
          k.Bind(1, ingest->machine_id);
          k.Bind(2, static_cast<std::int64_t>(ingest->sequence));
          k.Bind(3, ingest->inventory_hash);
          k.Bind(4, ingest->received_at_ms);
          k.Bind(5, *ingest->packages_json);
          if (k.Step() != SQLITE_DONE) {
            return MakeError("upsert into machine_packages: " + writer_db_.Error());
          }
        }
      }
    } else {
      auto& enroll = std::get<EnrollJob>(job);
      auto& st = *upsert_machine;
      st.Reset();
      st.Bind(1, enroll.machine_id);
      st.Bind(2, enroll.hostname);
      st.Bind(3, enroll.token_hash);
      st.Bind(4, enroll.enrolled_at_ms);
      if (st.Step() != SQLITE_DONE) return MakeError("upsert into machines: " + writer_db_.Error());
      outcomes.push_back(IngestOutcome::kStored);
    }
  }
  return Status::Ok();
}

void Store::CommitBatch(std::deque<Job>& batch) {
  std::vector<IngestOutcome> outcomes;
  outcomes.reserve(batch.size());
  Status status = writer_db_.Exec("BEGIN IMMEDIATE;");
  if (status) status = RunBatch(batch, outcomes);
  if (status) {
    status = writer_db_.Exec("COMMIT;");
    if (!status) status = MakeError("commit: " + status.error());
  }
  if (!status) {
    (void)writer_db_.Exec("ROLLBACK;");  // nothing partial: every job of the batch fails
    storage_errors_.fetch_add(1);
    healthy_.store(false);
    LogError("store: transaction of " + std::to_string(batch.size()) + " job(s) on " + path_ +
             " failed and was rolled back: " + status.error());
  } else {
    commits_.fetch_add(1);
    if (!healthy_.exchange(true)) LogInfo("store: writes succeed again on " + path_);
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (auto* ingest = std::get_if<IngestJob>(&batch[i])) {
      if (ingest->done) ingest->done(status ? outcomes[i] : IngestOutcome::kStorageError);
    } else {
      auto& enroll = std::get<EnrollJob>(batch[i]);
      if (enroll.done) enroll.done(status);
    }
  }
}

Result<std::vector<MachineRow>> Store::LoadMachines() {
  std::lock_guard lock(reader_mu_);
  auto st = reader_db_.Prepare(
      "SELECT id, hostname, token_hash, enrolled_at_ms, revoked, last_seen_ms FROM machines "
      "ORDER BY id");
  if (!st) return MakeError(st.error());
  std::vector<MachineRow> rows;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    rows.push_back(
        {st->Text(0), st->Text(1), st->Text(2), st->Int(3), st->Int(4) != 0, st->Int(5)});
  }
  if (rc != SQLITE_DONE) return MakeError("read machines: " + reader_db_.Error());
  return rows;
}

Result<std::vector<StoredReport>> Store::LoadLatestReports() {
  std::lock_guard lock(reader_mu_);
  auto st = reader_db_.Prepare(
      "SELECT r.machine_id, r.sequence, r.received_at_ms, r.body FROM reports r "
      "JOIN (SELECT machine_id, max(sequence) AS seq FROM reports GROUP BY machine_id) m "
      "ON r.machine_id = m.machine_id AND r.sequence = m.seq ORDER BY r.machine_id");
  if (!st) return MakeError(st.error());
  std::vector<StoredReport> rows;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    auto json = StoredReportJson(st->Text(3));
    if (!json) {
      LogWarn("store: report " + st->Text(0) + "#" + std::to_string(st->Int(1)) +
              " cannot be read back, skipped: " + json.error());
      continue;
    }
    rows.push_back(
        {st->Text(0), static_cast<std::uint64_t>(st->Int(1)), st->Int(2), std::move(*json)});
  }
  if (rc != SQLITE_DONE) return MakeError("read latest reports: " + reader_db_.Error());
  return rows;
}

Result<std::int64_t> Store::CountReports() {
  std::lock_guard lock(reader_mu_);
  auto st = reader_db_.Prepare("SELECT count(*) FROM reports");
  if (!st) return MakeError(st.error());
  if (st->Step() != SQLITE_ROW) return MakeError("count reports: " + reader_db_.Error());
  return st->Int(0);
}

Result<std::vector<PackageListRow>> Store::LoadPackageLists() {
  std::lock_guard lock(reader_mu_);
  auto st = reader_db_.Prepare(
      "SELECT machine_id, sequence, inventory_hash, received_at_ms, packages "
      "FROM machine_packages ORDER BY machine_id");
  if (!st) return MakeError(st.error());
  std::vector<PackageListRow> rows;
  int rc;
  while ((rc = st->Step()) == SQLITE_ROW) {
    auto packages = DecodePackageList(st->Text(4));
    if (!packages) {
      LogWarn("store: package list of " + st->Text(0) + " (report #" + std::to_string(st->Int(1)) +
              ") cannot be read back, skipped: " + packages.error());
      continue;
    }
    rows.push_back({st->Text(0), static_cast<std::uint64_t>(st->Int(1)), st->Text(2), st->Int(3),
                    std::move(*packages)});
  }
  if (rc != SQLITE_DONE) return MakeError("read machine_packages: " + reader_db_.Error());
  return rows;
}

Result<std::int64_t> PruneRawReports(sqlite::Db& db, std::int64_t received_before_ms, int batch) {
  auto del = db.Prepare(
      "DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports AS r "
      "WHERE received_at_ms < ?1 AND sequence < (SELECT max(sequence) FROM reports "
      "WHERE machine_id = r.machine_id) ORDER BY received_at_ms LIMIT ?2)");
  if (!del) return MakeError(del.error());
  std::int64_t total = 0;
  for (;;) {
    del->Reset();
    del->Bind(1, received_before_ms);
    del->Bind(2, static_cast<std::int64_t>(batch));
    if (del->Step() != SQLITE_DONE) return MakeError("prune reports: " + db.Error());
    const int n = sqlite3_changes(db.get());
    total += n;
    if (n < batch) return total;
  }
}

Result<std::string> StoredReportJson(std::string body) {
  constexpr std::size_t kMaxReportBytes = 64u << 20;
  if (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x1f ||
      static_cast<unsigned char>(body[1]) != 0x8b) {
    return body;
  }
  auto inflated = GunzipBounded(body, kMaxReportBytes);
  if (inflated.kind != InflateResult::Kind::kOk) {
    return MakeError("stored gzip body: " + inflated.message);
  }
  return std::move(inflated.data);
}

}  // namespace wardwatch::collector
