// Exposes each machine's identity and report freshness (wardwatch_machine_*).
#include "expose/expose.h"

namespace wardwatch::collector::expose {

void ExposeMachine(const MachineContext& m, FamilySet& out) {
  m.Gauge(out, "wardwatch_machine_last_report_timestamp_seconds",
          "Collection time of the machine's latest stored report (agent clock).", {},
          static_cast<double>(m.report.collected_at_ms) / 1000.0);
  m.Gauge(out, "wardwatch_machine_info", "Machine identity and agent version; value is always 1.",
          {{"machine_id", m.report.machine_id},
           {"agent_version", m.report.agent_version},
           {"platform", m.report.platform}},
          1);
}

}  // namespace wardwatch::collector::expose
