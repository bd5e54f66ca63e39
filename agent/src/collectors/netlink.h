// netlink: link facts netdev does not give — duplex, MTU and carrier changes from
// /sys/class/net/<if>/ — added to the interfaces netdev listed (so it runs after netdev).
#pragma once

#include <optional>
#include <string>

#include "collector.h"

namespace wardwatch::agent {

// The raw contents of an interface's sysfs files; nullopt when the file is missing or
// unreadable (duplex of a down or virtual link reads as EINVAL).
struct LinkFiles {
  std::optional<std::string> duplex, carrier_changes, mtu;
};

// Fills duplex ("full", "half", "unknown"), carrier_changes and mtu. A value that is present
// but not a number is an error naming the interface and file.
Status ApplyLinkFacts(const LinkFiles& files, schema::NetInterface& iface);

std::unique_ptr<Collector> NewNetlinkCollector();

}  // namespace wardwatch::agent
