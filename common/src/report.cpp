// Report encode/decode: the envelope (identity, version, sequence) and dispatch to sections.
#include "wardwatch/report.h"

#include <charconv>

#include "wardwatch/json_decode.h"

namespace wardwatch {
namespace {

// Parses "MAJOR.MINOR"; returns false when malformed.
bool ParseVersion(const std::string& v, int& major, int& minor) {
  const auto dot = v.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= v.size()) return false;
  auto r1 = std::from_chars(v.data(), v.data() + dot, major);
  auto r2 = std::from_chars(v.data() + dot + 1, v.data() + v.size(), minor);
  return r1.ec == std::errc() && r1.ptr == v.data() + dot && r2.ec == std::errc() &&
         r2.ptr == v.data() + v.size();
}

}  // namespace

nlohmann::json EncodeReportJson(const Report& r) {
  nlohmann::json j;
  j["schema_version"] = r.schema_version;
  j["machine"] = {{"id", r.machine_id}, {"hostname", r.hostname}};
  j["agent"] = {{"version", r.agent_version}, {"platform", r.platform}};
  j["sequence"] = r.sequence;
  j["collected_at_ms"] = r.collected_at_ms;
  j["interval_seconds"] = r.interval_seconds;
  auto& cs = j["collectors"] = nlohmann::json::array();
  for (const auto& c : r.collectors) {
    nlohmann::json e = {
        {"name", c.name}, {"success", c.success}, {"duration_seconds", c.duration_seconds}};
    if (!c.error.empty()) e["error"] = c.error;
    cs.push_back(std::move(e));
  }
  j["system"] = schema::EncodeSystem(r.system);
  j["network"] = schema::EncodeNetwork(r.network);
  if (r.hardware) j["hardware"] = schema::EncodeHardware(*r.hardware);
  if (r.software) j["software"] = schema::EncodeSoftware(*r.software);
  if (r.agent_health) j["agent_health"] = schema::EncodeAgentHealth(*r.agent_health);
  return j;
}

std::string EncodeReport(const Report& r, bool pretty) {
  return EncodeReportJson(r).dump(pretty ? 2 : -1, ' ', false,
                                  nlohmann::json::error_handler_t::replace);
}

Result<Report> DecodeReportJson(const nlohmann::json& doc) {
  json::Decoder d;
  json::Object root(doc, "", d);
  Report r;
  root.Required("schema_version", r.schema_version);
  if (!d.failed()) {
    int major = 0, minor = 0;
    if (!ParseVersion(r.schema_version, major, minor)) {
      d.Fail("schema_version", "expected \"MAJOR.MINOR\", got \"" + r.schema_version + "\"");
    } else if (major != kSchemaMajor) {
      d.Fail("schema_version", "unsupported major version " + std::to_string(major) +
                                   " (this collector reads " + std::to_string(kSchemaMajor) +
                                   ".x)");
    }
  }
  root.Nested(
      "machine",
      [&r](json::Object& m) {
        m.Required("id", r.machine_id);
        m.Required("hostname", r.hostname);
        if (m.valid() && r.machine_id.empty()) m.decoder().Fail("machine.id", "must not be empty");
        if (m.valid() && r.hostname.empty())
          m.decoder().Fail("machine.hostname", "must not be empty");
      },
      /*required=*/true);
  root.Nested(
      "agent",
      [&r](json::Object& a) {
        a.Required("version", r.agent_version);
        a.Default("platform", r.platform);
      },
      /*required=*/true);
  root.Required("sequence", r.sequence);
  root.Required("collected_at_ms", r.collected_at_ms);
  std::uint64_t interval = 0;
  root.Default("interval_seconds", interval);
  if (interval > 86400) d.Fail("interval_seconds", "must be at most 86400");
  r.interval_seconds = static_cast<std::uint32_t>(interval);
  root.ObjectArray("collectors", r.collectors, [](json::Object& e, CollectorStatus& c) {
    e.Required("name", c.name);
    e.Required("success", c.success);
    e.Default("duration_seconds", c.duration_seconds);
    e.Default("error", c.error);
  });
  root.Nested("system", [&r](json::Object& o) { schema::DecodeSystem(o, r.system); });
  root.Nested("network", [&r](json::Object& o) { schema::DecodeNetwork(o, r.network); });
  root.Nested("hardware", [&r](json::Object& o) {
    r.hardware.emplace();
    schema::DecodeHardware(o, *r.hardware);
  });
  root.Nested("software", [&r](json::Object& o) {
    r.software.emplace();
    schema::DecodeSoftware(o, *r.software);
  });
  root.Nested("agent_health", [&r](json::Object& o) {
    r.agent_health.emplace();
    schema::DecodeAgentHealth(o, *r.agent_health);
  });
  if (d.failed()) return MakeError(d.error());
  return r;
}

Result<Report> DecodeReport(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc) return MakeError(doc.error());
  return DecodeReportJson(*doc);
}

}  // namespace wardwatch
