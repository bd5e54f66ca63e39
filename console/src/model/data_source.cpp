// The console's fetch thread: periodic refresh, queued edits and report downloads.
#include "model/data_source.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "model/api_parse.h"

namespace wardwatch::console {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Updates::Empty() const {
  return !fleet && !detail && !heatmap && !network && !software && !installed && !findings &&
         !meta_saved && !report && !connection && endpoint_errors.empty() && warnings.empty();
}

DataSource::DataSource(Options options) : options_(std::move(options)), http_(options_.http) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
}

DataSource::~DataSource() { Stop(); }

void DataSource::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void DataSource::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DataSource::WatchMachine(std::string id, int history_hours) {
  {
    std::lock_guard lock(mu_);
    if (id == watch_id_ && history_hours == watch_hours_) return;
    watch_id_ = std::move(id);
    watch_hours_ = history_hours;
    watch_changed_ = true;
  }
  cv_.notify_all();
}

void DataSource::SaveMeta(std::string machine_id, MachineMeta meta) {
  {
    std::lock_guard lock(mu_);
    if (meta_queue_.size() >= 16) meta_queue_.pop_front();  // bounded; newest edits win
    meta_queue_.emplace_back(std::move(machine_id), std::move(meta));
  }
  cv_.notify_all();
}

void DataSource::GenerateReport(ReportRequest request) {
  {
    std::lock_guard lock(mu_);
    if (report_queue_.size() >= 4) return;
    report_queue_.push_back(std::move(request));
  }
  cv_.notify_all();
}

void DataSource::SearchInstalled(std::string query) {
  {
    std::lock_guard lock(mu_);
    installed_query_ = std::move(query);
    installed_changed_ = true;
  }
  cv_.notify_all();
}

void DataSource::RefreshNow() {
  {
    std::lock_guard lock(mu_);
    refresh_now_ = true;
  }
  cv_.notify_all();
}

void DataSource::SetWake(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

bool DataSource::TakeUpdates(Updates& out) {
  std::lock_guard lock(mu_);
  if (pending_.Empty()) return false;
  Updates& p = pending_;
  if (p.fleet) out.fleet = std::move(p.fleet);
  if (p.detail) out.detail = std::move(p.detail);
  if (p.heatmap) out.heatmap = std::move(p.heatmap);
  if (p.network) out.network = std::move(p.network);
  if (p.software) out.software = std::move(p.software);
  if (p.installed) out.installed = std::move(p.installed);
  if (p.findings) out.findings = std::move(p.findings);
  if (p.meta_saved) out.meta_saved = std::move(p.meta_saved);
  if (p.report) out.report = std::move(p.report);
  if (p.connection) out.connection = std::move(p.connection);
  for (auto& [k, v] : p.endpoint_errors) out.endpoint_errors[k] = std::move(v);
  for (auto& w : p.warnings) {
    if (out.warnings.size() < 64) out.warnings.push_back(std::move(w));
  }
  pending_ = Updates{};
  return true;
}

void DataSource::Publish(Updates&& u) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    Updates& p = pending_;
    if (u.fleet) p.fleet = std::move(u.fleet);
    if (u.detail) p.detail = std::move(u.detail);
    if (u.heatmap) p.heatmap = std::move(u.heatmap);
    if (u.network) p.network = std::move(u.network);
    if (u.software) p.software = std::move(u.software);
    if (u.installed) p.installed = std::move(u.installed);
    if (u.findings) p.findings = std::move(u.findings);
    if (u.meta_saved) p.meta_saved = std::move(u.meta_saved);
    if (u.report) p.report = std::move(u.report);
    if (u.connection) p.connection = std::move(u.connection);
    for (auto& [k, v] : u.endpoint_errors) p.endpoint_errors[k] = std::move(v);
    for (auto& w : u.warnings) {
      if (p.warnings.size() < 64) p.warnings.push_back(std::move(w));
    }
    wake = wake_;
  }
  if (wake) wake();
}

std::string DataSource::UrlEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<HttpAnswer> DataSource::Get(const std::string& path) {
  return http_.Send("GET", options_.base_url + path, options_.token);
}

