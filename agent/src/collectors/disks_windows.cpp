// disks collector for Windows: every \\.\PhysicalDriveN, its STORAGE_DEVICE_DESCRIPTOR (model,
// serial, firmware, bus, removable), seek penalty (rotational) and size through
// DeviceIoControl without read access (any user), and the boot disk: the one holding the
// Windows volume (IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS). No disk that answers: absent.
#include "collectors/disks.h"
#include "collectors/hardware_common.h"
#include "collectors/physical_drive_windows.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

class DisksCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto& hw = HardwareOf(report);
    const std::optional<std::uint32_t> boot = win::SystemDiskNumber();
    for (const std::uint32_t n : win::PhysicalDriveNumbers()) {
      win::UniqueHandle drive = win::OpenPhysicalDrive(n, 0);
      if (!drive) continue;  // unplugged since it was listed
      // A disk that does not describe itself or has no size (an empty card reader) is not
      // one the officer can act on: left out.
      auto desc = win::QueryStorageDescriptor(drive.get());
      if (!desc) continue;
      const std::uint64_t size = win::QueryDiskSize(drive.get()).value_or(0);
      if (!winconv::KeepDisk(*desc, size)) continue;
      schema::Disk d = winconv::DiskFromStorage(winconv::PhysicalDriveName(n), *desc,
                                                win::QuerySeekPenalty(drive.get()), size);
      d.boot = boot && *boot == n;
      hw.disks.push_back(std::move(d));
    }
    if (hw.disks.empty()) MarkAbsent(report, "disks");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDisksCollector() { return std::make_unique<DisksCollector>(); }

}  // namespace wardwatch::agent
