// IP address parsing/formatting, CIDR matching and LAN/WAN/multicast classification.
#include "wardwatch/traffic/net.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cerrno>
#include <charconv>
#include <memory>

namespace wardwatch::traffic {

std::size_t IpAddrHash::operator()(const IpAddr& a) const noexcept {
  std::uint64_t lo, hi;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  std::uint64_t h = (lo ^ (hi * 0x9E3779B97F4A7C15ULL) ^ a.family) * 0xBF58476D1CE4E5B9ULL;
  return static_cast<std::size_t>(h ^ (h >> 31));
}

Result<IpAddr> ParseIpAddr(std::string_view text) {
  std::string s(text);
  std::uint8_t buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return IpAddr::V4(buf);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return IpAddr::V6(buf);
  return MakeError("not an IPv4 or IPv6 address: '" + s + "'");
}

std::string FormatIpAddr(const IpAddr& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.family == 4) {
    inet_ntop(AF_INET, a.bytes.data(), buf, sizeof buf);
  } else if (a.family == 6) {
    inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf);
  } else {
    return "unset";
  }
  return buf;
}

bool Cidr::Contains(const IpAddr& a) const {
  if (a.family != network.family) return false;
  int full = prefix_len / 8;
  if (std::memcmp(a.bytes.data(), network.bytes.data(), static_cast<std::size_t>(full)) != 0) {
    return false;
  }
  int rest = prefix_len % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a.bytes[static_cast<std::size_t>(full)] & mask) ==
         (network.bytes[static_cast<std::size_t>(full)] & mask);
}

Result<Cidr> ParseCidr(std::string_view text) {
  auto slash = text.find('/');
  auto addr = ParseIpAddr(text.substr(0, slash));
  if (!addr) return MakeError("bad CIDR '" + std::string(text) + "': " + addr.error());
  int max_len = addr->family == 4 ? 32 : 128;
  int len = max_len;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() || len < 0 ||
        len > max_len) {
      return MakeError("bad CIDR '" + std::string(text) + "': prefix length must be 0.." +
                       std::to_string(max_len));
    }
  }
  Cidr c{*addr, len};
  // Zero the host bits so that Contains can compare bytes directly.
  for (int bit = len; bit < 128; ++bit) {
    c.network.bytes[static_cast<std::size_t>(bit / 8)] &=
        static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
  }
  return c;
}

std::string_view TrafficClassName(TrafficClass c) {
  switch (c) {
    case TrafficClass::kLan:
      return "lan";
    case TrafficClass::kWan:
      return "wan";
    case TrafficClass::kMulticast:
      return "multicast";
  }
  return "unknown";
}

bool IsMulticastOrBroadcast(const IpAddr& a) {
  if (a.family == 4) {
    if ((a.bytes[0] & 0xF0) == 0xE0) return true;  // 224.0.0.0/4
    return a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255;
  }
  return a.family == 6 && a.bytes[0] == 0xFF;  // ff00::/8
}

bool IsPrivateOrLocalRange(const IpAddr& a) {
  const auto& b = a.bytes;
  if (a.family == 4) {
    return b[0] == 10 ||                                        // 10/8
           (b[0] == 172 && (b[1] & 0xF0) == 16) ||              // 172.16/12
           (b[0] == 192 && b[1] == 168) ||                      // 192.168/16
           (b[0] == 100 && (b[1] & 0xC0) == 64) ||              // 100.64/10 (shared, CGNAT)
           (b[0] == 169 && b[1] == 254) ||                      // link-local
           b[0] == 127 ||                                       // loopback
           (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);  // unspecified (DHCP)
  }
  if (a.family == 6) {
    if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 ULA
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10
    static constexpr std::uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static constexpr std::uint8_t kUnspecified[16] = {};
    return std::memcmp(b.data(), kLoopback, 16) == 0 ||
           std::memcmp(b.data(), kUnspecified, 16) == 0;
  }
  return false;
}

TrafficClass Classify(const IpAddr& remote, const std::vector<Cidr>& office_subnets) {
  if (IsMulticastOrBroadcast(remote)) return TrafficClass::kMulticast;
  if (IsPrivateOrLocalRange(remote)) return TrafficClass::kLan;
  for (const auto& c : office_subnets) {
    if (c.Contains(remote)) return TrafficClass::kLan;
  }
  return TrafficClass::kWan;
}

bool AddressSet::Contains(const IpAddr& a) const {
  for (const auto& c : prefixes_) {
    if (c.Contains(a)) return true;
  }
  return false;
}

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
