// pressure collector for Windows: reports nothing yet; Windows has no PSI.
#include "collectors/absent_windows.h"
#include "collectors/pressure.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewPressureCollector() { return NewAbsentOnWindows("pressure"); }

}  // namespace wardwatch::agent
