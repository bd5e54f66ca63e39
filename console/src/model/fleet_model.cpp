// Filtering, sorting and totals of the fleet table.
#include "model/fleet_model.h"

#include <algorithm>
#include <bit>

namespace wardwatch::console {
namespace {

int RecommendationRank(Recommendation r) {
  switch (r) {
    case Recommendation::kReplace:
      return 4;
    case Recommendation::kUpgrade:
      return 3;
    case Recommendation::kWatch:
      return 2;
    case Recommendation::kFine:
      return 1;
    case Recommendation::kUnknown:
      return 0;
  }
  return 0;
}

// NaN sorts last in both directions, so unknown values never hide the worst machines.
int CompareNumber(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 2 : -2);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int CompareText(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int Compare(const MachineSummary& a, const MachineSummary& b, Column col) {
  switch (col) {
    case Column::kName:
      return CompareText(a.name, b.name);
    case Column::kDepartment: {
      const int c = CompareText(a.department, b.department);
      return c != 0 ? c : CompareText(a.room, b.room);
    }
    case Column::kAge:
      return CompareNumber(a.age_years, b.age_years);
    case Column::kScore:
      return CompareNumber(a.score, b.score);
    case Column::kRecommendation: {
      const int ra = RecommendationRank(a.recommendation),
                rb = RecommendationRank(b.recommendation);
      return ra < rb ? -1 : (ra > rb ? 1 : CompareNumber(a.score, b.score));
    }
    case Column::kCpu: {
      const int c = a.cpu_cores < b.cpu_cores ? -1 : (a.cpu_cores > b.cpu_cores ? 1 : 0);
      return c != 0 ? c : CompareText(a.cpu_model, b.cpu_model);
    }
    case Column::kRam:
      return CompareNumber(a.ram_bytes, b.ram_bytes);
    case Column::kBootDisk: {
      const int c = CompareText(a.boot_disk_type, b.boot_disk_type);
      return c != 0 ? c : CompareNumber(a.boot_disk_bytes, b.boot_disk_bytes);
    }
    case Column::kLastSeen:
      return a.last_seen_ms < b.last_seen_ms ? -1 : (a.last_seen_ms > b.last_seen_ms ? 1 : 0);
    case Column::kFlags: {
      const int pa = std::popcount(a.flags), pb = std::popcount(b.flags);
      if (pa != pb) return pa < pb ? -1 : 1;
      return a.flags < b.flags ? -1 : (a.flags > b.flags ? 1 : 0);
    }
  }
  return 0;
}

}  // namespace

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void FleetModel::SetMachines(std::vector<MachineSummary> machines, std::int64_t now_ms) {
  machines_ = std::move(machines);
  haystack_.clear();
  haystack_.reserve(machines_.size());
  by_id_.clear();
  by_id_.reserve(machines_.size());
  for (std::uint32_t i = 0; i < machines_.size(); ++i) {
    MachineSummary& m = machines_[i];
    if (m.last_seen_ms > 0 && now_ms > 0 && now_ms - m.last_seen_ms > kOfflineAfterMs) {
      m.flags |= kFlagOffline;
    }
    haystack_.push_back(LowerAscii(m.name + '\n' + m.id + '\n' + m.department + '\n' + m.room +
                                   '\n' + m.user + '\n' + m.os + '\n' + m.cpu_model));
    by_id_.emplace(m.id, i);
  }
  if (!selected_.empty() && by_id_.find(selected_) == by_id_.end()) selected_.clear();
  Rebuild();
}

void FleetModel::SetFilterText(std::string_view text) {
  if (text == filter_text_) return;
  filter_text_ = std::string(text);
  filter_lower_ = LowerAscii(text);
  Rebuild();
}

void FleetModel::SetFlagFilter(std::uint32_t mask) {
  if (mask == flag_filter_) return;
  flag_filter_ = mask;
  Rebuild();
}

void FleetModel::SetSort(SortSpec spec) {
  if (spec == sort_) return;
  sort_ = spec;
  Rebuild();
}

void FleetModel::Select(std::string_view id) {
  selected_ = by_id_.count(std::string(id)) != 0 ? std::string(id) : std::string();
}

const MachineSummary* FleetModel::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &machines_[it->second];
}

void FleetModel::Rebuild() {
  totals_ = FleetTotals{};
  totals_.utilisation_now = utilisation_now_;
  visible_.clear();
  visible_.reserve(machines_.size());
  for (std::uint32_t i = 0; i < machines_.size(); ++i) {
    const MachineSummary& m = machines_[i];
    ++totals_.machines;
    if (m.recommendation == Recommendation::kReplace) ++totals_.to_replace;
    if (m.recommendation == Recommendation::kUpgrade) ++totals_.to_upgrade;
    if ((m.flags & kFlagOffline) != 0) ++totals_.offline;
    if ((m.flags & kFlagFailingDisk) != 0) ++totals_.failing_disks;
    if (flag_filter_ != 0 && (m.flags & flag_filter_) == 0) continue;
    if (!filter_lower_.empty() && haystack_[i].find(filter_lower_) == std::string::npos) continue;
    visible_.push_back(i);
  }
  const Column col = sort_.column;
  const bool desc = sort_.descending;
  std::stable_sort(visible_.begin(), visible_.end(), [&](std::uint32_t a, std::uint32_t b) {
    const MachineSummary& ma = machines_[a];
    const MachineSummary& mb = machines_[b];
    int c = Compare(ma, mb, col);
    if (c == 2 || c == -2) return c < 0;  // unknown last, whatever the direction
    if (desc) c = -c;
    if (c != 0) return c < 0;
    const int n = CompareText(ma.name, mb.name);
    return n != 0 ? n < 0 : ma.id < mb.id;
  });
  ++generation_;
}

}  // namespace wardwatch::console
