// The WardWatch report: what one agent sends per interval. Versioned; see docs/report-schema.md.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"
#include "wardwatch/schema/agent_health.h"
#include "wardwatch/schema/hardware.h"
#include "wardwatch/schema/network.h"
#include "wardwatch/schema/software.h"
#include "wardwatch/schema/system.h"

namespace wardwatch {

inline constexpr int kSchemaMajor = 1;
inline constexpr int kSchemaMinor = 0;

struct CollectorStatus {
  std::string name;
  bool success = false;
  double duration_seconds = 0;
  std::string error;  // empty on success; "not present" facts are successes, not errors
};

struct Report {
  std::string schema_version = std::to_string(kSchemaMajor) + "." + std::to_string(kSchemaMinor);
  std::string machine_id;  // stable: /etc/machine-id or DMI product UUID
  std::string hostname;
  std::string agent_version;
  std::string platform;  // "linux", "windows"
  std::uint64_t sequence = 0;
  std::uint64_t collected_at_ms = 0;  // Unix time in milliseconds
  std::uint32_t interval_seconds = 0;
  std::vector<CollectorStatus> collectors;

  schema::SystemSection system;
  schema::NetworkSection network;
  std::optional<schema::HardwareSection> hardware;
  std::optional<schema::SoftwareSection> software;
  std::optional<schema::AgentHealthSection> agent_health;
};

nlohmann::json EncodeReportJson(const Report& r);
std::string EncodeReport(const Report& r, bool pretty = false);

// Decodes and validates a report. Errors name the exact field: "system.cpus[1].user: expected
// a number, got \"x\"". Unknown major versions are refused; unknown fields are ignored (newer
// minor versions add fields).
Result<Report> DecodeReport(std::string_view text);
Result<Report> DecodeReportJson(const nlohmann::json& doc);

}  // namespace wardwatch
