// disks collector for Linux: /sys/block/<disk> for every disk with a device/ link (physical or
// virtio; loop, zram and dm devices have none), and the boot disk from
// <procfs>/self/mountinfo and the "dev" files of disks, partitions and dm/md slaves.
#include "collectors/disks.h"
#include "collectors/diskstats.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr const char* kDiskFiles[] = {
    "size",          "queue/rotational", "removable",           "device/model",
    "device/serial", "serial",           "device/firmware_rev", "device/rev"};

class DisksCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("block/");
    auto names = ListDir(base);
    auto& hw = HardwareOf(report);
    std::vector<BlockNode> nodes;
    if (names) {
      for (const std::string& name : *names) {
        const std::string dir = base + name + "/";
        BlockNode node{name, "", name, {}};
        if (auto dev = ReadTrimmed(dir + "dev")) node.dev = *dev;
        if (auto slaves = ListDir(dir + "slaves")) node.slaves = *slaves;
        // Partitions are subdirectories with their own "dev" file.
        if (auto entries = ListDir(dir)) {
          for (const std::string& e : *entries) {
            if (e.rfind(name, 0) != 0) continue;
            if (auto dev = ReadTrimmed(dir + e + "/dev")) nodes.push_back({e, *dev, name, {}});
          }
        }
        nodes.push_back(node);
        if (!IsWholeDiskName(name) || !Exists(dir + "device")) continue;
        std::map<std::string, std::string> files;
        for (const char* f : kDiskFiles) {
          if (auto v = ReadTrimmed(dir + f)) files[f] = *v;
        }
        auto disk = DiskFromSysfs(name, files);
        if (!disk) return MakeError(disk.error());
        if (disk->size_bytes == 0) continue;  // card reader or optical drive without media
        hw.disks.push_back(std::move(*disk));
      }
    }
    if (hw.disks.empty()) {
      MarkAbsent(report, "disks");
      return Status::Ok();
    }
    auto mountinfo = ReadFile(ctx.paths.Proc("self/mountinfo"));
    if (!mountinfo) return MakeError(mountinfo.error());
    auto root = RootDeviceNumber(*mountinfo);
    if (!root) return MakeError(root.error());
    const std::string boot = ResolveBootDisk(*root, nodes);
    for (auto& d : hw.disks) d.boot = d.name == boot;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDisksCollector() { return std::make_unique<DisksCollector>(); }

}  // namespace wardwatch::agent
