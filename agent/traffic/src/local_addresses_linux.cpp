// This machine's interface addresses through getifaddrs (Linux): which end of a captured packet
// is local.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "wardwatch/traffic/net.h"

namespace wardwatch::traffic {

Result<AddressSet> LocalAddressesFromSystem() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0) {
    return MakeError(std::string("cannot list interface addresses: ") + std::strerror(errno));
  }
  std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> list(raw, &freeifaddrs);
  std::vector<Cidr> out;
  for (ifaddrs* i = list.get(); i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      out.push_back(Cidr{IpAddr::V4(reinterpret_cast<const std::uint8_t*>(&sin->sin_addr)), 32});
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      out.push_back(Cidr{IpAddr::V6(reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr)), 128});
    }
  }
  return AddressSet(std::move(out));
}

}  // namespace wardwatch::traffic
