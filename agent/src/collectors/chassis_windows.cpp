// chassis collector for Windows: reports nothing yet; the chassis type is in SMBIOS
// (GetSystemFirmwareTable), not read yet.
#include "collectors/absent_windows.h"
#include "collectors/chassis.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewChassisCollector() { return NewAbsentOnWindows("chassis"); }

}  // namespace wardwatch::agent
