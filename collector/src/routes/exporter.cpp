// GET /metrics (Prometheus text format, no auth like any exporter) and GET /healthz.
#include <boost/asio/post.hpp>
#include <exception>
#include <string>
#include <utility>

#include "log.h"
#include "routes/routes.h"

namespace wardwatch::collector::routes {

void AddExporterRoutes(http::Router& router, App& app) {
  router.Add(
      {.method = http::bhttp::verb::get,
       .pattern = "/metrics",
       .auth = http::AuthKind::kNone,
       .handler = [&app](http::RequestContext&, http::Responder respond) {
         auto render = [&app, respond = std::move(respond)] {
           try {
             auto page = app.page.Render();
             respond(http::SharedTextResponse(http::bhttp::status::ok, std::move(page.fleet),
                                              std::move(page.tail),
                                              "text/plain; version=0.0.4; charset=utf-8"));
           } catch (const std::exception& e) {  // off the server's own handler guard
             LogError(std::string("/metrics: render failed: ") + e.what());
             respond(http::JsonError(http::bhttp::status::internal_server_error, "internal error"));
           }
         };
         if (app.slow_work == nullptr) return render();
         boost::asio::post(*app.slow_work, std::move(render));
       }});
  router.Add({.method = http::bhttp::verb::get,
              .pattern = "/healthz",
              .auth = http::AuthKind::kNone,
              .handler = [&app](http::RequestContext&, http::Responder respond) {
                if (app.store.healthy()) {
                  respond(http::TextResponse(http::bhttp::status::ok, "ok\n"));
                } else {
                  respond(http::TextResponse(
                      http::bhttp::status::service_unavailable,
                      "store unhealthy: the last database transaction failed (see the log)\n"));
                }
              }});
}

}  // namespace wardwatch::collector::routes
