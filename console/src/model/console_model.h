// Everything the views show, and the one place where UI actions change it. Views get a const
// ConsoleModel& and fill UiActions; the frame loop applies those after drawing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/data_source.h"
#include "model/fleet_model.h"
#include "model/i18n.h"
#include "model/types.h"

namespace wardwatch::console {

enum class View { kFleet, kMachine, kNetwork, kSoftware, kReports };
const char* ViewName(View view);
std::optional<View> ViewFromName(std::string_view name);

// What the officer did during one frame.
struct UiActions {
  std::optional<View> go_to;
  std::optional<std::string> open_machine;  // selects it and shows the Machine view
  std::optional<std::string> filter_text;
  std::optional<std::uint32_t> flag_filter;
  std::optional<SortSpec> sort;
  std::optional<MachineMeta> save_meta;  // for the selected machine
  std::optional<ReportRequest> generate_report;
  std::optional<Lang> language;
  std::optional<int> history_hours;
  std::optional<std::string> installed_search;  // the search text as typed now
  bool installed_search_submit = false;         // Enter: search without waiting
  bool refresh = false;
};

// Where model requests go: the DataSource in the app, a recorder in tests.
class RequestSink {
 public:
  virtual ~RequestSink() = default;
  virtual void WatchMachine(std::string id, int history_hours) = 0;
  virtual void SaveMeta(std::string machine_id, MachineMeta meta) = 0;
  virtual void GenerateReport(ReportRequest request) = 0;
  virtual void SearchInstalled(std::string query) = 0;
  virtual void RefreshNow() = 0;
};

// Forwards requests to a DataSource.
class DataSourceSink : public RequestSink {
 public:
  explicit DataSourceSink(DataSource& source) : source_(source) {}
  void WatchMachine(std::string id, int hours) override { source_.WatchMachine(id, hours); }
  void SaveMeta(std::string id, MachineMeta meta) override { source_.SaveMeta(id, meta); }
  void GenerateReport(ReportRequest r) override { source_.GenerateReport(r); }
  void SearchInstalled(std::string q) override { source_.SearchInstalled(std::move(q)); }
  void RefreshNow() override { source_.RefreshNow(); }

 private:
  DataSource& source_;
};

struct MetaEditStatus {
  enum class State { kIdle, kSaving, kSaved, kFailed };
  State state = State::kIdle;
  std::string machine_id;
  std::string error;
};

// The installed-software search box: what is typed is sent once typing pauses (or on Enter),
// so a word typed letter by letter makes one request, not one per letter.
struct InstalledSearchState {
  static constexpr std::int64_t kDebounceMs = 350;
  std::string text;           // as typed
  std::int64_t typed_ms = 0;  // when it last changed
  std::string sent;           // the query last sent ("" at start: everything)
  bool waiting = false;       // sent, answer not arrived yet
  // False: only Enter sends (--wait-search, so a test of the real widget fails if Enter
  // does nothing instead of passing on the pause).
  bool send_on_pause = true;
};

struct ReportStatus {
  bool busy = false;
  std::optional<ReportResult> last;
};

class ConsoleModel {
 public:
  FleetModel fleet;
  std::optional<MachineDetail> detail;  // of fleet.selected(), once fetched
  std::optional<Heatmap> heatmap;
  std::optional<NetworkStatus> network;
  std::optional<SoftwareData> software;
  std::optional<InstalledSearch> installed;  // the answer for installed_search.sent
  InstalledSearchState installed_search;
  std::vector<Finding> findings;
  ConnectionInfo connection;
  std::map<std::string, std::string> endpoint_errors;
  std::vector<std::string> warnings;  // latest decoding warnings, at most 64
  Lang lang = Lang::kEn;
  View view = View::kFleet;
  int history_hours = 168;
  MetaEditStatus meta_status;
  ReportStatus report_status;
  std::string report_dir;              // default folder for reports
  std::int64_t fleet_received_ms = 0;  // local clock when the fleet last arrived
  std::uint64_t data_generation = 0;   // bumps on every applied update

  // Applies what the fetch thread delivered.
  void Apply(Updates&& updates);
  // Applies the officer's actions; network work goes to `sink`. Called every frame (also with
  // no action), so a paused search is sent once it has waited kDebounceMs.
  void Apply(const UiActions& actions, RequestSink& sink, std::int64_t now_ms = NowMs());

  // True once what `view` needs has arrived (the screenshot mode waits for it).
  bool HasDataFor(View view) const;
  // Uplink utilisation now, from the network status or the fleet list.
  double UtilisationNow() const;
  // The problem reported for an endpoint ("" when fine or never asked).
  const std::string& EndpointError(const std::string& path) const;
  // Default report file: <report_dir or $HOME>/wardwatch-upgrade-<YYYYMMDD-HHMM>.<format>.
  std::string DefaultReportPath(const std::string& format, std::int64_t now_ms) const;

 private:
  double fleet_utilisation_ = kNaN;
};

// When the line is usually saturated, for the header (the ten-second answer without opening
// the Network view): the bottleneck hours merged into ranges, with their weekdays:
// "usually full 09:00-11:00 (Mon, Tue, Wed, Fri)"; "" when there is no bottleneck hour.
std::string BusyHoursText(Lang lang, const NetworkStatus& network);

// How many of the heatmap's weeks hold data (a cell gets twelve 5-minute buckets a week):
// a collector with 7 days of reports says "4 weeks", its window, not what it has seen.
// `weeks` when the cells do not say.
int HeatmapWeeksWithData(const Heatmap& heatmap);

// The fleet rows as shown (filtered, sorted) plus totals, as JSON: for tests and scripts.
std::string DumpFleetJson(const ConsoleModel& model);
// The installed-software search as typed, as sent and as answered (names, versions, machine
// counts), as one line of JSON: for tests and scripts.
std::string DumpInstalledJson(const ConsoleModel& model);

}  // namespace wardwatch::console
