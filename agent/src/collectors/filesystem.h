// filesystem: mounted filesystems with size and free space (mounts + statvfs).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

struct MountEntry {
  std::string device, mountpoint, fstype;
  bool readonly = false;
};

// Parses /proc/mounts (octal escapes like \040 decoded), keeping only real filesystems:
// pseudo filesystems (proc, sysfs, cgroup, tmpfs, overlay, ...) and system mount points
// (/dev, /proc, /sys, /run) are skipped, as node_exporter does by default. Duplicates of
// a mount point keep the last entry (the one visible).
Result<std::vector<MountEntry>> ParseMounts(std::string_view text);
bool IsPseudoFilesystem(std::string_view fstype);

std::unique_ptr<Collector> NewFilesystemCollector();

}  // namespace wardwatch::agent
