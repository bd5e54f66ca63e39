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
  // Returns the next sequence number. It is not written to disk here: a number becomes durable
  // with the report that carries it, when the spool appends it (fsync), and the agent moves
  // the counter past the spool's highest_sequence() at start. A number taken for a report that
  // never reached the spool (a crash while collecting) may be taken again, which is harmless:
  // nothing carried it. The file is brought up to date by SaveSequence at a clean stop. This
  // saves two fsyncs, a rename and four open/close calls per report (bench/README.md).
  std::uint64_t NextSequence();
  std::uint64_t last_sequence() const { return sequence_; }
  // Moves the sequence forward to at least `sequence` (after enrollment told us what the
  // collector already has, or at start to what the spool holds) and persists it; never
  // backwards.
  Status AdvanceSequence(std::uint64_t sequence);
  // Writes the current sequence number (durably) if the file holds an older one.
  Status SaveSequence();

 private:
  std::string dir_;
  std::string token_;
  std::uint64_t sequence_ = 0;
  std::uint64_t saved_sequence_ = 0;  // what the sequence file holds
};

// Stable machine identity: /etc/machine-id, else the DMI product UUID, else an id generated
// once and kept in the state folder.
Result<std::string> LoadMachineId(const Paths& paths, const std::string& state_dir);

}  // namespace wardwatch::agent
