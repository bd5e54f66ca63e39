// Exposes the agent's per-collector success and duration, as node_exporter does for itself.
#include "expose/expose.h"

namespace wardwatch::collector::expose {

void ExposeCollectors(const MachineContext& m, FamilySet& out) {
  for (const auto& c : m.report.collectors) {
    m.Gauge(out, "node_scrape_collector_duration_seconds",
            "node_exporter: Duration of a collector scrape.", {{"collector", c.name}},
            c.duration_seconds);
    m.Gauge(out, "node_scrape_collector_success", "node_exporter: Whether a collector succeeded.",
            {{"collector", c.name}}, c.success ? 1 : 0);
  }
}

}  // namespace wardwatch::collector::expose
