// diskstats collector for Windows: reports nothing yet; disk I/O counters need
// IOCTL_DISK_PERFORMANCE or PDH, not read yet.
#include "collectors/absent_windows.h"
#include "collectors/diskstats.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewDiskstatsCollector() { return NewAbsentOnWindows("diskstats"); }

}  // namespace wardwatch::agent
