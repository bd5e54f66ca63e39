// IP address parsing/formatting, CIDR matching and LAN/WAN/multicast classification. No
// libpcap and nothing Linux-only: the Windows agent's traffic collector classifies with it too.
#include "wardwatch/traffic/net.h"

#include <arpa/inet.h>  // inet_pton/inet_ntop (Winsock's on Windows: agent/src/compat/windows)

#include <charconv>

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

}  // namespace wardwatch::traffic
