// proc_events on Windows: not read (process creation events need WMI or ETW); the apps
// collector counts starts from its process snapshots.
#include "collectors/proc_events.h"

namespace wardwatch::agent {

Result<std::unique_ptr<ProcEvents>> OpenProcEvents(const std::string&) {
  return MakeError("process start events are not read on Windows");
}

}  // namespace wardwatch::agent
