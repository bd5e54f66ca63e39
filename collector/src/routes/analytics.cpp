// Analytics API for the console and the leadership report (api token): findings, network
// heatmap and bottlenecks, software ranking, machine metadata and per-machine detail. Every
// handler hands its work to the analytics worker and is answered from there, so the HTTP I/O
// threads never compute or read analytics.db.
#include <charconv>

#include "analytics/engine.h"
#include "routes/routes.h"
#include "wardwatch/analytics/local_time.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;
namespace an = wardwatch::analytics;

// Value of `key` in the request's query string ("" when absent).
std::string Query(const http::RequestContext& ctx, std::string_view key) {
  const std::string_view target = ctx.message.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    const auto eq = kv.find('=');
    if (kv.substr(0, eq) == key)
      return std::string(eq == std::string_view::npos ? "" : kv.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

nlohmann::json Envelope(const AnalyticsSnapshot& s) {
  return {{"computed_at", s.computed_at},
          {"compute_seconds", s.compute_seconds},
          {"as_of", s.findings.as_of}};
}

// Answers from the cached snapshot, or (with ?fresh=1 or none yet) after a recomputation that
// includes every report stored before the request.
void WithSnapshot(App& app, http::RequestContext& ctx, http::Responder respond,
                  std::function<http::Response(const AnalyticsSnapshot&)> make) {
  if (app.analytics == nullptr) {
    respond(http::JsonError(bhttp::status::service_unavailable, "analytics are not running"));
    return;
  }
  auto snap = app.analytics->Latest();
  if (snap && Query(ctx, "fresh") != "1") {
    respond(make(*snap));
    return;
  }
  if (!app.analytics->Post(
          [respond, make](AnalyticsEngine& e) { respond(make(*e.RecomputeNow())); })) {
    respond(http::JsonError(bhttp::status::service_unavailable, "analytics are stopping"));
  }
}

nlohmann::json HourPoint(const an::MachineHour& h) {
  auto ratio = [](double a, double b) {
    return b > 0 ? nlohmann::json(a / b) : nlohmann::json(nullptr);
  };
  nlohmann::json lat50 = nullptr, lat95 = nullptr;
  if (!h.probe_latencies.empty()) {
    std::vector<double> v = h.probe_latencies;
    std::sort(v.begin(), v.end());
    lat50 = v[(v.size() - 1) / 2];
    lat95 = v[std::min(v.size() - 1, static_cast<std::size_t>(std::ceil(0.95 * v.size())) - 1)];
  }
  return {{"hour_start", h.hour_start},
          {"seconds", h.seconds},
          {"cpu_busy_ratio", ratio(h.cpu_busy_seconds, h.cpu_total_seconds)},
          {"memory_pressure_ratio", ratio(h.memory_some_seconds, h.seconds)},
          {"io_pressure_ratio", ratio(h.io_some_seconds, h.seconds)},
          {"disk_busy_ratio", ratio(h.disk_busy_seconds, h.seconds)},
          {"swap_in_pages", h.swap_in_pages},
          {"swap_out_pages", h.swap_out_pages},
          {"wan_receive_bytes", h.wan_rx},
          {"wan_transmit_bytes", h.wan_tx},
          {"lan_receive_bytes", h.lan_rx},
          {"lan_transmit_bytes", h.lan_tx},
          {"portal_latency_p50_seconds", lat50},
          {"portal_latency_p95_seconds", lat95},
          {"portal_probe_attempts", h.probe_attempts},
          {"portal_probe_failures", h.probe_failures}};
}

}  // namespace

// Detail of one machine for GET /api/v1/machines/{id}: `base` plus inventory, score and
// evidence, metadata and hourly history (?days=N, default 7, at most 400).
void RespondMachineDetail(App& app, http::RequestContext& ctx, nlohmann::json base,
                          http::Responder respond) {
  if (app.analytics == nullptr) {
    respond(http::JsonResponse(bhttp::status::ok, base));
    return;
  }
  int days = 7;
  if (const std::string d = Query(ctx, "days"); !d.empty()) {
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), days);
    if (ec != std::errc() || p != d.data() + d.size() || days < 1 || days > 400) {
      respond(
          http::JsonError(bhttp::status::bad_request, "days: expected 1..400, got \"" + d + "\""));
      return;
    }
  }
  const std::string id = base.value("machine_id", "");
  app.analytics->Post([respond, base = std::move(base), id, days](AnalyticsEngine& e) mutable {
    auto snap = e.Latest();
    if (!snap) snap = e.RecomputeNow();
    if (auto it = snap->inventory.find(id); it != snap->inventory.end())
      base["inventory"] = it->second;
    for (const auto& j : snap->findings_json["machines"]) {
      if (j["machine_id"] == id) base["aging"] = j;
    }
    if (auto it = snap->machine_apps.find(id); it != snap->machine_apps.end())
      base["top_apps"] = it->second;
    if (auto b = snap->findings.heatmap.baseline_latency_seconds; b) {
      for (auto& p : base["probes"]) p["baseline_seconds"] = *b;
    }
    auto meta = e.GetMeta(id);
    base["meta"] = meta ? an::MetaToJson(*meta) : nlohmann::json(nullptr);
    const std::int64_t to = snap->findings.as_of + 3600;
    auto hist = e.History(id, to - static_cast<std::int64_t>(days) * 86400, to);
    nlohmann::json series = nlohmann::json::array();
    if (hist) {
      for (const auto& h : *hist) series.push_back(HourPoint(h));
    }
    base["history"] = {{"step_seconds", 3600}, {"days", days}, {"points", series}};
    respond(http::JsonResponse(bhttp::status::ok, base));
  });
}

