// memory_modules collector for Windows: reports nothing yet; RAM modules are in SMBIOS
// (GetSystemFirmwareTable), not read yet.
#include "collectors/absent_windows.h"
#include "collectors/memory_modules.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewMemoryModulesCollector() {
  return NewAbsentOnWindows("memory_modules");
}

}  // namespace wardwatch::agent
