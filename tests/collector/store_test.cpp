// Tests the SQLite store on real files: insert, duplicate, reopen, group commit, queue bound,
// all-or-nothing batches when SQLite fails, the kept package lists and the upgrade of a
// schema-1 database.
#include "store.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <random>

#include "test_gzip.h"
#include "wardwatch/report.h"

using namespace wardwatch::collector;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("wardwatch-store-test-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::unique_ptr<Store> OpenStore(const TempDir& dir, std::size_t capacity = 10000) {
  auto store = Store::Open({dir.path.string(), capacity});
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error()));
  return std::move(*store);
}

void Enroll(Store& store, const std::string& id) {
  std::promise<wardwatch::Status> done;
  REQUIRE(store.Submit(EnrollJob{id, id + "-host", "hash-of-" + id, 1000,
                                 [&done](wardwatch::Status s) { done.set_value(s); }}));
  auto s = done.get_future().get();
  REQUIRE_MESSAGE(s.ok(), s.error());
}

IngestJob Job(const std::string& id, std::uint64_t seq, std::function<void(IngestOutcome)> done) {
  IngestJob job;
  job.machine_id = id;
  job.sequence = seq;
  job.collected_at_ms = 5000 + seq;
  job.received_at_ms = 6000 + static_cast<std::int64_t>(seq);
  job.body = "{\"sequence\":" + std::to_string(seq) + "}";
  job.done = std::move(done);
  return job;
}

IngestOutcome Ingest(Store& store, const std::string& id, std::uint64_t seq) {
  std::promise<IngestOutcome> done;
  REQUIRE(store.Submit(Job(id, seq, [&done](IngestOutcome o) { done.set_value(o); })));
  return done.get_future().get();
}

// Holds the writer thread inside a callback until released, so that jobs pile up.
struct WriterGate {
  std::promise<void> entered, release;
  std::shared_future<void> released{release.get_future().share()};
  void Block(Store& store) {
    REQUIRE(store.Submit(EnrollJob{"gate", "gate", "gate-hash", 1, [this](wardwatch::Status) {
                                     entered.set_value();
                                     released.wait();
                                   }}));
    entered.get_future().wait();
  }
};

// Runs `sql` on its own read-only connection and reads the first column of its first row.
template <typename Read>
auto QueryFirst(const fs::path& db, const char* sql, Read read) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, sql, -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  auto v = read(st);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  return v;
}

std::int64_t QueryInt(const fs::path& db, const char* sql) {
  return QueryFirst(db, sql, [](sqlite3_stmt* st) { return sqlite3_column_int64(st, 0); });
}

std::string QueryText(const fs::path& db, const char* sql) {
  return QueryFirst(db, sql, [](sqlite3_stmt* st) {
    const auto* text = sqlite3_column_text(st, 0);
    return std::string(text == nullptr ? "" : reinterpret_cast<const char*>(text));
  });
}

}  // namespace

TEST_CASE("store: WAL mode, synchronous FULL and schema version") {
  TempDir dir;
  auto store = OpenStore(dir);
  const fs::path db = dir.path / "wardwatch.db";
  CHECK(fs::exists(db));
  CHECK(QueryInt(db, "PRAGMA user_version") == Store::kSchemaVersion);
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "wal");
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

TEST_CASE("store: insert, duplicate, and reopen keeps machines and rows") {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    Enroll(*store, "m1");
    CHECK(Ingest(*store, "m1", 1) == IngestOutcome::kStored);
    CHECK(Ingest(*store, "m1", 2) == IngestOutcome::kStored);
    CHECK(Ingest(*store, "m1", 1) == IngestOutcome::kDuplicate);
    CHECK(*store->CountReports() == 2);
  }
  auto store = OpenStore(dir);  // a restart
  auto machines = store->LoadMachines();
  REQUIRE(machines.ok());
  REQUIRE(machines->size() == 1);
  CHECK(machines->at(0).id == "m1");
  CHECK(machines->at(0).token_hash == "hash-of-m1");
  CHECK(machines->at(0).last_seen_ms == 6002);
  auto latest = store->LoadLatestReports();
  REQUIRE(latest.ok());
  REQUIRE(latest->size() == 1);
  CHECK(latest->at(0).sequence == 2);
  CHECK(latest->at(0).body == "{\"sequence\":2}");
  CHECK(Ingest(*store, "m1", 2) == IngestOutcome::kDuplicate);
  CHECK(*store->CountReports() == 2);
}