namespace {

std::string DescribeStatus(const HttpAnswer& a) {
  std::string why = "HTTP " + std::to_string(a.status);
  if (a.status == 404) why += " (not available from this collector)";
  if (a.status == 401 || a.status == 403) why += " (the API token was refused)";
  std::string snippet = a.body.substr(0, 160);
  for (char& c : snippet) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (!snippet.empty()) why += ": " + snippet;
  return why;
}

void CopyWarnings(const ParseWarnings& w, Updates& u) {
  for (const auto& s : w.items) u.warnings.push_back(s);
  if (w.dropped > 0) u.warnings.push_back(std::to_string(w.dropped) + " more warnings dropped");
}

// Fetches one optional endpoint and decodes it; problems go to endpoint_errors.
template <typename T, typename Parse>
void FetchOptional(DataSource& /*unused*/, Result<HttpAnswer> answer, const std::string& path,
                   Parse parse, std::optional<T>& slot, Updates& u) {
  if (!answer.ok()) {
    u.endpoint_errors[path] = answer.error();
    return;
  }
  if (answer->status != 200) {
    u.endpoint_errors[path] = DescribeStatus(*answer);
    return;
  }
  ParseWarnings w;
  auto parsed = parse(answer->body, &w);
  CopyWarnings(w, u);
  if (!parsed.ok()) {
    u.endpoint_errors[path] = parsed.error();
    return;
  }
  u.endpoint_errors[path] = "";
  slot = std::move(parsed).value();
}

}  // namespace

void DataSource::Refresh() {
  Updates u;
  const std::string machines_path = "/api/v1/machines";
  auto answer = Get(machines_path);
  std::string failure;
  if (!answer.ok()) {
    failure = answer.error();
  } else if (answer->status != 200) {
    failure = "GET " + machines_path + ": " + DescribeStatus(*answer);
  }
  if (failure.empty()) {
    ParseWarnings w;
    auto fleet = ParseMachines(answer->body, &w);
    CopyWarnings(w, u);
    if (!fleet.ok()) {
      failure = fleet.error();
    } else {
      u.fleet = std::move(fleet).value();
    }
  }
  if (!failure.empty()) {
    conn_.state = ConnectionInfo::State::kOffline;
    conn_.error = failure;
    ++conn_.failed_attempts;
    const double backoff = std::min(options_.max_backoff_seconds,
                                    2.0 * (1 << std::min(conn_.failed_attempts - 1, 10)));
    conn_.next_retry_ms = NowMs() + static_cast<std::int64_t>(backoff * 1000);
    u.connection = conn_;
    Publish(std::move(u));
    return;
  }
  conn_.state = ConnectionInfo::State::kOnline;
  conn_.error.clear();
  conn_.failed_attempts = 0;
  conn_.last_success_ms = NowMs();
  conn_.next_retry_ms =
      conn_.last_success_ms + static_cast<std::int64_t>(options_.refresh_seconds * 1000);
  u.connection = conn_;
  u.endpoint_errors[machines_path] = "";
  // The fleet goes out first so the table appears while the rest loads.
  Publish(std::move(u));

  Updates rest;
  FetchOptional(
      *this, Get("/api/v1/network/heatmap"), "/api/v1/network/heatmap",
      [](std::string_view b, ParseWarnings* w) { return ParseHeatmap(b, w); }, rest.heatmap, rest);
  FetchOptional(
      *this, Get("/api/v1/network/bottlenecks"), "/api/v1/network/bottlenecks",
      [](std::string_view b, ParseWarnings* w) { return ParseBottlenecks(b, w); }, rest.network,
      rest);
  FetchOptional(
      *this, Get("/api/v1/software"), "/api/v1/software",
      [](std::string_view b, ParseWarnings* w) { return ParseSoftware(b, w); }, rest.software,
      rest);
  FetchOptional(
      *this, Get("/api/v1/findings"), "/api/v1/findings",
      [](std::string_view b, ParseWarnings* w) { return ParseFindings(b, w); }, rest.findings,
      rest);
  Publish(std::move(rest));
}

void DataSource::FetchDetail(const std::string& id, int hours) {
  Updates u;
  const int days = std::clamp((hours + 23) / 24, 1, 400);
  const std::string path = "/api/v1/machines/" + UrlEscape(id) + "?days=" + std::to_string(days);
  FetchOptional(
      *this, Get(path), "/api/v1/machines/{id}",
      [](std::string_view b, ParseWarnings* w) { return ParseMachineDetail(b, w); }, u.detail, u);
  Publish(std::move(u));
}

