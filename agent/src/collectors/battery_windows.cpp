// battery collector for Windows: reports nothing yet; no battery reading yet (GetSystemPowerStatus
// / IOCTL_BATTERY_QUERY_INFORMATION are the sources to add).
#include "collectors/absent_windows.h"
#include "collectors/battery.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewBatteryCollector() { return NewAbsentOnWindows("battery"); }

}  // namespace wardwatch::agent
