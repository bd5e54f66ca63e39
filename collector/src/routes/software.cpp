// GET /api/v1/machines/{id}/software: the machine's last full package list (agents send it
// only when the inventory hash changes), with the latest report's hash, counts, changes and
// OS install date. The full inventory lives here and in the store, never in /metrics.
#include "routes/routes.h"

namespace wardwatch::collector::routes {

void AddSoftwareRoutes(http::Router& router, App& app) {
  router.Add(
      {.method = http::bhttp::verb::get,
       .pattern = "/api/v1/machines/{id}/software",
       .auth = http::AuthKind::kApiToken,
       .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
         const std::string& id = ctx.params.find("id")->second;
         auto m = app.fleet.Find(id);
         if (!m) {
           respond(http::JsonError(http::bhttp::status::not_found, "no machine " + id));
           return;
         }
         nlohmann::json j = {{"machine_id", id}};
         if (m->latest && m->latest->software) {
           const auto& s = *m->latest->software;
           j["sequence"] = m->latest->sequence;
           j["inventory_hash"] = s.inventory_hash;
           j["package_counts"] = s.package_counts;
           j["os_install_time"] =
               s.os_install_time ? nlohmann::json(*s.os_install_time) : nlohmann::json();
         }
         const auto& sw = m->software;
         if (sw.packages) {
           auto list = nlohmann::json::array();
           for (const auto& p : *sw.packages) {
             nlohmann::json e = {
                 {"name", p.name}, {"version", p.version}, {"source", p.source}, {"arch", p.arch}};
             if (p.install_time) e["install_time"] = *p.install_time;
             list.push_back(std::move(e));
           }
           j["packages_sequence"] = sw.packages_sequence;
           j["packages_hash"] = sw.packages_hash;
           j["packages"] = std::move(list);
         } else {
           // Not seen since the collector started; the agent sends it with the next change.
           j["packages"] = nullptr;
         }
         respond(http::JsonResponse(http::bhttp::status::ok, j));
       }});
}

}  // namespace wardwatch::collector::routes
