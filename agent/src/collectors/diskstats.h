// diskstats: per-disk I/O counters from /proc/diskstats (whole disks only).
#pragma once

#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// True for names that are whole disks worth reporting: not partitions (sda1, nvme0n1p2,
// mmcblk0p1), not loop/ram/zram/fd devices. dm-* and md* stay (they carry real load).
bool IsWholeDiskName(std::string_view name);

// Parses /proc/diskstats (kernel 2.6+ layout: major minor name + at least 11 counters).
// Sectors are 512 bytes whatever the device's block size; times are milliseconds.
Result<std::vector<schema::DiskStats>> ParseDiskstats(std::string_view text);

std::unique_ptr<Collector> NewDiskstatsCollector();

}  // namespace wardwatch::agent
