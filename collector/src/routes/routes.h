// The route modules: each file adds its routes; one table lists the files.
#pragma once

#include <span>
#include <string_view>

#include "app.h"
#include "http/router.h"

namespace wardwatch::collector::routes {

struct RouteModule {
  std::string_view name;
  void (*add)(http::Router& router, App& app);
};

void AddEnrollRoutes(http::Router& router, App& app);         // enroll.cpp
void AddReportRoutes(http::Router& router, App& app);         // reports.cpp
void AddMachineRoutes(http::Router& router, App& app);        // machines.cpp
void AddExporterRoutes(http::Router& router, App& app);       // exporter.cpp: /metrics, /healthz
void AddSoftwareRoutes(http::Router& router, App& app);       // software.cpp: package list
void AddSpeedtestRoutes(http::Router& router, App& app);      // speedtest.cpp: LAN speed test
void AddAnalyticsRoutes(http::Router& router, App& app);      // analytics.cpp: findings, network
void AddUpgradeReportRoutes(http::Router& router, App& app);  // report.cpp: leadership report
// analytics.cpp: what /api/v1/machines and /api/v1/machines/{id} add from the analytics.
void AnnotateMachines(App& app, nlohmann::json& machines);
void RespondMachineDetail(App& app, http::RequestContext& ctx, nlohmann::json base,
                          http::Responder respond);

std::span<const RouteModule> RouteModules();
void AddAllRoutes(http::Router& router, App& app);

}  // namespace wardwatch::collector::routes
