// The collector's own metrics (wardwatch_collector_*): ingest outcomes and durations.
#include "self_metrics.h"

#include <limits>

namespace wardwatch::collector {

std::string_view ReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUnauthorized:
      return "unauthorized";
    case RejectReason::kForbidden:
      return "forbidden";
    case RejectReason::kBadRequest:
      return "bad_request";
    case RejectReason::kTooLarge:
      return "too_large";
    case RejectReason::kUnsupportedMediaType:
      return "unsupported_media_type";
    case RejectReason::kOverloaded:
      return "overloaded";
    case RejectReason::kStorageError:
      return "storage_error";
  }
  return "unknown";
}

SelfMetrics::SelfMetrics() {
  for (auto& r : rejected_) r.store(0);
}

void SelfMetrics::ObserveIngest(double seconds) {
  std::lock_guard lock(histogram_mu_);
  ++observations_;
  sum_ += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++bucket_counts_[i];
      break;
    }
  }
}

std::vector<prometheus::MetricFamily> SelfMetrics::Collect(std::size_t machines,
                                                           const std::string& site) const {
  using prometheus::MetricType;
  std::vector<prometheus::ClientMetric::Label> base;
  if (!site.empty()) base.push_back({"site", site});
  auto sample = [&base](std::vector<prometheus::ClientMetric::Label> extra = {}) {
    prometheus::ClientMetric m;
    m.label = std::move(extra);
    m.label.insert(m.label.end(), base.begin(), base.end());
    return m;
  };
  std::vector<prometheus::MetricFamily> out;
  auto counter = [&](const char* name, const char* help, double v) {
    auto m = sample();
    m.counter.value = v;
    out.push_back({name, help, MetricType::Counter, {std::move(m)}});
  };
  counter("wardwatch_collector_reports_stored_total",
          "Reports committed to the store (duplicates excluded).",
          static_cast<double>(stored_.load()));
  counter("wardwatch_collector_reports_duplicate_total",
          "Reports acknowledged again without a second row (same machine and sequence).",
          static_cast<double>(duplicate_.load()));

  prometheus::MetricFamily rejected{"wardwatch_collector_reports_rejected_total",
                                    "Ingest requests refused, by reason.",
                                    MetricType::Counter,
                                    {}};
  for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
    auto m = sample({{"reason", std::string(ReasonName(static_cast<RejectReason>(i)))}});
    m.counter.value = static_cast<double>(rejected_[i].load());
    rejected.metric.push_back(std::move(m));
  }
  out.push_back(std::move(rejected));

  {
    auto m = sample();
    std::lock_guard lock(histogram_mu_);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += bucket_counts_[i];
      m.histogram.bucket.push_back({cumulative, kBuckets[i]});
    }
    m.histogram.bucket.push_back({observations_, std::numeric_limits<double>::infinity()});
    m.histogram.sample_count = observations_;
    m.histogram.sample_sum = sum_;
    out.push_back({"wardwatch_collector_ingest_duration_seconds",
                   "Time from a report's body being read to its answer (after commit).",
                   MetricType::Histogram,
                   {std::move(m)}});
  }
  {
    auto m = sample();
    m.gauge.value = static_cast<double>(machines);
    out.push_back({"wardwatch_collector_machines",
                   "Enrolled machines that are not revoked.",
                   MetricType::Gauge,
                   {std::move(m)}});
  }
  {
    auto m = sample({{"version", WARDWATCH_VERSION}});
    m.gauge.value = 1;
    out.push_back({"wardwatch_collector_build_info",
                   "The collector's version; value is always 1.",
                   MetricType::Gauge,
                   {std::move(m)}});
  }
  return out;
}

}  // namespace wardwatch::collector
