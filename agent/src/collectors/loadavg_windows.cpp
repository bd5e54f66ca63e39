// loadavg collector for Windows: reports nothing yet; Windows has no load average.
#include "collectors/absent_windows.h"
#include "collectors/loadavg.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewLoadavgCollector() { return NewAbsentOnWindows("loadavg"); }

}  // namespace wardwatch::agent
