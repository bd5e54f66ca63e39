// wireless collector for Windows: reports nothing yet; Wi-Fi quality needs WlanQueryInterface, not
// read yet.
#include "collectors/absent_windows.h"
#include "collectors/wireless.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewWirelessCollector() { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
