// smart collector for Windows: reports nothing yet; SMART needs DeviceIoControl as administrator on
// real disks; the parsers for its answers are in windows_ioctl.cpp and tested; the reader is not
// wired yet.
#include "collectors/absent_windows.h"
#include "collectors/smart.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewSmartCollector() { return NewAbsentOnWindows("smart"); }

}  // namespace wardwatch::agent