void DataSource::FetchInstalled(const std::string& query) {
  Updates u;
  const std::string path = "/api/v1/software/installed?q=" + UrlEscape(query) +
                           "&limit=" + std::to_string(options_.installed_limit);
  FetchOptional(
      *this, Get(path), "/api/v1/software/installed",
      [](std::string_view b, ParseWarnings* w) { return ParseInstalledSearch(b, w); }, u.installed,
      u);
  // The collector echoes the query; an older one that ignores q must not pass for an answer.
  if (u.installed && u.installed->query != query) {
    u.endpoint_errors["/api/v1/software/installed"] =
        "GET " + path + ": answered for \"" + u.installed->query + "\"";
    u.installed.reset();
  }
  Publish(std::move(u));
}

void DataSource::DoSaveMeta(const std::string& id, const MachineMeta& meta) {
  Updates u;
  MetaSaveResult r{id, meta, false, ""};
  const Status valid = ValidateMeta(meta);
  if (!valid.ok()) {
    r.error = valid.error();
  } else {
    auto answer =
        http_.Send("PUT", options_.base_url + "/api/v1/machines/" + UrlEscape(id) + "/meta",
                   options_.token, EncodeMeta(meta));
    if (!answer.ok()) {
      r.error = answer.error();
    } else if (answer->status < 200 || answer->status >= 300) {
      r.error = "PUT /api/v1/machines/" + id + "/meta: " + DescribeStatus(*answer);
    } else {
      r.ok = true;
    }
  }
  u.meta_saved = std::move(r);
  Publish(std::move(u));
}

void DataSource::DoReport(const ReportRequest& req) {
  Updates u;
  ReportResult r;
  r.path = req.output_path;
  const std::string path = "/api/v1/reports/upgrade?format=" + UrlEscape(req.format) +
                           "&lang=" + UrlEscape(req.lang) + "&period=" + UrlEscape(req.period);
  auto answer = Get(path);
  if (!answer.ok()) {
    r.error = answer.error();
  } else if (answer->status != 200) {
    r.error = "GET " + path + ": " + DescribeStatus(*answer);
  } else {
    std::error_code ec;
    const std::filesystem::path out(req.output_path);
    if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
    std::ofstream f(req.output_path, std::ios::binary | std::ios::trunc);
    if (!f || !f.write(answer->body.data(), static_cast<std::streamsize>(answer->body.size()))) {
      r.error = "cannot write " + req.output_path;
    } else {
      r.ok = true;
      r.bytes = answer->body.size();
    }
  }
  u.report = std::move(r);
  Publish(std::move(u));
}

void DataSource::Run() {
  {
    Updates u;
    u.connection = conn_;
    Publish(std::move(u));
  }
  std::int64_t next_refresh_ms = 0;
  std::string fetched_id;
  while (true) {
    std::optional<std::pair<std::string, MachineMeta>> meta;
    std::optional<ReportRequest> report;
    bool refresh = false;
    bool detail = false;
    bool installed = false;
    std::string installed_query;
    std::string id;
    int hours = 0;
    {
      std::unique_lock lock(mu_);
      auto ready = [&] {
        return stop_ || refresh_now_ || watch_changed_ || installed_changed_ ||
               !meta_queue_.empty() || !report_queue_.empty() || NowMs() >= next_refresh_ms;
      };
      const auto wait_ms = std::max<std::int64_t>(0, next_refresh_ms - NowMs());
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), ready);
      if (stop_) return;
      if (!meta_queue_.empty()) {
        meta = std::move(meta_queue_.front());
        meta_queue_.pop_front();
      } else if (!report_queue_.empty()) {
        report = std::move(report_queue_.front());
        report_queue_.pop_front();
      }
      if (refresh_now_ || NowMs() >= next_refresh_ms) {
        refresh = true;
        refresh_now_ = false;
      }
      if (watch_changed_ || refresh) {
        detail = !watch_id_.empty() && (watch_changed_ || refresh);
        watch_changed_ = false;
      }
      id = watch_id_;
      hours = watch_hours_;
      installed = installed_changed_ || refresh;
      installed_changed_ = false;
      installed_query = installed_query_;
    }
    if (meta) {
      DoSaveMeta(meta->first, meta->second);
      detail = !id.empty() && id == meta->first;  // show what the collector now holds
      if (detail && !refresh) FetchDetail(id, hours);
      detail = false;
    }
    if (report) DoReport(*report);
    if (refresh) {
      Refresh();
      next_refresh_ms = conn_.next_retry_ms;
      if (conn_.state != ConnectionInfo::State::kOnline) detail = false;
    }
    if (detail) FetchDetail(id, hours);
    if (installed && conn_.state == ConnectionInfo::State::kOnline) {
      FetchInstalled(installed_query);
    }
  }
}

}  // namespace wardwatch::console
