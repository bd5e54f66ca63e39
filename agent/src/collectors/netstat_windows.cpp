// netstat collector for Windows: reports nothing yet; TCP counters need GetTcpStatisticsEx, not
// read yet.
#include "collectors/absent_windows.h"
#include "collectors/netstat.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewNetstatCollector() { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
