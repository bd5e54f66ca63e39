// Turns /sys/class/net/<if>/{duplex,carrier_changes,mtu} into link facts.
#include "collectors/netlink.h"

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

}  // namespace wardwatch::agent
