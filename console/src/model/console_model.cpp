// Applies fetched data and UI actions to the console's state.
#include "model/console_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "model/api_parse.h"

namespace wardwatch::console {

const char* ViewName(View view) {
  switch (view) {
    case View::kFleet:
      return "fleet";
    case View::kMachine:
      return "machine";
    case View::kNetwork:
      return "network";
    case View::kSoftware:
      return "software";
    case View::kReports:
      return "reports";
  }
  return "fleet";
}

std::optional<View> ViewFromName(std::string_view name) {
  for (View v : {View::kFleet, View::kMachine, View::kNetwork, View::kSoftware, View::kReports}) {
    if (name == ViewName(v)) return v;
  }
  return std::nullopt;
}

void ConsoleModel::Apply(Updates&& u) {
  ++data_generation;
  if (u.connection) connection = std::move(*u.connection);
  if (u.fleet) {
    const std::int64_t now = u.fleet->generated_at_ms != 0 ? u.fleet->generated_at_ms : NowMs();
    fleet_utilisation_ = u.fleet->utilisation_now;
    fleet.SetMachines(std::move(u.fleet->machines), now);
    fleet.SetUtilisationNow(UtilisationNow());
    fleet_received_ms = NowMs();
  }
  if (u.detail) {
    // Only the machine still selected is kept (an answer may arrive after a new selection).
    if (u.detail->summary.id == fleet.selected() || fleet.selected().empty()) {
      detail = std::move(u.detail);
    }
  }
  if (u.heatmap) heatmap = std::move(u.heatmap);
  if (u.network) {
    network = std::move(u.network);
    fleet.SetUtilisationNow(UtilisationNow());
  }
  if (u.software) software = std::move(u.software);
  // Only the answer for the query last sent: an earlier one may arrive after a new search.
  if (u.installed && u.installed->query == installed_search.sent) {
    installed = std::move(u.installed);
    installed_search.waiting = false;
  }
  if (auto it = u.endpoint_errors.find("/api/v1/software/installed");
      it != u.endpoint_errors.end() && !it->second.empty()) {
    installed_search.waiting = false;
  }
  if (u.findings) findings = std::move(*u.findings);
  for (auto& [k, v] : u.endpoint_errors) endpoint_errors[k] = std::move(v);
  if (!u.warnings.empty()) warnings = std::move(u.warnings);
  if (u.meta_saved) {
    MetaSaveResult& r = *u.meta_saved;
    meta_status.machine_id = r.machine_id;
    if (r.ok) {
      meta_status.state = MetaEditStatus::State::kSaved;
      meta_status.error.clear();
      if (detail && detail->summary.id == r.machine_id) {
        detail->meta = r.meta;
        detail->summary.department = r.meta.department;
        detail->summary.room = r.meta.room;
      }
    } else {
      meta_status.state = MetaEditStatus::State::kFailed;
      meta_status.error = r.error;
    }
  }
  if (u.report) {
    report_status.busy = false;
    // The folder the officer saved into becomes the default (remembered in the settings).
    if (u.report->ok) {
      const auto slash = u.report->path.find_last_of('/');
      if (slash != std::string::npos && slash > 0) report_dir = u.report->path.substr(0, slash);
    }
    report_status.last = std::move(u.report);
  }
}

void ConsoleModel::Apply(const UiActions& a, RequestSink& sink, std::int64_t now_ms) {
  if (a.language) lang = *a.language;
  if (a.filter_text) fleet.SetFilterText(*a.filter_text);
  if (a.flag_filter) fleet.SetFlagFilter(*a.flag_filter);
  if (a.sort) fleet.SetSort(*a.sort);
  if (a.history_hours && *a.history_hours != history_hours) {
    history_hours = *a.history_hours;
    if (!fleet.selected().empty()) sink.WatchMachine(fleet.selected(), history_hours);
  }
  if (a.open_machine) {
    fleet.Select(*a.open_machine);
    if (!fleet.selected().empty()) {
      if (!detail || detail->summary.id != fleet.selected()) detail.reset();
      if (meta_status.machine_id != fleet.selected()) meta_status = MetaEditStatus{};
      sink.WatchMachine(fleet.selected(), history_hours);
      view = View::kMachine;
    }
  }
  if (a.go_to) view = *a.go_to;
  if (a.save_meta && !fleet.selected().empty()) {
    // Refused here, in the officer's language, before anything is sent ("15/03/2018" is
    // accepted and sent as 2018-03-15; the English "purchase_date: expected YYYY-MM-DD" came
    // back from the fetch thread in the Vietnamese view).
    const MachineMeta meta = NormaliseMeta(*a.save_meta);
    meta_status.machine_id = fleet.selected();
    meta_status.error = MetaProblem(lang, meta);
    if (!meta_status.error.empty()) {
      meta_status.state = MetaEditStatus::State::kFailed;
    } else {
      meta_status.state = MetaEditStatus::State::kSaving;
      sink.SaveMeta(fleet.selected(), meta);
    }
  }
  if (a.generate_report && !report_status.busy) {
    ReportRequest r = *a.generate_report;
    if (r.output_path.empty()) r.output_path = DefaultReportPath(r.format, NowMs());
    report_status.busy = true;
    sink.GenerateReport(std::move(r));
  }
  InstalledSearchState& search = installed_search;
  if (a.installed_search && *a.installed_search != search.text) {
    search.text = *a.installed_search;
    search.typed_ms = now_ms;
  }
  if (a.installed_search_submit ||
      (search.send_on_pause && search.text != search.sent &&
       now_ms - search.typed_ms >= InstalledSearchState::kDebounceMs)) {
    search.sent = search.text;
    search.waiting = true;
    sink.SearchInstalled(search.sent);
  }
  if (a.refresh) sink.RefreshNow();
}

bool ConsoleModel::HasDataFor(View v) const {
  switch (v) {
    case View::kFleet:
      return fleet_received_ms != 0;
    case View::kMachine:
      return detail.has_value() || !EndpointError("/api/v1/machines/{id}").empty();
    case View::kNetwork:
      return (heatmap.has_value() || !EndpointError("/api/v1/network/heatmap").empty()) &&
             (network.has_value() || !EndpointError("/api/v1/network/bottlenecks").empty());
    case View::kSoftware:
      return (software.has_value() || !EndpointError("/api/v1/software").empty()) &&
             ((installed.has_value() && !installed_search.waiting) ||
              !EndpointError("/api/v1/software/installed").empty());
    case View::kReports:
      return fleet_received_ms != 0;
  }
  return false;
}

double ConsoleModel::UtilisationNow() const {
  if (network && !std::isnan(network->utilisation_now)) return network->utilisation_now;
  // The collector said it does not know (no recent bucket): "—", not today's last bucket,
  // which may be hours old (the header showed a green "uplink now: 0%" on a Sunday).
  if (network && network->utilisation_now_reported) return kNaN;
  if (network && !network->today.empty()) {
    for (auto it = network->today.rbegin(); it != network->today.rend(); ++it) {
      if (!std::isnan(it->v)) return it->v;
    }
  }
  return fleet_utilisation_;
}

const std::string& ConsoleModel::EndpointError(const std::string& path) const {
  static const std::string kEmpty;
  auto it = endpoint_errors.find(path);
  return it == endpoint_errors.end() ? kEmpty : it->second;
}

std::string ConsoleModel::DefaultReportPath(const std::string& format, std::int64_t now_ms) const {
  std::string dir = report_dir;
  if (dir.empty()) {
    const char* home = std::getenv("HOME");
    dir = home != nullptr ? home : ".";
  }
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M", &tm);
  const std::string ext = format == "pdf" ? "pdf" : (format == "csv" ? "csv" : "html");
  return dir + "/wardwatch-upgrade-" + stamp + "." + ext;
}

std::string BusyHoursText(Lang lang, const NetworkStatus& network) {
  static constexpr Str kDays[] = {Str::kDay0, Str::kDay1, Str::kDay2, Str::kDay3,
                                  Str::kDay4, Str::kDay5, Str::kDay6};
  bool hours[24] = {}, days[7] = {};
  bool any = false;
  for (const BottleneckHour& b : network.bottlenecks) {
    if (b.hour < 0 || b.hour > 23) continue;
    hours[b.hour] = true;
    if (b.weekday >= 0 && b.weekday < 7) days[b.weekday] = true;
    any = true;
  }
  if (!any) return {};
  std::string out = Tr(lang, Str::kUsuallyFull);
  char range[32];
  bool first = true;
  for (int h = 0; h < 24; ++h) {
    if (!hours[h]) continue;
    int end = h;
    while (end + 1 < 24 && hours[end + 1]) ++end;
    std::snprintf(range, sizeof range, "%s%02d:00-%02d:00", first ? " " : ", ", h, end + 1);
    out += range;
    first = false;
    h = end;
  }
  std::string day_list;
  for (int d = 0; d < 7; ++d) {
    if (days[d]) day_list += (day_list.empty() ? "" : ", ") + std::string(Tr(lang, kDays[d]));
  }
  if (!day_list.empty()) out += " (" + day_list + ")";
  return out;
}

int HeatmapWeeksWithData(const Heatmap& h) {
  if (h.max_cell_samples <= 0 || h.weeks <= 0) return h.weeks;
  return std::min(h.weeks, (h.max_cell_samples + 11) / 12);
}

std::string DumpFleetJson(const ConsoleModel& model) {
  auto number = [](double v) {
    return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  nlohmann::json rows = nlohmann::json::array();
  int rank = 0;
  for (std::uint32_t i : model.fleet.visible()) {
    const MachineSummary& m = model.fleet.machines()[i];
    nlohmann::json flags = nlohmann::json::array();
    for (Flag f : kAllFlags) {
      if ((m.flags & f) != 0) flags.push_back(FlagName(f));
    }
    rows.push_back({{"rank", ++rank},
                    {"machine_id", m.id},
                    {"hostname", m.name},
                    {"department", m.department},
                    {"room", m.room},
                    {"aging_score", number(m.score)},
                    {"recommendation", RecommendationName(m.recommendation)},
                    {"age_years", number(m.age_years)},
                    {"ram_bytes", number(m.ram_bytes)},
                    {"boot_disk_type", m.boot_disk_type},
                    {"last_seen_ms", m.last_seen_ms},
                    {"flags", flags}});
  }
  const FleetTotals& t = model.fleet.totals();
  nlohmann::json out = {{"machines", rows},
                        {"totals",
                         {{"machines", t.machines},
                          {"to_replace", t.to_replace},
                          {"to_upgrade", t.to_upgrade},
                          {"offline", t.offline},
                          {"failing_disks", t.failing_disks},
                          {"uplink_utilisation_now_ratio", number(model.UtilisationNow())}}},
                        {"warnings", model.warnings}};
  return out.dump(2);
}

std::string DumpInstalledJson(const ConsoleModel& model) {
  const InstalledSearchState& s = model.installed_search;
  nlohmann::json out = {{"typed", s.text}, {"sent", s.sent}, {"waiting", s.waiting}};
  if (model.installed) {
    const InstalledSearch& r = *model.installed;
    nlohmann::json packages = nlohmann::json::array();
    for (const InstalledSoftware& p : r.packages) {
      packages.push_back({{"name", p.name}, {"version", p.version}, {"machines", p.machines}});
    }
    out["answer"] = {{"query", r.query},
                     {"machines_total", r.machines_total},
                     {"machines_with_list", r.machines_with_list},
                     {"matched_machines", r.matched_machines},
                     {"matched_packages", r.matched_packages},
                     {"packages", packages}};
  }
  return nlohmann::json{{"installed_search", out}}.dump();
}

}  // namespace wardwatch::console
