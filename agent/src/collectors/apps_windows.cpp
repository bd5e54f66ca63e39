// apps collector, Windows part: Toolhelp sweeps (processes_windows.cpp) report CPU times in
// seconds already, so there is no procfs, clock-tick or boot-time set-up. The collector itself
// is in apps.cpp.
#include "collectors/apps.h"

namespace wardwatch::agent {

Result<ProcessSweepSetup> PrepareProcessSweep(const CollectContext&) { return ProcessSweepSetup{}; }

}  // namespace wardwatch::agent
