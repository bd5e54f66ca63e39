// routes: the default gateways (/proc/net/route, /proc/net/ipv6_route) and the DNS resolvers
// (/etc/resolv.conf) this PC uses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// Default IPv4 gateways ("192.168.1.1") of the up, gateway-flagged 0.0.0.0/0 routes, in file
// order, without duplicates.
Result<std::vector<std::string>> ParseIpv4DefaultGateways(std::string_view text);
// Default IPv6 gateways of ::/0 routes; link-local next hops carry their interface
// ("fe80::1%eth0").
Result<std::vector<std::string>> ParseIpv6DefaultGateways(std::string_view text);
// "nameserver" entries of resolv.conf, in order, without duplicates.
std::vector<std::string> ParseResolvConf(std::string_view text);

std::unique_ptr<Collector> NewRoutesCollector();

}  // namespace wardwatch::agent