TEST_CASE("store: gzip bodies are kept as received and read back as JSON") {
  TempDir dir;
  const std::string json = R"({"sequence":7,"note":"gzip on the wire"})";
  const std::string gz = wardwatch::test::Gzip(json);
  {
    auto store = OpenStore(dir);
    Enroll(*store, "m1");
    std::promise<IngestOutcome> done;
    IngestJob job = Job("m1", 7, [&done](IngestOutcome o) { done.set_value(o); });
    job.body = gz;
    job.body_gzip = true;
    REQUIRE(store->Submit(std::move(job)));
    CHECK(done.get_future().get() == IngestOutcome::kStored);
  }
  {  // on disk: the very bytes the agent sent, as a BLOB
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open((dir.path / "wardwatch.db").string().c_str(), &raw) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw, "SELECT typeof(body), body FROM reports", -1, &st, nullptr) ==
            SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "blob");
    CHECK(std::string(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                      static_cast<std::size_t>(sqlite3_column_bytes(st, 1))) == gz);
    sqlite3_finalize(st);
    sqlite3_close(raw);
  }
  auto store = OpenStore(dir);
  auto latest = store->LoadLatestReports();
  REQUIRE(latest.ok());
  REQUIRE(latest->size() == 1);
  CHECK(latest->at(0).body == json);
}

TEST_CASE("StoredReportJson: JSON text as it is, gzip inflated, damage named") {
  const std::string json = R"({"a":1})";
  struct Case {
    const char* name;
    std::string stored;
    bool ok;
    std::string want;  // the JSON, or a fragment of the error
  };
  std::string truncated = wardwatch::test::Gzip(json);
  truncated.resize(truncated.size() - 6);
  const Case cases[] = {
      {"JSON text", json, true, json},
      {"empty", "", true, ""},
      {"gzip", wardwatch::test::Gzip(json), true, json},
      {"truncated gzip", truncated, false, "stored gzip body"},
      {"gzip magic, garbage after", std::string("\x1f\x8bnot deflate"), false, "stored gzip body"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = StoredReportJson(c.stored);
    REQUIRE(r.ok() == c.ok);
    if (c.ok) {
      CHECK(*r == c.want);
    } else {
      CHECK(r.error().find(c.want) != std::string::npos);
    }
  }
}

TEST_CASE("store: re-enrolling replaces the token hash") {
  TempDir dir;
  auto store = OpenStore(dir);
  Enroll(*store, "m1");
  std::promise<wardwatch::Status> done;
  REQUIRE(store->Submit(EnrollJob{"m1", "renamed", "new-hash", 2000,
                                  [&done](wardwatch::Status s) { done.set_value(s); }}));
  REQUIRE(done.get_future().get().ok());
  auto machines = store->LoadMachines();
  REQUIRE(machines->size() == 1);
  CHECK(machines->at(0).token_hash == "new-hash");
  CHECK(machines->at(0).hostname == "renamed");
}

TEST_CASE("store: group commit puts every pending job in one transaction") {
  TempDir dir;
  auto store = OpenStore(dir);
  Enroll(*store, "m1");
  const auto commits_before = store->commits();
  WriterGate gate;
  gate.Block(*store);
  constexpr int kJobs = 2000;
  std::atomic<int> stored{0}, completed{0};
  std::promise<void> all_done;
  for (int i = 0; i < kJobs; ++i) {
    REQUIRE(store->Submit(Job("m1", static_cast<std::uint64_t>(i), [&](IngestOutcome o) {
      if (o == IngestOutcome::kStored) stored.fetch_add(1);
      if (completed.fetch_add(1) + 1 == kJobs) all_done.set_value();
    })));
  }
  CHECK(store->queue_depth() == kJobs);
  CHECK(completed.load() == 0);  // nothing answered before its commit
  gate.release.set_value();
  all_done.get_future().wait();
  CHECK(stored.load() == kJobs);
  // One commit for the gate's enrollment, one for all 2000 reports.
  CHECK(store->commits() - commits_before == 2);
  CHECK(*store->CountReports() == kJobs);
}

TEST_CASE("store: a full queue refuses new jobs") {
  TempDir dir;
  auto store = OpenStore(dir, /*capacity=*/5);
  Enroll(*store, "m1");
  WriterGate gate;
  gate.Block(*store);
  for (int i = 0; i < 5; ++i) CHECK(store->Submit(Job("m1", static_cast<std::uint64_t>(i), {})));
  CHECK_FALSE(store->Submit(Job("m1", 99, {})));
  gate.release.set_value();
  store->Stop();  // drains what was queued
  CHECK(*store->CountReports() == 5);
}

TEST_CASE("store: a failing statement rolls back the whole batch and marks the store unhealthy") {
  TempDir dir;
  auto store = OpenStore(dir);
  Enroll(*store, "m1");
  const fs::path db = dir.path / "wardwatch.db";
  auto exec = [&db](const char* sql) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    REQUIRE(sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
  };
  // A real SQLite failure inside the batch, as a full disk would give.
  exec(
      "CREATE TRIGGER fail BEFORE INSERT ON reports WHEN NEW.sequence = 666 "
      "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;");
  WriterGate gate;
  gate.Block(*store);
  std::vector<IngestOutcome> outcomes(3, IngestOutcome::kStored);
  std::atomic<int> completed{0};
  std::promise<void> done;
  const std::uint64_t seqs[] = {1, 666, 2};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(store->Submit(Job("m1", seqs[i], [&, i](IngestOutcome o) {
      outcomes[static_cast<std::size_t>(i)] = o;
      if (completed.fetch_add(1) + 1 == 3) done.set_value();
    })));
  }
  gate.release.set_value();
  done.get_future().wait();
  for (auto o : outcomes) CHECK(o == IngestOutcome::kStorageError);
  CHECK(*store->CountReports() == 0);  // nothing partial
  CHECK_FALSE(store->healthy());
  CHECK(store->storage_errors() == 1);
  exec("DROP TRIGGER fail;");
  CHECK(Ingest(*store, "m1", 1) == IngestOutcome::kStored);
  CHECK(store->healthy());
}