// Adds score, recommendation and flags to each machine of GET /api/v1/machines.
void AnnotateMachines(App& app, nlohmann::json& machines) {
  if (app.analytics == nullptr) return;
  auto snap = app.analytics->Latest();
  if (!snap) return;
  std::map<std::string, const nlohmann::json*> by_id;
  for (const auto& j : snap->findings_json["machines"])
    by_id[j["machine_id"].get<std::string>()] = &j;
  for (auto& m : machines) {
    const std::string id = m.value("machine_id", "");
    if (auto it = by_id.find(id); it != by_id.end()) {
      const nlohmann::json& a = *it->second;
      m["score"] = a["score"];
      m["recommendation"] = a["recommendation"];
      m["flags"] = a["flags"];
      m["cost_vnd"] = a["cost_vnd"];
      m["actions"] = a["actions"];  // what to do ("ssd", "add_ram"): the fleet says it per row
      m["age_years"] = a["age_years"];
    }
    if (auto it = snap->meta.find(id); it != snap->meta.end()) {
      m["department"] = it->second.department;
      m["room"] = it->second.room;
      m["asset_tag"] = it->second.asset_tag;
    }
    if (auto it = snap->inventory.find(id); it != snap->inventory.end()) {
      const nlohmann::json& inv = it->second;
      m["os"] = inv["os_pretty"];
      m["cpu_model"] = inv["cpu_model"];
      m["cpu_threads"] = inv["cpu_threads"];
      m["ram_bytes"] = inv["ram_bytes"];
      const bool disk = inv["boot_disk"].is_object();
      m["boot_disk_rotational"] = disk ? inv["boot_disk"]["rotational"] : nlohmann::json(nullptr);
      m["boot_disk_bytes"] = disk ? inv["boot_disk"]["size_bytes"] : nlohmann::json(nullptr);
    }
  }
}

