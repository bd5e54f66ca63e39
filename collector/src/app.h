// What route handlers share: configuration, the store, the in-memory fleet, metrics.
#pragma once

#include <boost/asio/thread_pool.hpp>

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
  // Work too slow for the network threads: a /metrics render after many new reports takes about a
  // second at 1,000 machines, and on a network thread it held up ingest (p99 18 -> 300 ms).
  // Null: run inline (tests).
  boost::asio::thread_pool* slow_work = nullptr;
};

}  // namespace wardwatch::collector
