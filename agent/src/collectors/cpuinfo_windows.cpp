// cpuinfo collector for Windows: reports nothing yet; CPU model and frequencies (registry
// CentralProcessor) are not read yet.
#include "collectors/absent_windows.h"
#include "collectors/cpuinfo.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewCpuinfoCollector() { return NewAbsentOnWindows("cpuinfo"); }

}  // namespace wardwatch::agent
