// The agent's persistent state: durable small files in --state-dir.
#include "state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

Error SysError(const std::string& what, const std::string& path) {
  return MakeError("cannot " + what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status EnsureDir(const std::string& path) {
  std::string cur;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!cur.empty() && ::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) {
        return SysError("create folder", cur);
      }
    }
    if (i < path.size()) cur += path[i];
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, const std::string& data, unsigned mode) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return SysError("write", tmp);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      auto e = SysError("write", tmp);
      ::close(fd);
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = SysError("fsync", tmp);
    ::close(fd);
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return SysError("rename to", path);
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int dfd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

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
  }
  return Status::Ok();
}

Status AgentState::SetMachineToken(const std::string& token) {
  if (auto s = WriteFileAtomic(dir_ + "/machine-token", token + "\n", 0600); !s) return s;
  token_ = token;
  return Status::Ok();
}

Status AgentState::ClearMachineToken() {
  ::unlink((dir_ + "/machine-token").c_str());
  token_.clear();
  return Status::Ok();
}

Status AgentState::AdvanceSequence(std::uint64_t sequence) {
  if (sequence <= sequence_) return Status::Ok();
  if (auto s = WriteFileAtomic(dir_ + "/sequence", std::to_string(sequence) + "\n", 0600); !s) {
    return s;
  }
  sequence_ = sequence;
  return Status::Ok();
}

Result<std::uint64_t> AgentState::NextSequence() {
  const std::uint64_t next = sequence_ + 1;
  if (auto s = WriteFileAtomic(dir_ + "/sequence", std::to_string(next) + "\n", 0600); !s) {
    return MakeError(s.error());
  }
  sequence_ = next;
  return next;
}

Result<std::string> LoadMachineId(const Paths& paths, const std::string& state_dir) {
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
