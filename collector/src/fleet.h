// In-memory view of the fleet: enrolled machines (token hashes) and each machine's latest
// decoded report. Loaded from the store at start-up, updated after every commit.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "software_state.h"
#include "store.h"
#include "wardwatch/report.h"

namespace wardwatch::collector {

struct MachineState {
  MachineRow row;
  std::shared_ptr<const Report> latest;  // null until the first report
  std::int64_t latest_received_at_ms = 0;
  SoftwareState software;  // per-app counters and last package list (software_state.h)
};

class Fleet {
 public:
  // Loads machines and their latest reports; a stored body that no longer decodes is logged
  // and skipped (the machine stays enrolled).
  Status Load(Store& store);

  // The machine id owning this token, when it is enrolled and not revoked. The hash is looked
  // up, then compared again in constant time.
  std::optional<std::string> Authenticate(std::string_view token) const;

  // After the enrollment committed: replaces the token (the old one stops working at once).
  void Enrolled(const MachineRow& row);
  // A revocation committed by `machines revoke`: the token stops working at once. Only when
  // `token_hash` is still the machine's token (a later enrollment wins). True if it changed.
  bool Revoke(const std::string& id, const std::string& token_hash);
  // After a report committed: keeps it when its sequence is the highest seen.
  void Stored(std::shared_ptr<const Report> report, std::int64_t received_at_ms);

  // A consistent copy for rendering; ordered by machine id.
  std::vector<MachineState> Snapshot() const;
  std::optional<MachineState> Find(const std::string& id) const;
  std::size_t active_machines() const;
  // Increases on every change that alters /metrics.
  std::uint64_t generation() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, MachineState> machines_;
  std::unordered_map<std::string, std::string> by_token_hash_;
  std::uint64_t generation_ = 1;
};

}  // namespace wardwatch::collector
