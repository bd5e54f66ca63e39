// IP addresses, CIDR prefixes and traffic classes (LAN, WAN, multicast) for traffic analysis.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "wardwatch/result.h"

namespace wardwatch::traffic {

// An IPv4 or IPv6 address. IPv4 uses the first 4 bytes; the rest stay zero so that equality and
// hashing can look at the raw bytes.
struct IpAddr {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t family = 0;  // 4 or 6; 0 = unset

  static IpAddr V4(const std::uint8_t* b) {
    IpAddr a;
    std::memcpy(a.bytes.data(), b, 4);
    a.family = 4;
    return a;
  }
  static IpAddr V6(const std::uint8_t* b) {
    IpAddr a;
    std::memcpy(a.bytes.data(), b, 16);
    a.family = 6;
    return a;
  }
  bool is_v4() const { return family == 4; }
  friend bool operator==(const IpAddr&, const IpAddr&) = default;
};

struct IpAddrHash {
  std::size_t operator()(const IpAddr& a) const noexcept;
};

// Parses "192.0.2.1" or "2001:db8::1".
Result<IpAddr> ParseIpAddr(std::string_view text);
std::string FormatIpAddr(const IpAddr& a);

struct Cidr {
  IpAddr network;
  int prefix_len = 0;
  bool Contains(const IpAddr& a) const;
};

// Parses "10.1.0.0/16", "2001:db8::/32" or a bare address (a host prefix).
Result<Cidr> ParseCidr(std::string_view text);

enum class TrafficClass : std::uint8_t { kLan = 0, kWan = 1, kMulticast = 2 };
inline constexpr int kTrafficClassCount = 3;
std::string_view TrafficClassName(TrafficClass c);

bool IsMulticastOrBroadcast(const IpAddr& a);
// Private, shared (100.64/10), link-local, loopback and unique-local ranges.
bool IsPrivateOrLocalRange(const IpAddr& a);

// Classifies a remote address: multicast/broadcast first, then the private ranges and the
// configured office subnets (LAN), everything else WAN.
TrafficClass Classify(const IpAddr& remote, const std::vector<Cidr>& office_subnets);

// A set of CIDR prefixes; small lists are scanned linearly (a PC has a handful of addresses).
class AddressSet {
 public:
  AddressSet() = default;
  explicit AddressSet(std::vector<Cidr> prefixes) : prefixes_(std::move(prefixes)) {}
  bool Contains(const IpAddr& a) const;
  bool empty() const { return prefixes_.empty(); }
  const std::vector<Cidr>& prefixes() const { return prefixes_; }

 private:
  std::vector<Cidr> prefixes_;
};

// Addresses of this machine's interfaces (getifaddrs), each as a host prefix.
Result<AddressSet> LocalAddressesFromSystem();

}  // namespace wardwatch::traffic
