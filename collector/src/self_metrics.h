// The collector's own metrics (wardwatch_collector_*): ingest outcomes and durations.
#pragma once

#include <prometheus/metric_family.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace wardwatch::collector {

enum class RejectReason {
  kUnauthorized,
  kForbidden,
  kBadRequest,
  kTooLarge,
  kUnsupportedMediaType,
  kOverloaded,
  kStorageError,
};
inline constexpr std::size_t kRejectReasonCount = 7;
std::string_view ReasonName(RejectReason reason);

class SelfMetrics {
 public:
  SelfMetrics();
  void Stored() { stored_.fetch_add(1); }
  void Duplicate() { duplicate_.fetch_add(1); }
  void Rejected(RejectReason reason) { rejected_[static_cast<std::size_t>(reason)].fetch_add(1); }
  void ObserveIngest(double seconds);

  std::uint64_t stored() const { return stored_.load(); }
  std::uint64_t duplicate() const { return duplicate_.load(); }
  std::uint64_t rejected(RejectReason reason) const {
    return rejected_[static_cast<std::size_t>(reason)].load();
  }

  std::vector<prometheus::MetricFamily> Collect(std::size_t machines,
                                                const std::string& site) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   5};
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> duplicate_{0};
  std::array<std::atomic<std::uint64_t>, kRejectReasonCount> rejected_{};
  mutable std::mutex histogram_mu_;
  std::array<std::uint64_t, kBuckets.size()> bucket_counts_{};  // non-cumulative
  std::uint64_t observations_ = 0;
  double sum_ = 0;
};

}  // namespace wardwatch::collector
