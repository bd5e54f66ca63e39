// Adds each stored report's per-interval application usage to per-machine counters and keeps
// the last full package list.
#include "software_state.h"

namespace wardwatch::collector {

void AccumulateSoftware(SoftwareState& state, const Report& report, bool count_usage) {
  if (!report.software) return;
  const auto& s = *report.software;
  if (count_usage) {
    for (const auto& a : s.apps) {
      auto it = state.apps.find(a.app);
      if (it == state.apps.end()) {
        const std::string& name = state.apps.size() < SoftwareState::kMaxApps ? a.app : "other";
        it = state.apps.try_emplace(name).first;
      }
      AppTotals& t = it->second;
      // Negative or non-finite deltas would break monotonicity; the decoder admits any double.
      auto add = [](double& total, double delta) {
        if (delta > 0 && delta < 1e12) total += delta;
      };
      add(t.cpu_seconds, a.cpu_seconds);
      add(t.running_seconds, a.running_seconds);
      add(t.office_running_seconds, a.office_running_seconds);
      add(t.foreground_seconds, a.foreground_seconds);
      add(t.office_foreground_seconds, a.office_foreground_seconds);
      t.starts += a.starts;
    }
  }
  if (s.packages && report.sequence >= state.packages_sequence) {
    state.packages = std::make_shared<const std::vector<schema::Package>>(*s.packages);
    state.packages_sequence = report.sequence;
    state.packages_hash = s.inventory_hash;
  }
}

}  // namespace wardwatch::collector
