// GET /api/v1/machines and /api/v1/machines/{id}: the fleet for the console (api token).
#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

nlohmann::json Describe(const MachineState& m) {
  nlohmann::json j = {{"machine_id", m.row.id},
                      {"hostname", m.row.hostname},
                      {"enrolled_at_ms", m.row.enrolled_at_ms},
                      {"last_seen_ms", m.row.last_seen_ms},
                      {"revoked", m.row.revoked}};
  if (m.latest) {
    j["latest_sequence"] = m.latest->sequence;
    j["latest_collected_at_ms"] = m.latest->collected_at_ms;
    j["agent_version"] = m.latest->agent_version;
    j["platform"] = m.latest->platform;
  }
  return j;
}

// The phase that says what a probe of this kind measures (common/.../schema/network.h):
// the whole exchange for http(s), the handshake for tcp (its total adds name resolution),
// the answer for dns; "total" when that phase is missing.
const schema::ProbePhase* LatencyPhase(const schema::ProbeTarget& p) {
  const char* preferred = p.kind == "tcp" ? "connect" : p.kind == "dns" ? "dns" : "total";
  const schema::ProbePhase* fallback = nullptr;
  for (const auto& ph : p.phases) {
    if (ph.count == 0) continue;
    if (ph.phase == preferred) return &ph;
    if (ph.phase == "total") fallback = &ph;
  }
  return fallback;
}

// The probes of the machine's latest report: median latency of the kind's phase and failures
// in that interval, failures since the agent started.
nlohmann::json DescribeProbes(const MachineState& m) {
  nlohmann::json list = nlohmann::json::array();
  if (!m.latest) return list;
  for (const auto& p : m.latest->network.probes) {
    nlohmann::json latency = nullptr, p95 = nullptr, phase = nullptr;
    if (const schema::ProbePhase* ph = LatencyPhase(p)) {
      latency = ph->p50;
      p95 = ph->p95;
      phase = ph->phase;
    }
    list.push_back({{"name", p.name},
                    {"kind", p.kind},
                    {"target", p.url},
                    {"latency_seconds", latency},
                    {"latency_p95_seconds", p95},
                    {"latency_phase", phase},
                    {"attempts", p.attempts},
                    {"failures", p.failures},
                    {"failure_ratio", p.attempts_total > 0
                                          ? nlohmann::json(static_cast<double>(p.failures_total) /
                                                           static_cast<double>(p.attempts_total))
                                          : nlohmann::json(nullptr)},
                    {"last_error", p.last_error}});
  }
  return list;
}

}  // namespace

void AddMachineRoutes(http::Router& router, App& app) {
  router.Add({.method = http::bhttp::verb::get,
              .pattern = "/api/v1/machines",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext&, http::Responder respond) {
                auto list = nlohmann::json::array();
                for (const auto& m : app.fleet.Snapshot()) list.push_back(Describe(m));
                AnnotateMachines(app, list);
                respond(http::JsonResponse(http::bhttp::status::ok, {{"machines", list}}));
              }});
  router.Add({.method = http::bhttp::verb::get,
              .pattern = "/api/v1/machines/{id}",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
                const std::string id = ctx.params.find("id")->second;
                auto m = app.fleet.Find(id);
                if (!m) {
                  respond(http::JsonError(http::bhttp::status::not_found, "no machine " + id));
                  return;
                }
                nlohmann::json base = Describe(*m);
                base["probes"] = DescribeProbes(*m);
                RespondMachineDetail(app, ctx, std::move(base), std::move(respond));
              }});
}

}  // namespace wardwatch::collector::routes
