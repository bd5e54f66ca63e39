// Prometheus series of the analytics: aging score, recommendation and findings per machine,
// site WAN counters, uplink capacity and bottleneck hours. Bounded labels only: the
// recommendation (4 values), the finding flag (a fixed set), weekday and hour.
#include "expose/analytics.h"

#include <algorithm>
#include <cstdio>

#include "expose/expose.h"
#include "wardwatch/analytics/local_time.h"

namespace wardwatch::collector::expose {

namespace {

prometheus::ClientMetric Sample(std::vector<prometheus::ClientMetric::Label> labels, double v,
                                bool counter) {
  prometheus::ClientMetric m;
  std::sort(labels.begin(), labels.end());
  m.label = std::move(labels);
  if (counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  return m;
}

}  // namespace

std::string ExposeAnalytics(const AnalyticsEngine& engine, const std::string& site) {
  FamilySet out;
  auto base = [&](std::vector<prometheus::ClientMetric::Label> l) {
    if (!site.empty()) l.push_back({"site", site});
    return l;
  };
  const auto snap = engine.Latest();
  const auto& cfg = engine.site();
  {
    auto& cap = out.Family("wardwatch_site_uplink_capacity_bytes",
                           "Configured uplink capacity in bytes per second.",
                           prometheus::MetricType::Gauge);
    cap.metric.push_back(
        Sample(base({{"direction", "receive"}}), cfg.uplink_down_mbps * 1e6 / 8, false));
    cap.metric.push_back(
        Sample(base({{"direction", "transmit"}}), cfg.uplink_up_mbps * 1e6 / 8, false));
  }
  out.Family("wardwatch_site_wan_receive_bytes_total",
             "Bytes received from the internet by all machines (sum of their WAN traffic).",
             prometheus::MetricType::Counter)
      .metric.push_back(Sample(base({}), engine.site_wan_rx_total(), true));
  out.Family("wardwatch_site_wan_transmit_bytes_total",
             "Bytes sent to the internet by all machines (sum of their WAN traffic).",
             prometheus::MetricType::Counter)
      .metric.push_back(Sample(base({}), engine.site_wan_tx_total(), true));
  out.Family("wardwatch_analytics_reports_dropped_total",
             "Stored reports the analytics queue had no room for.", prometheus::MetricType::Counter)
      .metric.push_back(Sample(base({}), static_cast<double>(engine.dropped()), true));
  out.Family("wardwatch_analytics_queue_reports",
             "Stored reports waiting for the analytics worker.", prometheus::MetricType::Gauge)
      .metric.push_back(Sample(base({}), static_cast<double>(engine.queued()), false));
  if (snap) {
    out.Family("wardwatch_analytics_computed_timestamp_seconds",
               "When the findings were last computed.", prometheus::MetricType::Gauge)
        .metric.push_back(Sample(base({}), static_cast<double>(snap->computed_at), false));
    out.Family("wardwatch_analytics_compute_duration_seconds",
               "How long the last computation of all findings took.", prometheus::MetricType::Gauge)
        .metric.push_back(Sample(base({}), snap->compute_seconds, false));
    // Families are looked up again on every push: Family() may grow the vector.
    auto score = [&]() -> prometheus::MetricFamily& {
      return out.Family("wardwatch_machine_aging_score",
                        "Aging score 0-100 (higher = older / weaker / failing).",
                        prometheus::MetricType::Gauge);
    };
    auto rec = [&]() -> prometheus::MetricFamily& {
      return out.Family("wardwatch_machine_recommendation",
                        "1 for the machine's current recommendation, 0 for the others.",
                        prometheus::MetricType::Gauge);
    };
    auto fin = [&]() -> prometheus::MetricFamily& {
      return out.Family("wardwatch_machine_finding",
                        "1 for each finding flag that holds for the machine.",
                        prometheus::MetricType::Gauge);
    };
    for (const analytics::AgingResult& a : snap->findings.machines) {
      const std::string inst = a.hostname.empty() ? a.machine_id : a.hostname;
      score().metric.push_back(Sample(base({{"instance", inst}}), a.score, false));
      for (auto r : {analytics::Recommendation::kReplace, analytics::Recommendation::kUpgrade,
                     analytics::Recommendation::kWatch, analytics::Recommendation::kFine}) {
        rec().metric.push_back(
            Sample(base({{"instance", inst}, {"recommendation", analytics::RecommendationName(r)}}),
                   a.recommendation == r ? 1 : 0, false));
      }
      for (const std::string& f : a.flags) {
        fin().metric.push_back(Sample(base({{"instance", inst}, {"finding", f}}), 1, false));
      }
    }
    auto bn = [&]() -> prometheus::MetricFamily& {
      return out.Family("wardwatch_site_bottleneck_hour",
                        "p95 uplink utilisation (ratio) of each recurring bottleneck hour "
                        "(local weekday and hour).",
                        prometheus::MetricType::Gauge);
    };
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (const analytics::Bottleneck& b : snap->findings.bottlenecks) {
      char hour[8];
      std::snprintf(hour, sizeof hour, "%02d", b.hour % 100);
      bn().metric.push_back(Sample(base({{"weekday", kDays[b.weekday % 7]}, {"hour", hour}}),
                                   b.p95_utilisation, false));
    }
  }
  return Serialize(out.Take());
}

}  // namespace wardwatch::collector::expose
