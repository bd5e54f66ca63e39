// disks collector for Linux: /sys/block/<disk> for every disk with a device/ link (physical or
// virtio; loop, zram and dm devices have none), and the boot disk from
// <procfs>/self/mountinfo and the "dev" files of disks, partitions and dm/md slaves. The result
// is kept between reports: a full scan again only when the names in /sys/block or the size of
// a disk change, or every kFactRefreshPeriod (collectors/fact_cache.h).
#include "collectors/disks.h"
#include "collectors/diskstats.h"
#include "collectors/fact_cache.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr const char* kDiskFiles[] = {
    "size",          "queue/rotational", "removable",           "device/model",
    "device/serial", "serial",           "device/firmware_rev", "device/rev"};

// What a full scan found, kept until /sys/block changes or kFactRefreshPeriod passes: the
// disks with the boot flag set, and the disks with a device/ link (whose sizes are checked at
// every report, so media put into a card reader or a grown virtual disk shows at once).
struct DiskScan {
  std::vector<schema::Disk> disks;
  std::vector<std::string> candidates;
};

struct DiskSignature {
  std::vector<std::string> names;  // of /sys/block
  std::vector<std::string> sizes;  // "size" of each candidate; "" when unreadable
  bool operator==(const DiskSignature&) const = default;
};

std::string SizeOf(const std::string& base, const std::string& name) {
  auto v = ReadTrimmed(base + name + "/size");
  return v ? *v : std::string();
}

class DisksCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string base = ctx.paths.Sys("block/");
    const SteadyTime now = ctx.Now();
    auto names = ListDir(base);
    auto& hw = HardwareOf(report);
    if (names) {
      DiskSignature signature{*names, {}};
      if (const DiskScan* last = cache_.Last()) {
        for (const std::string& c : last->candidates) signature.sizes.push_back(SizeOf(base, c));
      }
      if (const DiskScan* kept = cache_.Get(signature, now)) {
        hw.disks.insert(hw.disks.end(), kept->disks.begin(), kept->disks.end());
        if (hw.disks.empty()) MarkAbsent(report, "disks");
        return Status::Ok();
      }
    }
    const std::size_t first = hw.disks.size();
    DiskScan scan;
    DiskSignature signature;
    std::vector<BlockNode> nodes;
    if (names) {
      signature.names = *names;
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
        scan.candidates.push_back(name);
        signature.sizes.push_back(files.count("size") ? files["size"] : std::string());
        auto disk = DiskFromSysfs(name, files);
        if (!disk) return MakeError(disk.error());
        if (disk->size_bytes == 0) continue;  // card reader or optical drive without media
        hw.disks.push_back(std::move(*disk));
      }
    }
    if (hw.disks.empty()) {
      MarkAbsent(report, "disks");
      if (names) cache_.Put(std::move(signature), std::move(scan), now);
      return Status::Ok();
    }
    auto mountinfo = ReadFile(ctx.paths.Proc("self/mountinfo"));
    if (!mountinfo) return MakeError(mountinfo.error());
    auto root = RootDeviceNumber(*mountinfo);
    if (!root) return MakeError(root.error());
    const std::string boot = ResolveBootDisk(*root, nodes);
    for (auto& d : hw.disks) d.boot = d.name == boot;
    scan.disks.assign(hw.disks.begin() + static_cast<std::ptrdiff_t>(first), hw.disks.end());
    cache_.Put(std::move(signature), std::move(scan), now);
    return Status::Ok();
  }

 private:
  FactCache<DiskSignature, DiskScan> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewDisksCollector() { return std::make_unique<DisksCollector>(); }

}  // namespace wardwatch::agent
