// netlink: link facts netdev does not give — duplex, MTU and carrier changes from
// /sys/class/net/<if>/ — added to the interfaces netdev listed (so it runs after netdev).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

// Windows keeps no carrier-change count: the agent counts them itself by comparing each sample
// of every interface's link state with the one before (netlink_windows.cpp samples every
// kCarrierSampleSeconds and at each report). A flap that goes down and back up between two
// samples is not seen (Linux's kernel count sees every one). Pure, table-tested on both
// platforms.
struct CarrierSample {
  std::string key;         // a stable identity of the interface (Windows: its LUID)
  std::optional<bool> up;  // nullopt: the state says nothing about the carrier (testing, dormant)
};
class CarrierCounter {
 public:
  // Counts, per interface, each change between a known carrier state and the last known one
  // (up -> down and down -> up each count 1, as Linux's carrier_changes). An interface seen for
  // the first time starts at 0; one missing from a sample keeps its count and last state (an
  // adapter unplugged from USB and plugged back in). At most kMaxInterfaces are tracked: past
  // that, interfaces missing from the sample are forgotten first.
  void Observe(const std::vector<CarrierSample>& sample);
  std::optional<std::uint64_t> Changes(const std::string& key) const;

  static constexpr std::size_t kMaxInterfaces = 256;

 private:
  struct State {
    std::optional<bool> up;
    std::uint64_t changes = 0;
  };
  std::map<std::string, State> by_key_;
};
inline constexpr unsigned kCarrierSampleSeconds = 5;

std::unique_ptr<Collector> NewNetlinkCollector();

}  // namespace wardwatch::agent
