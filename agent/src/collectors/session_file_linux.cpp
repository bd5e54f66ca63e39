// The session helpers' folder on Linux: the agent reads one file per uid, trusting nothing in
// it (any local user can create entries there); the helper replaces its own file atomically.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <random>

#include "collectors/session_file.h"
#include "fd_linux.h"

namespace wardwatch::agent {
namespace {

constexpr int kMaxEntries = 1024;  // a folder flooded with names costs a bounded scan

std::optional<std::uint32_t> UidFromName(std::string_view name) {
  if (name.empty() || name.size() > 10 || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

SessionEntry ReadEntry(int dir_fd, const std::string& name, std::uint32_t uid, double now) {
  SessionEntry e;
  const std::string what = "session helper file";  // no uid: the report names no user
  // O_NOFOLLOW: a symbolic link is refused, not followed; O_NONBLOCK: a FIFO does not block.
  UniqueFd fd(
      ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int err = errno;
    e.sample.unavailable_reason = what + (err == ELOOP ? ": a symbolic link (not followed)"
                                                       : ": " + std::string(std::strerror(err)));
    // Whatever cannot be opened (a link, a socket, a file made unreadable) goes, unless it
    // has just gone by itself.
    e.remove = err != ENOENT;
    return e;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    e.sample.unavailable_reason = what + ": " + std::strerror(errno);
    return e;
  }
  e.remove = true;
  if (!S_ISREG(st.st_mode)) {
    e.sample.unavailable_reason = what + ": not a regular file";
  } else if (st.st_uid != uid) {
    e.sample.unavailable_reason = what + ": another user's file under a uid's name";
  } else if (st.st_nlink != 1) {
    e.sample.unavailable_reason = what + ": has " + std::to_string(st.st_nlink) + " links";
  } else if (st.st_size > static_cast<off_t>(kSessionFileMaxBytes)) {
    e.sample.unavailable_reason =
        what + ": larger than " + std::to_string(kSessionFileMaxBytes) + " bytes";
  } else {
    e.remove = false;
  }
  if (e.remove) return e;
  char buf[kSessionFileMaxBytes + 1];
  std::size_t got = 0;
  while (got < sizeof buf) {  // the size may have grown since fstat: read one byte more
    const ssize_t n = ::read(fd.get(), buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  return SessionEntryFromText(std::string_view(buf, got), what, now);
}

// Only the folder's owner (the agent's user) can remove another user's entry in a sticky
// folder; for anyone else this does nothing. A folder someone made under a uid's name may hold
// files the agent cannot delete: it is renamed out of the way (a dot name, which is ignored).
void RemoveEntry(int dir_fd, const std::string& name) {
  if (::unlinkat(dir_fd, name.c_str(), 0) == 0 || errno != EISDIR) return;
  if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) == 0) return;
  const std::string aside = ".removed-" + name + "-" + std::to_string(std::random_device()());
  (void)::renameat(dir_fd, name.c_str(), dir_fd, aside.c_str());
}

}  // namespace

ForegroundSample ReadSessionDir(const std::string& dir, double now) {
  ForegroundSample none;
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) {
    none.unavailable_reason = "no session helper folder " + dir + ": " + std::strerror(errno);
    return none;
  }
  const int list_fd = ::dup(dir_fd.get());
  DIR* d = list_fd >= 0 ? ::fdopendir(list_fd) : nullptr;
  if (d == nullptr) {
    none.unavailable_reason = "cannot list " + dir + ": " + std::strerror(errno);
    if (list_fd >= 0) ::close(list_fd);
    return none;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> guard(d, &::closedir);
  SessionChoice choice;
  int seen = 0;
  while (dirent* de = ::readdir(d)) {
    const std::string name = de->d_name;
    if (name.empty() || name[0] == '.') continue;  // ".", "..", helpers' files being written
    if (++seen > kMaxEntries) break;
    const auto uid = UidFromName(name);
    if (!uid) continue;
    SessionEntry e = ReadEntry(dir_fd.get(), name, *uid, now);
    if (e.remove) RemoveEntry(dir_fd.get(), name);
    choice.Add(std::move(e.sample));
  }
  return std::move(choice).Take(dir);
}

std::string DefaultSessionDir() { return "/run/wardwatch-agent"; }

Result<std::string> OwnSessionFileName() { return std::to_string(::getuid()); }

Status WriteSessionFile(const std::string& dir, const std::string& name, std::string_view text) {
  if (!UidFromName(name)) return MakeError("not a uid: " + name);
  UniqueFd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  // O_PATH: the folder is write-only for users (they may not list it).
  if (dir_fd.get() < 0) return MakeError("cannot open " + dir + ": " + std::strerror(errno));
  // A random temporary name: another user could have put a file under any name we can guess.
  std::random_device random;
  std::string tmp;
  UniqueFd fd;
  for (int attempt = 0; attempt < 8 && fd.get() < 0; ++attempt) {
    tmp = "." + name + "." + std::to_string(random());
    fd = UniqueFd(::openat(dir_fd.get(), tmp.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd.get() < 0 && errno != EEXIST) {
      return MakeError("cannot create a file in " + dir + ": " + std::strerror(errno));
    }
  }
  if (fd.get() < 0) return MakeError("cannot create a file in " + dir + ": names taken");
  auto fail = [&](const std::string& what) {
    const std::string why = std::strerror(errno);
    (void)::unlinkat(dir_fd.get(), tmp.c_str(), 0);
    return MakeError("cannot " + what + " " + dir + "/" + name + ": " + why);
  };
  (void)::fchmod(fd.get(), 0644);  // the umask must not hide it from the agent
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    done += static_cast<std::size_t>(n);
  }
  if (::renameat(dir_fd.get(), tmp.c_str(), dir_fd.get(), name.c_str()) != 0) {
    // EPERM in a sticky folder: another user's file has our name; the agent removes it.
    return fail("replace");
  }
  return Status::Ok();
}

void RemoveSessionFile(const std::string& dir, const std::string& name) {
  if (UidFromName(name)) (void)::unlink((dir + "/" + name).c_str());
}

}  // namespace wardwatch::agent
