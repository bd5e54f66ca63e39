// Turns /sys/class/net/<if>/{duplex,carrier_changes,mtu} into link facts; counts carrier
// changes from link-state samples where the system keeps no count (Windows).
#include "collectors/netlink.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "fsutil.h"

namespace wardwatch::agent {

Status ApplyLinkFacts(const LinkFiles& files, schema::NetInterface& iface) {
  if (files.duplex) {
    const std::string_view d = Trim(*files.duplex);
    iface.duplex = (d == "full" || d == "half") ? std::string(d) : "unknown";
  }
  if (files.carrier_changes) {
    auto v = ParseU64(Trim(*files.carrier_changes));
    if (!v) {
      return MakeError("carrier_changes of " + iface.name + " is not a number: \"" +
                       *files.carrier_changes + "\"");
    }
    iface.carrier_changes = *v;
  }
  if (files.mtu) {
    auto v = ParseU64(Trim(*files.mtu));
    if (!v || *v > 0xffffffffu) {
      return MakeError("mtu of " + iface.name + " is not a number: \"" + *files.mtu + "\"");
    }
    iface.mtu = static_cast<std::uint32_t>(*v);
  }
  return Status::Ok();
}

void CarrierCounter::Observe(const std::vector<CarrierSample>& sample) {
  std::set<std::string_view> in_sample;
  for (const auto& s : sample) in_sample.insert(s.key);
  for (const auto& s : sample) {
    auto it = by_key_.find(s.key);
    if (it == by_key_.end()) {
      if (by_key_.size() >= kMaxInterfaces) {
        // Forget an interface this sample does not list; if it lists every tracked one, the
        // new one is not tracked (the bound holds against a table of ever more interfaces).
        auto gone = std::find_if(by_key_.begin(), by_key_.end(),
                                 [&](const auto& kv) { return in_sample.count(kv.first) == 0; });
        if (gone == by_key_.end()) continue;
        by_key_.erase(gone);
      }
      by_key_.emplace(s.key, State{s.up, 0});
      continue;
    }
    State& state = it->second;
    if (!s.up) continue;  // says nothing: keep the last known state
    if (state.up && *state.up != *s.up) ++state.changes;
    state.up = s.up;
  }
}

std::optional<std::uint64_t> CarrierCounter::Changes(const std::string& key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  return it->second.changes;
}

}  // namespace wardwatch::agent
