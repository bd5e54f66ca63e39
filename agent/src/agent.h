// The agent: runs the enabled collectors into a report and hands it to delivery.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collector.h"
#include "collector_client.h"
#include "options.h"
#include "state.h"

namespace wardwatch::agent {

class Agent {
 public:
  explicit Agent(AgentOptions options);
  Status Init();

  // One full collection into a new report with the next sequence number.
  Result<Report> Collect();
  // Sends one report now (foundation: direct send; the spool puts itself in front of this).
  Status Send(const Report& report);

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
};

}  // namespace wardwatch::agent
