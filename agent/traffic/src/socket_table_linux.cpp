// Linux socket table: /proc/net/{tcp,tcp6,udp,udp6} give socket inodes per local port,
// /proc/PID/fd links give the process owning each inode, /proc/PID/comm its name.
#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "wardwatch/traffic/decode.h"
#include "wardwatch/traffic/socket_table.h"

namespace wardwatch::traffic {
namespace {

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint32_t PortKey(std::uint8_t proto, std::uint16_t port) {
  return (static_cast<std::uint32_t>(proto) << 16) | port;
}

std::string ProcessName(const std::string& procfs, const std::string& pid) {
  if (auto comm = ReadSmallFile(procfs + "/" + pid + "/comm")) {
    while (!comm->empty() && std::isspace(static_cast<unsigned char>(comm->back()))) {
      comm->pop_back();
    }
    if (!comm->empty()) return *comm;
  }
  char buf[4096];
  auto exe = procfs + "/" + pid + "/exe";
  ssize_t n = readlink(exe.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string_view target(buf, static_cast<std::size_t>(n));
  auto slash = target.rfind('/');
  return std::string(slash == std::string_view::npos ? target : target.substr(slash + 1));
}

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

bool IsUnspecified(const IpAddr& a) {
  for (auto b : a.bytes) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace

Status SocketTableLinux::Refresh() {
  last_refresh_ = std::chrono::steady_clock::now();
  refreshed_once_ = true;
  ++refreshes_;
  struct Wanted {
    std::uint8_t proto;
    ProcNetSocket socket;
  };
  std::unordered_map<std::uint64_t, Wanted> by_inode;
  int files_read = 0;
  std::string first_error;
  for (auto [file, proto] : {std::pair{"tcp", kProtoTcp}, std::pair{"tcp6", kProtoTcp},
                             std::pair{"udp", kProtoUdp}, std::pair{"udp6", kProtoUdp}}) {
    auto path = options_.procfs + "/net/" + file;
    auto text = ReadSmallFile(path);
    if (!text) {
      if (first_error.empty()) first_error = "cannot read " + path;
      continue;  // no IPv6 on this machine is normal
    }
    auto parsed = ParseProcNetSockets(*text);
    if (!parsed) {
      if (first_error.empty()) first_error = path + ": " + parsed.error();
      continue;
    }
    ++files_read;
    for (const auto& s : *parsed) {
      if (s.inode != 0) by_inode.emplace(s.inode, Wanted{proto, s});
    }
  }
  if (files_read == 0) return MakeError(first_error);

  by_port_.clear();
  DirHandle proc(opendir(options_.procfs.c_str()));
  if (!proc) return MakeError("cannot list " + options_.procfs);
  while (dirent* d = readdir(proc.get())) {
    std::string pid = d->d_name;
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    auto fd_dir = options_.procfs + "/" + pid + "/fd";
    DirHandle fds(opendir(fd_dir.c_str()));
    if (!fds) continue;  // process gone or not ours to read
    std::string app;
    while (dirent* f = readdir(fds.get())) {
      if (f->d_name[0] == '.') continue;
      char buf[64];
      auto link = fd_dir + "/" + f->d_name;
      ssize_t n = readlink(link.c_str(), buf, sizeof buf);
      if (n <= 0 || n >= static_cast<ssize_t>(sizeof buf)) continue;
      std::uint64_t inode = ParseSocketLink(std::string_view(buf, static_cast<std::size_t>(n)));
      auto it = by_inode.find(inode);
      if (it == by_inode.end()) continue;
      if (app.empty()) app = ProcessName(options_.procfs, pid);
      if (app.empty()) continue;
      const auto& w = it->second;
      by_port_[PortKey(w.proto, w.socket.local_port)].push_back(Owner{w.socket.local, app});
    }
  }
  return Status::Ok();
}

std::string SocketTableLinux::Lookup(std::uint8_t ip_proto, const IpAddr& local,
                                     std::uint16_t port) {
  auto find = [&]() -> std::string {
    auto it = by_port_.find(PortKey(ip_proto, port));
    if (it == by_port_.end()) return "";
    // Prefer the socket bound to this exact address, else a wildcard bind, else any.
    const Owner* wildcard = nullptr;
    for (const auto& o : it->second) {
      if (o.local == local) return o.app;
      if (IsUnspecified(o.local)) wildcard = &o;
    }
    return wildcard ? wildcard->app : it->second.front().app;
  };
  auto app = find();
  if (!app.empty()) return app;
  auto now = std::chrono::steady_clock::now();
  if (refreshed_once_ && now - last_refresh_ < options_.min_refresh_interval) {
    ++rate_limited_misses_;
    return "";
  }
  if (!Refresh()) return "";
  return find();
}

}  // namespace wardwatch::traffic
