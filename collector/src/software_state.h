// Per-machine software state kept by the collector between reports: the agent sends usage as
// per-interval deltas, and Prometheus wants counters, so each stored report's deltas are added
// here; and the last full package list (agents send it only when its hash changes). The
// counters are in memory only: they start again from zero when the collector restarts
// (Prometheus treats that as a counter reset). The package list is also kept in the store
// (table machine_packages) and restored from there at start (RestorePackageList).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wardwatch/report.h"

namespace wardwatch::collector {

struct AppTotals {
  double cpu_seconds = 0;
  double office_cpu_seconds = 0;
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

// At start: the list the store kept for the machine, unless the state already holds one from
// a later report.
void RestorePackageList(SoftwareState& state, std::vector<schema::Package> packages,
                        std::uint64_t sequence, std::string inventory_hash);

// Fleet-wide installed-software search (GET /api/v1/software/installed).

// Lower case for matching: ASCII, Latin-1, Latin Extended-A, Vietnamese (Ơ Ư and
// U+1EA0..U+1EF9) and basic Cyrillic; other bytes, and invalid UTF-8, are kept as they are.
std::string FoldCase(std::string_view utf8);

// One machine's last package list as the fleet holds it.
struct InstalledListRef {
  std::string machine_id;
  std::string hostname;
  std::shared_ptr<const std::vector<schema::Package>> packages;  // null: not seen since start
};

// Every (name, version) installed anywhere, with the machines that have it. Built from the
// machines' last lists and reused until one of them changes (lists are immutable, shared).
class InstalledIndex {
 public:
  struct Entry {
    std::string name, version, folded_name;
    std::vector<std::string> sources;     // dpkg, registry, ... (distinct)
    std::vector<std::uint32_t> machines;  // indices into machines(), ascending, distinct
  };
  struct Machine {
    std::string id, hostname;
  };

  explicit InstalledIndex(std::vector<InstalledListRef> lists);
  // True when `lists` are the very lists this index was built from (same machines, same
  // list objects), so the index can answer for them.
  bool BuiltFrom(const std::vector<InstalledListRef>& lists) const;

  const std::vector<Entry>& entries() const { return entries_; }      // by folded name, version
  const std::vector<Machine>& machines() const { return machines_; }  // by hostname
  std::size_t machines_with_list() const { return with_list_; }

 private:
  std::vector<std::pair<std::string, const void*>> built_from_;  // machine id, list identity
  std::vector<Entry> entries_;
  std::vector<Machine> machines_;
  std::size_t with_list_ = 0;
};

struct InstalledMatch {
  const InstalledIndex::Entry* entry = nullptr;
  std::size_t name_machines = 0;  // machines with any version of this name
};

struct InstalledSearchResult {
  std::vector<InstalledMatch> packages;  // at most `limit`
  std::size_t matched_packages = 0;      // before the limit
  std::size_t matched_machines = 0;      // machines with at least one match
  bool truncated = false;
};

// Case-insensitive substring of the package name (FoldCase on both sides; an empty query
// matches everything). Names with the most machines first, then by name; within a name,
// versions with the most machines first.
InstalledSearchResult SearchInstalled(const InstalledIndex& index, std::string_view query,
                                      std::size_t limit);

}  // namespace wardwatch::collector
