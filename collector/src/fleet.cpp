// In-memory view of the fleet: enrolled machines and each machine's latest decoded report.
#include "fleet.h"

#include "auth.h"
#include "log.h"

namespace wardwatch::collector {

Status Fleet::Load(Store& store) {
  auto machines = store.LoadMachines();
  if (!machines) return MakeError(machines.error());
  auto latest = store.LoadLatestReports();
  if (!latest) return MakeError(latest.error());
  auto package_lists = store.LoadPackageLists();
  if (!package_lists) return MakeError(package_lists.error());
  std::lock_guard lock(mu_);
  machines_.clear();
  by_token_hash_.clear();
  for (auto& row : *machines) {
    if (!row.revoked) by_token_hash_[row.token_hash] = row.id;
    machines_[row.id].row = std::move(row);
  }
  for (const auto& stored : *latest) {
    auto it = machines_.find(stored.machine_id);
    if (it == machines_.end()) continue;
    auto report = DecodeReport(stored.body);
    if (!report) {
      LogWarn("fleet: stored report " + stored.machine_id + "#" + std::to_string(stored.sequence) +
              " no longer decodes, skipped: " + report.error());
      continue;
    }
    it->second.latest = std::make_shared<const Report>(std::move(*report));
    AccumulateSoftware(it->second.software, *it->second.latest, /*count_usage=*/false);
    it->second.latest_received_at_ms = stored.received_at_ms;
  }
  // Agents send their package list only when it changes: the store kept the last one.
  for (auto& list : *package_lists) {
    auto it = machines_.find(list.machine_id);
    if (it == machines_.end()) continue;
    RestorePackageList(it->second.software, std::move(list.packages), list.sequence,
                       std::move(list.inventory_hash));
  }
  ++generation_;
  return Status::Ok();
}

std::optional<std::string> Fleet::Authenticate(std::string_view token) const {
  if (!auth::LooksLikeToken(token)) return std::nullopt;
  const std::string hash = auth::HashToken(token);
  std::lock_guard lock(mu_);
  auto it = by_token_hash_.find(hash);
  if (it == by_token_hash_.end()) return std::nullopt;
  auto m = machines_.find(it->second);
  if (m == machines_.end() || m->second.row.revoked ||
      !auth::ConstantTimeEquals(m->second.row.token_hash, hash)) {
    return std::nullopt;
  }
  return it->second;
}

void Fleet::Enrolled(const MachineRow& row) {
  std::lock_guard lock(mu_);
  auto& state = machines_[row.id];
  if (!state.row.token_hash.empty()) by_token_hash_.erase(state.row.token_hash);
  const std::int64_t last_seen = state.row.last_seen_ms;
  state.row = row;
  state.row.last_seen_ms = last_seen;
  by_token_hash_[row.token_hash] = row.id;
  ++generation_;
}

bool Fleet::Revoke(const std::string& id, const std::string& token_hash) {
  std::lock_guard lock(mu_);
  auto it = machines_.find(id);
  if (it == machines_.end() || it->second.row.revoked || it->second.row.token_hash != token_hash) {
    return false;
  }
  it->second.row.revoked = true;
  by_token_hash_.erase(token_hash);
  ++generation_;
  return true;
}

void Fleet::Stored(std::shared_ptr<const Report> report, std::int64_t received_at_ms) {
  std::lock_guard lock(mu_);
  auto it = machines_.find(report->machine_id);
  if (it == machines_.end()) return;
  auto& state = it->second;
  state.row.last_seen_ms = std::max(state.row.last_seen_ms, received_at_ms);
  AccumulateSoftware(state.software, *report, /*count_usage=*/true);      // late reports count too
  if (state.latest && state.latest->sequence > report->sequence) return;  // late spooled report
  state.latest = std::move(report);
  state.latest_received_at_ms = received_at_ms;
  ++generation_;
}

std::vector<MachineState> Fleet::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<MachineState> out;
  out.reserve(machines_.size());
  for (const auto& [id, state] : machines_) out.push_back(state);
  return out;
}

std::optional<MachineState> Fleet::Find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = machines_.find(id);
  if (it == machines_.end()) return std::nullopt;
  return it->second;
}

std::size_t Fleet::active_machines() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, state] : machines_) n += state.row.revoked ? 0 : 1;
  return n;
}

std::uint64_t Fleet::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

}  // namespace wardwatch::collector
