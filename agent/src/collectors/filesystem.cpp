// Parses /proc/mounts and filters out pseudo filesystems.
#include "collectors/filesystem.h"

#include <algorithm>
#include <array>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::string Unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool IsSystemMountPoint(std::string_view mp) {
  for (std::string_view prefix : {"/dev", "/proc", "/sys", "/run", "/var/lib/docker/",
                                  "/var/lib/containers/", "/snap/", "/mnt/sandboxing"}) {
    if (mp == prefix) return true;
    if (mp.size() > prefix.size() && mp.substr(0, prefix.size()) == prefix &&
        (prefix.back() == '/' || mp[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> SplitOptions(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

bool IsPseudoFilesystem(std::string_view fstype) {
  static constexpr std::array<std::string_view, 28> kPseudo = {
      "autofs",   "binfmt_misc", "bpf",     "cgroup",    "cgroup2",    "configfs",   "debugfs",
      "devpts",   "devtmpfs",    "fusectl", "hugetlbfs", "iso9660",    "mqueue",     "nsfs",
      "overlay",  "proc",        "procfs",  "pstore",    "rpc_pipefs", "securityfs", "selinuxfs",
      "squashfs", "sysfs",       "tracefs", "tmpfs",     "ramfs",      "efivarfs",   "fuse.portal"};
  return std::find(kPseudo.begin(), kPseudo.end(), fstype) != kPseudo.end();
}

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  std::vector<MountEntry> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    auto f = SplitFields(line);
    if (f.size() < 4) {
      return MakeError("mounts line " + std::to_string(line_no) + ": expected at least 4 fields");
    }
    MountEntry m{Unescape(f[0]), Unescape(f[1]), std::string(f[2]), false};
    if (IsPseudoFilesystem(m.fstype) || IsSystemMountPoint(m.mountpoint)) continue;
    for (std::string_view opt : SplitOptions(f[3])) {
      if (opt == "ro") m.readonly = true;
    }
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const MountEntry& e) { return e.mountpoint == m.mountpoint; });
    if (same != out.end()) {
      *same = std::move(m);
    } else {
      out.push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace wardwatch::agent
