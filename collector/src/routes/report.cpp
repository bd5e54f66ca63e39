// GET /api/v1/reports/upgrade?format=html|pdf|csv&lang=vi|en[&from=&to=|&period=Nd] (api
// token): the leadership report. Built on the analytics worker after it flushed its rollups,
// so the report includes every report stored before the request and the I/O threads stay free.
#include "report/report.h"

#include "analytics/engine.h"
#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

namespace bhttp = http::bhttp;

std::string Param(const http::RequestContext& ctx, std::string_view key, std::string fallback) {
  const std::string_view target = ctx.message.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return fallback;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    const auto eq = kv.find('=');
    if (kv.substr(0, eq) == key && eq != std::string_view::npos)
      return std::string(kv.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return fallback;
}

}  // namespace

void AddUpgradeReportRoutes(http::Router& router, App& app) {
  router.Add(
      {.method = bhttp::verb::get,
       .pattern = "/api/v1/reports/upgrade",
       .auth = http::AuthKind::kApiToken,
       .handler = [&app](http::RequestContext& ctx, http::Responder respond) {
         auto format = report::ParseFormat(Param(ctx, "format", "pdf"));
         if (!format) {
           respond(http::JsonError(bhttp::status::bad_request, format.error()));
           return;
         }
         const std::string lang = Param(ctx, "lang", "vi");
         if (lang != "vi" && lang != "en") {
           respond(http::JsonError(bhttp::status::bad_request,
                                   "lang must be vi or en, got \"" + lang + "\""));
           return;
         }
         report::Options o;
         o.format = *format;
         o.vi = lang == "vi";
         o.from = Param(ctx, "from", "");
         o.to = Param(ctx, "to", "");
         o.period = Param(ctx, "period", "");
         auto build = [&app, o, respond](const analytics::SiteConfig& site) {
           auto model = report::LoadModel(app.config.data_dir, site, o);
           if (!model) {
             const bool bad = model.error().find("period") != std::string::npos ||
                              model.error().find("from") != std::string::npos ||
                              model.error().find("to ") != std::string::npos;
             respond(http::JsonError(
                 bad ? bhttp::status::bad_request : bhttp::status::internal_server_error,
                 model.error()));
             return;
           }
           auto body = report::Render(*model, o.format);
           if (!body) {
             respond(http::JsonError(bhttp::status::internal_server_error, body.error()));
             return;
           }
           auto res = http::TextResponse(bhttp::status::ok, std::move(*body),
                                         report::ContentType(o.format));
           const char* ext = o.format == report::Format::kPdf    ? "pdf"
                             : o.format == report::Format::kHtml ? "html"
                                                                 : "csv";
           res.set(bhttp::field::content_disposition,
                   std::string("inline; filename=\"wardwatch-upgrade-") + (o.vi ? "vi." : "en.") +
                       ext + "\"");
           respond(std::move(res));
         };
         if (app.analytics == nullptr) {
           auto site = LoadSiteConfig(app.config.data_dir, app.config.site_config);
           if (!site) {
             respond(http::JsonError(bhttp::status::internal_server_error, site.error()));
             return;
           }
           build(*site);
           return;
         }
         if (!app.analytics->Post([build](AnalyticsEngine& e) {
               (void)e.History("", 0, 0);  // flushes pending rollups to analytics.db
               build(e.site());
             })) {
           respond(http::JsonError(bhttp::status::service_unavailable, "analytics are stopping"));
         }
       }});
}

}  // namespace wardwatch::collector::routes