TEST_CASE("store: a database from a newer collector is refused") {
  TempDir dir;
  { auto store = OpenStore(dir); }
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open((dir.path / "wardwatch.db").c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto store = Store::Open({dir.path.string(), 10});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().find("schema version 99 is newer") != std::string::npos);
}

namespace {

std::vector<wardwatch::schema::Package> Packages(
    std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<wardwatch::schema::Package> out;
  for (const auto& [name, version] : list) out.push_back({name, version, "registry", "x86_64", {}});
  return out;
}

// A report body as an agent sends it, with its full package list or only the hash.
std::string ReportBody(const std::string& id, std::uint64_t seq,
                       const std::vector<wardwatch::schema::Package>* packages) {
  wardwatch::Report r;
  r.machine_id = id;
  r.hostname = id + "-host";
  r.agent_version = "0.1.0";
  r.platform = "windows";
  r.sequence = seq;
  r.collected_at_ms = 1790000000000 + seq * 60000;
  r.interval_seconds = 60;
  wardwatch::schema::SoftwareSection sw;
  sw.interval_seconds = 60;
  sw.inventory_hash = "hash-" + id + "-" + std::to_string(packages ? packages->size() : 0);
  if (packages) sw.packages = *packages;
  r.software = sw;
  return wardwatch::EncodeReport(r);
}

IngestOutcome IngestWithList(Store& store, const std::string& id, std::uint64_t seq,
                             const std::vector<wardwatch::schema::Package>& packages) {
  std::promise<IngestOutcome> done;
  IngestJob job = Job(id, seq, [&done](IngestOutcome o) { done.set_value(o); });
  job.body = ReportBody(id, seq, &packages);
  job.packages_json = EncodePackageList(packages);
  job.inventory_hash = "hash-" + id + "-" + std::to_string(seq);
  REQUIRE(store.Submit(std::move(job)));
  return done.get_future().get();
}

std::vector<std::pair<std::string, std::string>> Names(
    const std::vector<wardwatch::schema::Package>& packages) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : packages) out.emplace_back(p.name, p.version);
  return out;
}

