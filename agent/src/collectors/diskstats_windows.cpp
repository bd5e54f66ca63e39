// diskstats collector for Windows: IOCTL_DISK_PERFORMANCE (DISK_PERFORMANCE) on every
// \\.\PhysicalDriveN, any user; the counters Windows keeps per disk since it started. Busy time
// is uptime minus the disk's idle time, kept from going backwards per disk.
#include <map>

#include "win32.h"  // <windows.h> before <winioctl.h>
// clang-format off
#include <winioctl.h>
// clang-format on

#include "collectors/diskstats.h"
#include "collectors/hardware_common.h"
#include "collectors/physical_drive_windows.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

class DiskstatsCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    std::vector<schema::DiskStats> stats;
    for (const std::uint32_t n : win::PhysicalDriveNumbers()) {
      win::UniqueHandle drive = win::OpenPhysicalDrive(n, 0);
      if (!drive) continue;
      DISK_PERFORMANCE p{};
      DWORD returned = 0;
      // Disks without counters (some virtual and RAID disks) answer ERROR_INVALID_FUNCTION.
      if (!::DeviceIoControl(drive.get(), IOCTL_DISK_PERFORMANCE, nullptr, 0, &p, sizeof p,
                             &returned, nullptr)) {
        continue;
      }
      const std::uint64_t uptime_ticks = ::GetTickCount64() * 10000;
      winconv::DiskPerformance raw;
      raw.bytes_read = static_cast<std::uint64_t>(p.BytesRead.QuadPart);
      raw.bytes_written = static_cast<std::uint64_t>(p.BytesWritten.QuadPart);
      raw.read_time = static_cast<std::uint64_t>(p.ReadTime.QuadPart);
      raw.write_time = static_cast<std::uint64_t>(p.WriteTime.QuadPart);
      raw.idle_time = static_cast<std::uint64_t>(p.IdleTime.QuadPart);
      raw.read_count = p.ReadCount;
      raw.write_count = p.WriteCount;
      raw.queue_depth = p.QueueDepth;
      const std::string name = winconv::PhysicalDriveName(n);
      schema::DiskStats d = winconv::DiskStatsFromPerformance(name, raw, uptime_ticks);
      // Uptime and idle time are read a moment apart: a counter must not step back.
      double& last = last_busy_[name];
      d.io_time_seconds = std::max(d.io_time_seconds, last);
      last = d.io_time_seconds;
      stats.push_back(std::move(d));
    }
    if (stats.empty()) {
      MarkAbsent(report, "diskstats");
      return Status::Ok();
    }
    HardwareOf(report).diskstats = std::move(stats);
    return Status::Ok();
  }

 private:
  std::map<std::string, double> last_busy_;
};

}  // namespace

std::unique_ptr<Collector> NewDiskstatsCollector() {
  return std::make_unique<DiskstatsCollector>();
}

}  // namespace wardwatch::agent
