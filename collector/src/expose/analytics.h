// Prometheus text of the analytics series (appended to /metrics by MetricsPage).
#pragma once

#include <string>

#include "analytics/engine.h"

namespace wardwatch::collector::expose {

std::string ExposeAnalytics(const AnalyticsEngine& engine, const std::string& site);

}  // namespace wardwatch::collector::expose