void ExecSql(const fs::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(raw);
  REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

void InsertReport(const fs::path& db, const std::string& id, std::uint64_t seq,
                  const std::string& body, bool gzip) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw,
                             "INSERT INTO reports (machine_id, sequence, collected_at_ms, "
                             "received_at_ms, body) VALUES (?, ?, 1, ?, ?)",
                             -1, &st, nullptr) == SQLITE_OK);
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(seq));
  sqlite3_bind_int64(st, 3, static_cast<sqlite3_int64>(7000 + seq));
  const std::string stored = gzip ? wardwatch::test::Gzip(body) : body;
  if (gzip) {
    sqlite3_bind_blob(st, 4, stored.data(), static_cast<int>(stored.size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_text(st, 4, stored.data(), static_cast<int>(stored.size()), SQLITE_TRANSIENT);
  }
  CHECK(sqlite3_step(st) == SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(raw);
}

}  // namespace

TEST_CASE("store: the last package list is kept with its report and survives a reopen") {
  TempDir dir;
  const auto v1 = Packages({{"Zalo", "24.8.5"}, {"HTKK", "5.1.9"}});
  const auto v2 = Packages({{"Zalo", "24.11.1"}});
  {
    auto store = OpenStore(dir);
    Enroll(*store, "m1");
    Enroll(*store, "m2");
    CHECK(IngestWithList(*store, "m1", 1, v1) == IngestOutcome::kStored);
    CHECK(Ingest(*store, "m1", 2) == IngestOutcome::kStored);  // only the hash: list kept
    CHECK(IngestWithList(*store, "m1", 5, v2) == IngestOutcome::kStored);
    // A late replay of an older report does not bring its older list back.
    CHECK(IngestWithList(*store, "m1", 4, v1) == IngestOutcome::kStored);
    // A duplicate is not stored again, and neither is the list it carries.
    CHECK(IngestWithList(*store, "m2", 3, v2) == IngestOutcome::kStored);
    CHECK(IngestWithList(*store, "m2", 3, v1) == IngestOutcome::kDuplicate);
  }
  auto store = OpenStore(dir);  // a restart
  auto lists = store->LoadPackageLists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 2);
  CHECK(lists->at(0).machine_id == "m1");
  CHECK(lists->at(0).sequence == 5);
  CHECK(lists->at(0).inventory_hash == "hash-m1-5");
  CHECK(lists->at(0).received_at_ms == 6005);
  CHECK(Names(lists->at(0).packages) == Names(v2));
  CHECK(lists->at(1).machine_id == "m2");
  CHECK(Names(lists->at(1).packages) == Names(v2));
}

TEST_CASE("store: a package list that no longer decodes is skipped, the others load") {
  TempDir dir;
  {
    auto store = OpenStore(dir);
    Enroll(*store, "m1");
    Enroll(*store, "m2");
    CHECK(IngestWithList(*store, "m1", 1, Packages({{"Zalo", "24.11.1"}})) ==
          IngestOutcome::kStored);
    CHECK(IngestWithList(*store, "m2", 1, Packages({{"UniKey", "4.3 RC5"}})) ==
          IngestOutcome::kStored);
  }
  ExecSql(dir.path / "wardwatch.db",
          "UPDATE machine_packages SET packages = '[{\"version\":\"1\"}]' WHERE machine_id = 'm1'");
  auto store = OpenStore(dir);
  auto lists = store->LoadPackageLists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 1);
  CHECK(lists->at(0).machine_id == "m2");
  CHECK(DecodePackageList("{}").error().find("expected an array") != std::string::npos);
}

TEST_CASE("store: a schema-1 database is upgraded in place, rows kept, lists recovered") {
  TempDir dir;
  const fs::path db = dir.path / "wardwatch.db";
  // Exactly what schema version 1 created (store.cpp, kMigrations[0]).
  ExecSql(db, R"sql(
PRAGMA journal_mode = WAL;
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
INSERT INTO machines VALUES ('a', 'PC-A', 'hash-a', 100, 0, 7003),
                            ('b', 'PC-B', 'hash-b', 100, 1, 7001),
                            ('c', 'PC-C', 'hash-c', 100, 0, 7002);
PRAGMA user_version = 1;
)sql");
  const auto a_old = Packages({{"Zalo", "24.8.5"}});
  const auto a_new = Packages({{"Zalo", "24.11.1"}, {"AnyDesk", "8.1.0"}});
  const auto b = Packages({{"UniKey", "4.2 RC4"}});
  InsertReport(db, "a", 1, ReportBody("a", 1, &a_old), /*gzip=*/false);
  InsertReport(db, "a", 2, ReportBody("a", 2, &a_new), /*gzip=*/true);   // agents gzip
  InsertReport(db, "a", 3, ReportBody("a", 3, nullptr), /*gzip=*/true);  // only the hash
  InsertReport(db, "b", 1, ReportBody("b", 1, &b), /*gzip=*/false);
  InsertReport(db, "c", 1, ReportBody("c", 1, nullptr), /*gzip=*/false);  // never sent one
  InsertReport(db, "c", 2, "{\"damaged\":", /*gzip=*/false);              // does not decode

  auto store = OpenStore(dir);
  CHECK(QueryInt(db, "PRAGMA user_version") == 2);
  CHECK(*store->CountReports() == 6);
  auto machines = store->LoadMachines();
  REQUIRE(machines.ok());
  REQUIRE(machines->size() == 3);
  CHECK(machines->at(0).token_hash == "hash-a");
  CHECK(machines->at(0).last_seen_ms == 7003);
  CHECK(machines->at(1).revoked);
  auto latest = store->LoadLatestReports();
  REQUIRE(latest.ok());
  CHECK(latest->size() == 3);
  auto lists = store->LoadPackageLists();
  REQUIRE(lists.ok());
  REQUIRE(lists->size() == 2);  // c never sent a list
  CHECK(lists->at(0).machine_id == "a");
  CHECK(lists->at(0).sequence == 2);  // the newest report that carried one
  CHECK(lists->at(0).received_at_ms == 7002);
  CHECK(lists->at(0).inventory_hash == "hash-a-2");
  CHECK(Names(lists->at(0).packages) == Names(a_new));
  CHECK(lists->at(1).machine_id == "b");
  CHECK(Names(lists->at(1).packages) == Names(b));
  // And it carries on as a schema-2 store: a new list replaces the recovered one.
  CHECK(IngestWithList(*store, "a", 4, Packages({{"Zalo", "25.1.0"}})) == IngestOutcome::kStored);
  store.reset();
  store = OpenStore(dir);
  CHECK(QueryInt(db, "SELECT count(*) FROM reports") == 7);
  auto again = store->LoadPackageLists();
  REQUIRE(again.ok());
  CHECK(again->at(0).sequence == 4);
}

