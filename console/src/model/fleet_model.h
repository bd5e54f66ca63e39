// The fleet table's state: rows, text and flag filter, sort order, selection and totals.
// Pure (no threads, no ImGui): the view reads visible() and reports changes as UiActions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/types.h"

namespace wardwatch::console {

enum class Column {
  kName,
  kDepartment,
  kAge,
  kScore,
  kRecommendation,
  kCpu,
  kRam,
  kBootDisk,
  kLastSeen,
  kFlags,
};
inline constexpr int kColumnCount = 10;

struct SortSpec {
  Column column = Column::kScore;
  bool descending = true;
  bool operator==(const SortSpec&) const = default;
};

struct FleetTotals {
  int machines = 0;
  int to_replace = 0;
  int to_upgrade = 0;
  int offline = 0;
  int failing_disks = 0;
  double utilisation_now = kNaN;
};

class FleetModel {
 public:
  // A machine unseen for longer than this (by the collector's clock) counts as offline.
  static constexpr std::int64_t kOfflineAfterMs = 30 * 60 * 1000;

  // Replaces the rows; keeps filter, sort and selection (when the machine is still there).
  // `now_ms` decides which machines are offline.
  void SetMachines(std::vector<MachineSummary> machines, std::int64_t now_ms);
  void SetUtilisationNow(double ratio) { utilisation_now_ = ratio; }

  // Case-insensitive substring over name, id, department, room, user, OS and CPU.
  void SetFilterText(std::string_view text);
  // Rows having ANY of these flags; 0 shows every row.
  void SetFlagFilter(std::uint32_t mask);
  void SetSort(SortSpec spec);
  void Select(std::string_view id);

  const std::vector<MachineSummary>& machines() const { return machines_; }
  // Indices into machines(), filtered and sorted.
  const std::vector<std::uint32_t>& visible() const { return visible_; }
  const MachineSummary* Find(std::string_view id) const;
  const std::string& filter_text() const { return filter_text_; }
  std::uint32_t flag_filter() const { return flag_filter_; }
  SortSpec sort() const { return sort_; }
  const std::string& selected() const { return selected_; }
  const FleetTotals& totals() const { return totals_; }
  // Bumps whenever visible() changes (views cache per-row strings on it).
  std::uint64_t generation() const { return generation_; }

 private:
  void Rebuild();

  std::vector<MachineSummary> machines_;
  std::vector<std::string> haystack_;  // lower-cased searchable text per machine
  std::unordered_map<std::string, std::uint32_t> by_id_;
  std::vector<std::uint32_t> visible_;
  std::string filter_text_;
  std::string filter_lower_;
  std::uint32_t flag_filter_ = 0;
  SortSpec sort_;
  std::string selected_;
  FleetTotals totals_;
  double utilisation_now_ = kNaN;
  std::uint64_t generation_ = 0;
};

// ASCII lower-casing (Vietnamese letters outside ASCII compare as typed).
std::string LowerAscii(std::string_view text);

}  // namespace wardwatch::console
