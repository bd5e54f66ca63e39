// Per-machine software state kept by the collector between reports: the agent sends usage as
// per-interval deltas, and Prometheus wants counters, so each stored report's deltas are added
// here; and the last full package list (agents send it only when its hash changes). In memory
// only: the counters start again from zero when the collector restarts (Prometheus treats that
// as a counter reset), and the package list comes back with the latest stored report that
// carried one, or with the next change.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "wardwatch/report.h"

namespace wardwatch::collector {

struct AppTotals {
  double cpu_seconds = 0;
  double running_seconds = 0;
  double office_running_seconds = 0;
  double foreground_seconds = 0;
  double office_foreground_seconds = 0;
  std::uint64_t starts = 0;
};

struct SoftwareState {
  // Bounded: at most kMaxApps names per machine; later names are added to "other".
  static constexpr std::size_t kMaxApps = 64;
  std::map<std::string, AppTotals> apps;
  std::shared_ptr<const std::vector<schema::Package>> packages;  // last full list seen
  std::uint64_t packages_sequence = 0;                           // report that carried it
  std::string packages_hash;
};

// After a report is stored: adds its app deltas (when `count_usage`; not for reports loaded
// at start-up, whose deltas were already counted before the restart) and keeps a newer
// package list.
void AccumulateSoftware(SoftwareState& state, const Report& report, bool count_usage);

}  // namespace wardwatch::collector