TEST_CASE("store: pruning deletes raw reports received before the cut, keeps each newest") {
  TempDir dir;
  auto store = OpenStore(dir);
  for (const char* id : {"a", "b", "c"}) Enroll(*store, id);
  auto put = [&](const std::string& id, std::uint64_t seq, std::int64_t received_ms) {
    std::promise<IngestOutcome> done;
    IngestJob job = Job(id, seq, [&done](IngestOutcome o) { done.set_value(o); });
    job.received_at_ms = received_ms;
    REQUIRE(store->Submit(std::move(job)));
    REQUIRE(done.get_future().get() == IngestOutcome::kStored);
  };
  for (std::uint64_t s = 1; s <= 5; ++s) put("a", s, static_cast<std::int64_t>(s) * 1000);
  put("b", 1, 1000);  // b stopped reporting long ago: its newest (2) stays
  put("b", 2, 2000);
  put("c", 1, 9000);
  // A late spooled report: an older sequence received after the newest one.
  put("c", 0, 1500);

  const fs::path path = dir.path / "wardwatch.db";
  auto db = wardwatch::collector::sqlite::Db::Open(path.string(), false);
  REQUIRE(db.ok());
  REQUIRE(db->Exec("PRAGMA busy_timeout = 5000").ok());
  // Batches of 2 while the store's writer is open beside it: a1 a2 a3, b1 and c0 go.
  auto n = PruneRawReports(*db, 3500, 2);
  REQUIRE_MESSAGE(n.ok(), (n.ok() ? "" : n.error()));
  CHECK(*n == 5);
  CHECK(QueryInt(path, "SELECT count(*) FROM reports") == 4);
  CHECK(QueryText(path,
                  "SELECT group_concat(machine_id || sequence, ' ') FROM (SELECT * FROM reports "
                  "ORDER BY machine_id, sequence)") == "a4 a5 b2 c1");
  // Nothing left to prune; a later cut takes a4 but never a machine's newest.
  CHECK(*PruneRawReports(*db, 3500, 2) == 0);
  CHECK(*PruneRawReports(*db, 1'000'000, 2) == 1);
  CHECK(QueryText(path,
                  "SELECT group_concat(machine_id || sequence, ' ') FROM (SELECT * FROM reports "
                  "ORDER BY machine_id, sequence)") == "a5 b2 c1");
  // The rows to delete are found through the index on received_at_ms, not by reading every
  // report while the write lock is held.
  sqlite3* raw = db->get();
  sqlite3_stmt* plan = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw,
                             "EXPLAIN QUERY PLAN SELECT rowid FROM reports AS r WHERE "
                             "received_at_ms < 1 ORDER BY received_at_ms LIMIT 2",
                             -1, &plan, nullptr) == SQLITE_OK);
  std::string details;
  while (sqlite3_step(plan) == SQLITE_ROW) {
    details += reinterpret_cast<const char*>(sqlite3_column_text(plan, 3));
    details += "; ";
  }
  sqlite3_finalize(plan);
  CHECK_MESSAGE(details.find("INDEX reports_by_received (received_at_ms<?)") != std::string::npos,
                details);
}
