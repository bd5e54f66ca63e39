// The agent's persistent state in --state-dir: machine id, machine token, sequence number.
#pragma once

#include <cstdint>
#include <string>

#include "collector.h"
#include "fsutil.h"  // WriteFileAtomic, EnsureDir

namespace wardwatch::agent {

class AgentState {
 public:
  explicit AgentState(std::string dir) : dir_(std::move(dir)) {}
  Status Open();  // creates the folder, loads the token and sequence

  const std::string& dir() const { return dir_; }
  const std::string& machine_token() const { return token_; }
  Status SetMachineToken(const std::string& token);
  Status ClearMachineToken();
  // Returns the next sequence number and persists it before returning, so a number is never
  // used twice even across a power cut.
  Result<std::uint64_t> NextSequence();
  std::uint64_t last_sequence() const { return sequence_; }
  // Moves the sequence forward to at least `sequence` (after enrollment told us what the
  // collector already has); never backwards.
  Status AdvanceSequence(std::uint64_t sequence);

 private:
  std::string dir_;
  std::string token_;
  std::uint64_t sequence_ = 0;
};

// Stable machine identity: /etc/machine-id, else the DMI product UUID, else an id generated
// once and kept in the state folder.
Result<std::string> LoadMachineId(const Paths& paths, const std::string& state_dir);

}  // namespace wardwatch::agent
