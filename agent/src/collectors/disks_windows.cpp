// disks collector for Windows: reports nothing yet; physical disks need
// IOCTL_STORAGE_QUERY_PROPERTY, not read yet.
#include "collectors/absent_windows.h"
#include "collectors/disks.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewDisksCollector() { return NewAbsentOnWindows("disks"); }

}  // namespace wardwatch::agent
