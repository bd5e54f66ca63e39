// vmstat collector for Windows: reports nothing yet; paging counters need PDH, not read yet.
#include "collectors/absent_windows.h"
#include "collectors/vmstat.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewVmstatCollector() { return NewAbsentOnWindows("vmstat"); }

}  // namespace wardwatch::agent
