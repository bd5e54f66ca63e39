// Durable store: SQLite (WAL, synchronous=FULL) with one writer thread that group-commits
// queued jobs, and a separate read connection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "sqlite.h"
#include "wardwatch/result.h"
#include "wardwatch/schema/software.h"

namespace wardwatch::collector {

struct MachineRow {
  std::string id;
  std::string hostname;
  std::string token_hash;
  std::int64_t enrolled_at_ms = 0;
  bool revoked = false;
  std::int64_t last_seen_ms = 0;
};

// A stored report body as JSON text: gzip bodies (they start with the gzip magic 1f 8b, which
// JSON text cannot) are inflated under a 64 MiB bound; JSON text is returned as it is.
Result<std::string> StoredReportJson(std::string body);

struct StoredReport {
  std::string machine_id;
  std::uint64_t sequence = 0;
  std::int64_t received_at_ms = 0;
  std::string body;
};

// A machine's last full package list. Agents send it only in their first report and when it
// changes, so it is kept beside the reports (table machine_packages) for the installed-
// software search and the machine's software page to survive a restart.
struct PackageListRow {
  std::string machine_id;
  std::uint64_t sequence = 0;  // the report that carried it
  std::string inventory_hash;
  std::int64_t received_at_ms = 0;
  std::vector<schema::Package> packages;
};

// Deletes the raw reports received before `received_before_ms`, except each machine's newest
// (the fleet's start-up state comes from it), `batch` rows per transaction through the index
// on received_at_ms: the ingest writer waits for one short batch at a time, never for a scan
// of the whole table. Returns how many rows went.
Result<std::int64_t> PruneRawReports(sqlite::Db& db, std::int64_t received_before_ms,
                                     int batch = 1000);

// The stored form of a package list: a JSON array of the report schema's package objects.
std::string EncodePackageList(const std::vector<schema::Package>& packages);
Result<std::vector<schema::Package>> DecodePackageList(std::string_view json);

enum class IngestOutcome { kStored, kDuplicate, kStorageError };

struct IngestJob {
  std::string machine_id;
  std::uint64_t sequence = 0;
  std::uint64_t collected_at_ms = 0;
  std::int64_t received_at_ms = 0;
  // The report as the agent sent it: gzip bytes when it came gzip-encoded (stored as a BLOB,
  // about a fifth of the JSON's size), otherwise the JSON text. StoredReportJson reads both.
  std::string body;
  bool body_gzip = false;
  // When the report carries its full package list: EncodePackageList of it and the report's
  // inventory hash. Kept as the machine's list in the same transaction when the report is
  // stored and no later report's list is already kept.
  std::optional<std::string> packages_json;
  std::string inventory_hash;
  // Called on the writer thread after the transaction committed (or failed).
  std::function<void(IngestOutcome)> done;
};

struct EnrollJob {
  std::string machine_id;
  std::string hostname;
  std::string token_hash;
  std::int64_t enrolled_at_ms = 0;
  std::function<void(Status)> done;  // after commit
};

class Store {
 public:
  struct Options {
    std::string data_dir;
    std::size_t queue_capacity = 10000;
  };
  // 1: machines, reports. 2: machine_packages (filled from the stored reports on upgrade).
  static constexpr int kSchemaVersion = 2;

  // Opens (creating if needed) DATA_DIR/wardwatch.db, migrates it, starts the writer.
  static Result<std::unique_ptr<Store>> Open(const Options& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Queue a job; false when the queue is full (the caller answers 503) or the store stopped.
  bool Submit(IngestJob job);
  bool Submit(EnrollJob job);

  // Read connection (serialised by a mutex; SQLite WAL lets it run beside the writer).
  Result<std::vector<MachineRow>> LoadMachines();
  Result<std::vector<StoredReport>> LoadLatestReports();  // highest sequence per machine
  Result<std::int64_t> CountReports();
  // Every machine's kept package list; a row that no longer decodes is logged and skipped.
  Result<std::vector<PackageListRow>> LoadPackageLists();

  // Finishes every queued job, then stops the writer. Idempotent.
  void Stop();

  bool healthy() const { return healthy_.load(); }
  std::uint64_t commits() const { return commits_.load(); }
  std::uint64_t storage_errors() const { return storage_errors_.load(); }
  std::size_t queue_depth() const;
  const std::string& path() const { return path_; }

 private:
  using Job = std::variant<IngestJob, EnrollJob>;
  Store() = default;
  bool Enqueue(Job job);
  void WriterLoop();
  void CommitBatch(std::deque<Job>& batch);
  Status RunBatch(std::deque<Job>& batch, std::vector<IngestOutcome>& outcomes);

  std::string path_;
  std::size_t capacity_ = 10000;
  sqlite::Db writer_db_;
  sqlite::Db reader_db_;
  std::mutex reader_mu_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> storage_errors_{0};
};

}  // namespace wardwatch::collector
