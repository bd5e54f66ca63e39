// The one table of route modules; later work (console API, reports) adds a line here.
#include "routes/routes.h"

namespace wardwatch::collector::routes {
namespace {

constexpr RouteModule kModules[] = {
    {"enroll", AddEnrollRoutes},       {"reports", AddReportRoutes},
    {"machines", AddMachineRoutes},    {"exporter", AddExporterRoutes},
    {"software", AddSoftwareRoutes},   {"speedtest", AddSpeedtestRoutes},
    {"analytics", AddAnalyticsRoutes}, {"upgrade-report", AddUpgradeReportRoutes},
};

}  // namespace

std::span<const RouteModule> RouteModules() { return kModules; }

void AddAllRoutes(http::Router& router, App& app) {
  for (const auto& m : kModules) m.add(router, app);
}

}  // namespace wardwatch::collector::routes
