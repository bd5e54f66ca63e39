// disks: physical disks from /sys/block (model, serial, size, rotational, removable) and which
// one holds the root filesystem (mountinfo "/" -> MAJ:MIN -> disk, through dm/md slaves).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// "MAJ:MIN" of the filesystem mounted at "/" in /proc/self/mountinfo (the last one wins, as
// in the kernel's mount stacking). Error when "/" is not in the table.
Result<std::string> RootDeviceNumber(std::string_view mountinfo);

// A block device or partition as sysfs shows it: its "dev" number, the whole disk it belongs
// to, and for dm/md devices the names under slaves/.
struct BlockNode {
  std::string name, dev, disk;
  std::vector<std::string> slaves;
};

// The whole disk holding device number `dev`, following dm/md slaves (LVM, LUKS, RAID);
// empty when it is not on a disk (tmpfs, overlay, NFS root).
std::string ResolveBootDisk(const std::string& dev, const std::vector<BlockNode>& nodes);

// One disk from its sysfs attribute files relative to /sys/block/<name>/ ("size",
// "queue/rotational", "removable", "device/model", "device/serial", "serial",
// "device/firmware_rev", "device/rev"). size is in 512-byte sectors.
Result<schema::Disk> DiskFromSysfs(const std::string& name,
                                   const std::map<std::string, std::string>& files);

std::unique_ptr<Collector> NewDisksCollector();

}  // namespace wardwatch::agent
