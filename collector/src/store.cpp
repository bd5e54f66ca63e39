// Durable store: SQLite (WAL, synchronous=FULL) with one writer thread that group-commits
// queued jobs, and a separate read connection.
#include "store.h"

#include <filesystem>

#include "gzip.h"
#include "log.h"

namespace wardwatch::collector {
namespace {

// Each entry moves the schema from version i to i + 1; never edit a released entry.
constexpr const char* kMigrations[] = {
    R"sql(
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
)sql",
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
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kMigrations[v];
    sql += "PRAGMA user_version = " + std::to_string(v + 1) + "; COMMIT;";
    if (auto s = db.Exec(sql); !s) {
      (void)db.Exec("ROLLBACK;");
      return MakeError("migration to schema version " + std::to_string(v + 1) +
                       " failed: " + s.error());
    }
    LogInfo("store: migrated database schema to version " + std::to_string(v + 1));
  }
  return Status::Ok();
}

}  // namespace

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
