// Delivery of spooled reports: oldest first, several per wake-up over one connection,
// exponential backoff with full jitter, Retry-After honoured, dead letters for reports the
// collector will never accept. A record leaves the spool only after a 2xx.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "collector_client.h"
#include "spool.h"

namespace wardwatch::agent {

struct DeliveryOptions {
  double backoff_base_seconds = 1;
  double backoff_cap_seconds = 300;
  std::size_t batch_records = 50;
  std::uint64_t batch_bytes = 4ull << 20;
};

struct DeliveryStats {
  std::uint64_t sent = 0;          // acknowledged with a 2xx
  std::uint64_t retried = 0;       // attempts that failed and will be retried
  std::uint64_t deadlettered = 0;  // refused for good (4xx other than 401/408/429)
  std::string last_error;
};

class Delivery {
 public:
  using Clock = std::chrono::steady_clock;

  Delivery(Spool& spool, CollectorClient& client, std::string deadletter_path,
           std::string machine_id, std::string hostname, DeliveryOptions options = {},
           std::uint64_t seed = std::random_device{}());

  // Sends while there is something to send and the collector accepts it; on a failure it
  // schedules the next attempt and returns. Does nothing before that time unless `force`.
  void Pump(bool force = false);
  Clock::time_point next_attempt() const { return next_attempt_; }
  bool idle() const { return spool_.pending_records() == 0; }
  const DeliveryStats& stats() const { return stats_; }
  // The backoff delay after `failures` consecutive failures (full jitter).
  double BackoffSeconds(unsigned failures);

 private:
  void DeadLetter(const SpoolRecord& r, const PostOutcome& why);

  Spool& spool_;
  CollectorClient& client_;
  std::string deadletter_path_;
  std::string machine_id_, hostname_;
  DeliveryOptions options_;
  std::mt19937_64 rng_;
  unsigned failures_ = 0;
  Clock::time_point next_attempt_ = Clock::now();
  DeliveryStats stats_;
};

}  // namespace wardwatch::agent