void AddAnalyticsRoutes(http::Router& router, App& app) {
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/findings",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
                WithSnapshot(app, ctx, respond, [](const AnalyticsSnapshot& s) {
                  nlohmann::json j = s.findings_json;
                  j.update(Envelope(s));
                  return http::JsonResponse(bhttp::status::ok, j);
                });
              }});
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/network/heatmap",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
                const an::SiteConfig site =
                    app.analytics ? app.analytics->site() : an::SiteConfig{};
                WithSnapshot(app, ctx, respond, [site](const AnalyticsSnapshot& s) {
                  nlohmann::json j = an::HeatmapToJson(s.findings.heatmap);
                  j.update(Envelope(s));
                  j["uplink_down_mbps"] = site.uplink_down_mbps;
                  j["uplink_up_mbps"] = site.uplink_up_mbps;
                  j["bottleneck_utilisation"] = site.thresholds.bottleneck_utilisation;
                  return http::JsonResponse(bhttp::status::ok, j);
                });
              }});
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/network/bottlenecks",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
                WithSnapshot(app, ctx, respond, [](const AnalyticsSnapshot& s) {
                  nlohmann::json j = Envelope(s);
                  j.update(s.uplink_now);
                  j["bottlenecks"] = s.findings_json["bottlenecks"];
                  j["verdict"] = s.findings_json["verdict"];
                  j["baseline_latency_seconds"] =
                      s.findings.heatmap.baseline_latency_seconds
                          ? nlohmann::json(*s.findings.heatmap.baseline_latency_seconds)
                          : nlohmann::json(nullptr);
                  return http::JsonResponse(bhttp::status::ok, j);
                });
              }});
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/software",
              .auth = http::AuthKind::kApiToken,
              .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
                WithSnapshot(app, ctx, respond, [](const AnalyticsSnapshot& s) {
                  nlohmann::json j = s.software_json;
                  j.update(Envelope(s));
                  nlohmann::json eol = nlohmann::json::array();
                  for (const auto& m : s.findings_json["machines"]) {
                    for (const auto& f : m["flags"]) {
                      if (f == "os_eol" || f == "os_eol_soon") {
                        const std::string id = m["machine_id"];
                        auto inv = s.inventory.find(id);
                        eol.push_back({{"machine_id", id},
                                       {"hostname", m["hostname"]},
                                       {"os", inv != s.inventory.end() ? inv->second["os_pretty"]
                                                                       : nlohmann::json("")},
                                       {"flag", f}});
                      }
                    }
                  }
                  j["unsupported_os"] = eol;
                  return http::JsonResponse(bhttp::status::ok, j);
                });
              }});
  auto meta_handler = [&app](bool put) {
    return [&app, put](http::RequestContext& ctx, http::Responder respond) {
      const std::string id = ctx.params.find("id")->second;
      if (!app.fleet.Find(id)) {
        respond(http::JsonError(bhttp::status::not_found, "no machine " + id));
        return;
      }
      if (app.analytics == nullptr) {
        respond(http::JsonError(bhttp::status::service_unavailable, "analytics are not running"));
        return;
      }
      nlohmann::json body;
      if (put) {
        body = nlohmann::json::parse(ctx.message.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
          respond(http::JsonError(bhttp::status::bad_request, "body: expected a JSON object"));
          return;
        }
      }
      app.analytics->Post([respond, id, put, body](AnalyticsEngine& e) {
        auto base = e.GetMeta(id);
        if (!base) {
          respond(http::JsonError(bhttp::status::internal_server_error, base.error()));
          return;
        }
        if (!put) {
          respond(http::JsonResponse(bhttp::status::ok, an::MetaToJson(*base)));
          return;
        }
        auto merged = an::MetaFromJson(body, *base);
        if (!merged) {
          respond(http::JsonError(bhttp::status::bad_request, merged.error()));
          return;
        }
        if (auto s = e.PutMeta(id, *merged); !s) {
          respond(http::JsonError(bhttp::status::internal_server_error, s.error()));
          return;
        }
        respond(http::JsonResponse(bhttp::status::ok, an::MetaToJson(*merged)));
      });
    };
  };
  router.Add({.method = bhttp::verb::put,
              .pattern = "/api/v1/machines/{id}/meta",
              .auth = http::AuthKind::kApiToken,
              .handler = meta_handler(true),
              .max_body = 16 * 1024});
  router.Add({.method = bhttp::verb::get,
              .pattern = "/api/v1/machines/{id}/meta",
              .auth = http::AuthKind::kApiToken,
              .handler = meta_handler(false)});
}

}  // namespace wardwatch::collector::routes
