// hwmon collector for Windows: reports nothing yet; Windows has no hwmon; sensors need vendor
// drivers or WMI.
#include "collectors/absent_windows.h"
#include "collectors/hwmon.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewHwmonCollector() { return NewAbsentOnWindows("hwmon"); }

}  // namespace wardwatch::agent
