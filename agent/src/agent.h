// The agent: runs the enabled collectors into a report and hands it to delivery.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collector.h"
#include "collector_client.h"
#include "delivery.h"
#include "options.h"
#include "spool.h"
#include "state.h"

namespace wardwatch::agent {

class Agent {
 public:
  explicit Agent(AgentOptions options);
  Status Init();

  // One full collection into a new report with the next sequence number; carries the
  // agent's own health (spool and delivery counters).
  Result<Report> Collect();
  // Appends the report to the spool (compressed, checksummed, fsync'd). Nothing is sent yet.
  Status Submit(const Report& report);
  // Delivers spooled reports if the backoff allows (or now, with force).
  void Pump(bool force = false);
  // At a clean stop: writes the sequence number down (AgentState::SaveSequence).
  Status Close();
  // When delivery wants to run next; spooled reports still waiting.
  Delivery::Clock::time_point next_delivery() const { return delivery_->next_attempt(); }
  std::uint64_t pending() const { return spool_->pending_records(); }
  const DeliveryStats& delivery_stats() const { return delivery_->stats(); }

  const AgentOptions& options() const { return options_; }

 private:
  struct Enabled {
    std::string name;
    std::unique_ptr<Collector> collector;
  };

  AgentOptions options_;
  AgentState state_;
  std::string machine_id_;
  std::string hostname_;
  std::vector<Enabled> collectors_;
  std::unique_ptr<CollectorClient> client_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<Delivery> delivery_;
};

}  // namespace wardwatch::agent
