// thermal collector for Windows: reports nothing yet; ACPI thermal zones are only in WMI
// (MSAcpi_ThermalZoneTemperature, admin).
#include "collectors/absent_windows.h"
#include "collectors/thermal.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewThermalCollector() { return NewAbsentOnWindows("thermal"); }

}  // namespace wardwatch::agent
