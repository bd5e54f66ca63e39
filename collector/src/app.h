// What route handlers share: configuration, the store, the in-memory fleet, metrics.
#pragma once

#include "fleet.h"
#include "metrics_page.h"
#include "options.h"
#include "self_metrics.h"
#include "store.h"

namespace wardwatch::collector {

class AnalyticsEngine;

struct App {
  const Config& config;
  Store& store;
  Fleet& fleet;
  SelfMetrics& metrics;
  MetricsPage& page;
  AnalyticsEngine* analytics = nullptr;  // analytics/engine.h; null when not running
};

}  // namespace wardwatch::collector
