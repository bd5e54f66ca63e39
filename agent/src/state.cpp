// The agent's persistent state: durable small files in --state-dir.
#include "state.h"

#include <random>

#include "fsutil.h"
#include "platform.h"

namespace wardwatch::agent {
Status AgentState::Open() {
  if (auto s = EnsureDir(dir_); !s) return s;
  if (auto t = ReadTrimmed(dir_ + "/machine-token")) token_ = *t;
  if (auto s = ReadTrimmed(dir_ + "/sequence")) {
    auto v = ParseU64(*s);
    if (!v) {
      return MakeError("state file " + dir_ + "/sequence is corrupt (\"" + *s +
                       "\"); remove it to start a new sequence");
    }
    sequence_ = *v;
    saved_sequence_ = *v;
  }
  return Status::Ok();
}

Status AgentState::SetMachineToken(const std::string& token) {
  if (auto s = WriteFileAtomic(dir_ + "/machine-token", token + "\n", 0600); !s) return s;
  token_ = token;
  return Status::Ok();
}

Status AgentState::ClearMachineToken() {
  RemoveFile(dir_ + "/machine-token");
  token_.clear();
  return Status::Ok();
}

Status AgentState::AdvanceSequence(std::uint64_t sequence) {
  if (sequence <= sequence_) return Status::Ok();
  sequence_ = sequence;
  return SaveSequence();
}

Status AgentState::SaveSequence() {
  if (sequence_ <= saved_sequence_) return Status::Ok();
  if (auto s = WriteFileAtomic(dir_ + "/sequence", std::to_string(sequence_) + "\n", 0600); !s) {
    return s;
  }
  saved_sequence_ = sequence_;
  return Status::Ok();
}

std::uint64_t AgentState::NextSequence() { return ++sequence_; }

Result<std::string> LoadMachineId(const Paths& paths, const std::string& state_dir) {
  // Windows' MachineGuid; nothing on Linux. First, so a Windows path that happens to exist
  // (Wine maps /etc/machine-id to the Linux host's) never wins over it.
  if (auto id = PlatformMachineId()) return *id;
  if (auto id = ReadTrimmed(paths.Root("etc/machine-id")); id && !id->empty()) return *id;
  if (auto id = ReadTrimmed(paths.Sys("class/dmi/id/product_uuid")); id && !id->empty()) {
    return *id;
  }
  const std::string file = state_dir + "/machine-id";
  if (auto id = ReadTrimmed(file); id && !id->empty()) return *id;
  std::random_device rd;
  std::string id;
  static const char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) id += kHex[rd() % 16];
  if (auto s = EnsureDir(state_dir); !s) return MakeError(s.error());
  if (auto s = WriteFileAtomic(file, id + "\n", 0644); !s) return MakeError(s.error());
  return id;
}

}  // namespace wardwatch::agent
