// JSON codec for the agent-health section.
#include <nlohmann/json.hpp>

#include "wardwatch/json_decode.h"
#include "wardwatch/schema/agent_health.h"

namespace wardwatch::schema {

nlohmann::json EncodeAgentHealth(const AgentHealthSection& s) {
  return {{"spool_bytes", s.spool_bytes},
          {"spool_oldest_age_seconds", s.spool_oldest_age_seconds},
          {"reports_sent_total", s.reports_sent_total},
          {"reports_retried_total", s.reports_retried_total},
          {"reports_dropped_total", s.reports_dropped_total},
          {"reports_deadlettered_total", s.reports_deadlettered_total},
          {"last_error", s.last_error}};
}

void DecodeAgentHealth(json::Object& o, AgentHealthSection& s) {
  o.Default("spool_bytes", s.spool_bytes);
  o.Default("spool_oldest_age_seconds", s.spool_oldest_age_seconds);
  o.Default("reports_sent_total", s.reports_sent_total);
  o.Default("reports_retried_total", s.reports_retried_total);
  o.Default("reports_dropped_total", s.reports_dropped_total);
  o.Default("reports_deadlettered_total", s.reports_deadlettered_total);
  o.Default("last_error", s.last_error);
}

}  // namespace wardwatch::schema
