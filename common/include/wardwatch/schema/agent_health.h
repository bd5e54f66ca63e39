// Report section for the agent's own health: spool and delivery counters.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct AgentHealthSection {
  std::uint64_t spool_bytes = 0;
  double spool_oldest_age_seconds = 0;
  std::uint64_t reports_sent_total = 0;
  std::uint64_t reports_retried_total = 0;
  std::uint64_t reports_dropped_total = 0;
  std::uint64_t reports_deadlettered_total = 0;
  std::string last_error;
};

nlohmann::json EncodeAgentHealth(const AgentHealthSection& s);
void DecodeAgentHealth(json::Object& o, AgentHealthSection& s);

}  // namespace wardwatch::schema
