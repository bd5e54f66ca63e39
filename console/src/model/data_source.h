// Fetches the collector's read API on a background thread. The frame loop only calls the
// non-blocking methods here: requests are queued, answers are collected with TakeUpdates().
// When the collector is away the last data stays, the state says why, and the thread retries
// by itself with a growing pause (2 s, 4 s, ... up to max_backoff_seconds).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "model/http.h"
#include "model/types.h"

namespace wardwatch::console {

struct ConnectionInfo {
  enum class State { kConnecting, kOnline, kOffline };
  State state = State::kConnecting;
  std::string error;                 // why the last attempt failed
  std::int64_t last_success_ms = 0;  // local clock of the last good fleet answer
  int failed_attempts = 0;
  std::int64_t next_retry_ms = 0;
};

struct ReportRequest {
  std::string format = "html";  // html | pdf | csv
  std::string lang = "vi";
  std::string period = "28d";
  std::string output_path;
};

struct ReportResult {
  bool ok = false;
  std::string path;
  std::size_t bytes = 0;
  std::string error;
};

struct MetaSaveResult {
  std::string machine_id;
  MachineMeta meta;
  bool ok = false;
  std::string error;
};

// What arrived since the last TakeUpdates(); absent members did not change.
struct Updates {
  std::optional<FleetData> fleet;
  std::optional<MachineDetail> detail;
  std::optional<Heatmap> heatmap;
  std::optional<NetworkStatus> network;
  std::optional<SoftwareData> software;
  std::optional<InstalledSearch> installed;
  std::optional<std::vector<Finding>> findings;
  std::optional<MetaSaveResult> meta_saved;
  std::optional<ReportResult> report;
  std::optional<ConnectionInfo> connection;
  std::map<std::string, std::string> endpoint_errors;  // path → problem ("" once it works)
  std::vector<std::string> warnings;                   // decoding warnings (bounded)
  bool Empty() const;
};

class DataSource {
 public:
  struct Options {
    std::string base_url;  // http://127.0.0.1:9470
    std::string token;
    double refresh_seconds = 15;
    double max_backoff_seconds = 30;
    HttpOptions http;
    int installed_limit = 200;  // packages per installed-software search answer
  };

  explicit DataSource(Options options);
  ~DataSource();
  DataSource(const DataSource&) = delete;
  DataSource& operator=(const DataSource&) = delete;

  void Start();
  void Stop();

  // Non-blocking requests from the frame loop.
  void WatchMachine(std::string id, int history_hours);
  void SaveMeta(std::string machine_id, MachineMeta meta);
  void GenerateReport(ReportRequest request);
  // Searches the fleet's installed software now, and again with every refresh.
  void SearchInstalled(std::string query);
  void RefreshNow();
  // Called from the fetch thread after new updates are queued (e.g. glfwPostEmptyEvent).
  void SetWake(std::function<void()> wake);

  // Moves what arrived into `out` (merging); false when nothing did. Holds a lock only for
  // the moves, never during network I/O.
  bool TakeUpdates(Updates& out);

  static std::string UrlEscape(std::string_view text);

 private:
  void Run();
  void Refresh();
  void FetchDetail(const std::string& id, int hours);
  void FetchInstalled(const std::string& query);
  void DoSaveMeta(const std::string& id, const MachineMeta& meta);
  void DoReport(const ReportRequest& request);
  Result<HttpAnswer> Get(const std::string& path);
  void Publish(Updates&& u);

  Options options_;
  HttpClient http_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool refresh_now_ = true;
  std::string watch_id_;
  int watch_hours_ = 168;
  bool watch_changed_ = false;
  std::string installed_query_;
  bool installed_changed_ = false;
  std::deque<std::pair<std::string, MachineMeta>> meta_queue_;
  std::deque<ReportRequest> report_queue_;
  Updates pending_;
  std::function<void()> wake_;
  ConnectionInfo conn_;  // fetch thread only
};

std::int64_t NowMs();

}  // namespace wardwatch::console
