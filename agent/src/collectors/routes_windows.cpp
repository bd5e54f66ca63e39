// routes collector for Windows: reports nothing yet; gateways and resolvers need GetIpForwardTable2
// / GetAdaptersAddresses, not read yet.
#include "collectors/absent_windows.h"
#include "collectors/routes.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewRoutesCollector() { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
