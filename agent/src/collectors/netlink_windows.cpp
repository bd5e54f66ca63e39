// netlink collector for Windows: reports nothing yet; duplex, MTU and carrier changes: Linux
// netlink facts; GetIfTable2 gives MTU, not read yet.
#include "collectors/absent_windows.h"
#include "collectors/netlink.h"

namespace wardwatch::agent {

std::unique_ptr<Collector> NewNetlinkCollector() { return NewAbsentOnWindows(""); }

}  // namespace wardwatch::agent
