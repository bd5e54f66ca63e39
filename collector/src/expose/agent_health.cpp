// Exposes the agent's own delivery health: spool size and age, sent/retried/dropped reports.
#include "expose/expose.h"

namespace wardwatch::collector::expose {

void ExposeAgentHealth(const MachineContext& m, FamilySet& out) {
  if (!m.report.agent_health) return;
  const auto& h = *m.report.agent_health;
  m.Gauge(out, "wardwatch_agent_spool_bytes", "Bytes of reports waiting in the agent's disk spool.",
          {}, static_cast<double>(h.spool_bytes));
  m.Gauge(out, "wardwatch_agent_spool_oldest_age_seconds",
          "Age of the oldest report waiting in the agent's spool.", {}, h.spool_oldest_age_seconds);
  m.Counter(out, "wardwatch_agent_reports_sent_total",
            "Reports the agent delivered to the collector.", {},
            static_cast<double>(h.reports_sent_total));
  m.Counter(out, "wardwatch_agent_reports_retried_total",
            "Delivery attempts the agent had to retry.", {},
            static_cast<double>(h.reports_retried_total));
  m.Counter(out, "wardwatch_agent_reports_dropped_total",
            "Reports the agent dropped because its spool was full.", {},
            static_cast<double>(h.reports_dropped_total));
  m.Counter(out, "wardwatch_agent_reports_deadlettered_total",
            "Reports the collector refused for good and the agent set aside.", {},
            static_cast<double>(h.reports_deadlettered_total));
}

}  // namespace wardwatch::collector::expose
