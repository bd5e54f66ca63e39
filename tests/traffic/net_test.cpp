// Tests CIDR parsing and LAN/WAN/multicast classification.
#include "wardwatch/traffic/net.h"

#include <doctest/doctest.h>

#include "packet_builder.h"

using namespace wardwatch::traffic;
using wardwatch::traffic::testing::Ip;

TEST_CASE("Classify puts private, local and office ranges in LAN") {
  std::vector<Cidr> office = {*ParseCidr("203.0.113.0/24"), *ParseCidr("2001:db8:1::/48")};
  struct Case {
    const char* ip;
    TrafficClass want;
  };
  const Case cases[] = {
      {"10.1.2.3", TrafficClass::kLan},
      {"172.16.0.1", TrafficClass::kLan},
      {"172.31.255.255", TrafficClass::kLan},
      {"172.32.0.1", TrafficClass::kWan},
      {"192.168.7.7", TrafficClass::kLan},
      {"100.64.0.1", TrafficClass::kLan},
      {"100.127.255.1", TrafficClass::kLan},
      {"100.128.0.1", TrafficClass::kWan},
      {"169.254.1.1", TrafficClass::kLan},
      {"127.0.0.1", TrafficClass::kLan},
      {"203.0.113.9", TrafficClass::kLan},
      {"203.0.114.9", TrafficClass::kWan},
      {"8.8.8.8", TrafficClass::kWan},
      {"224.0.0.251", TrafficClass::kMulticast},
      {"239.255.255.250", TrafficClass::kMulticast},
      {"255.255.255.255", TrafficClass::kMulticast},
      {"fd00::1", TrafficClass::kLan},
      {"fc00::1", TrafficClass::kLan},
      {"fe80::1", TrafficClass::kLan},
      {"::1", TrafficClass::kLan},
      {"ff02::fb", TrafficClass::kMulticast},
      {"2001:db8:1:5::1", TrafficClass::kLan},
      {"2001:db8:2::1", TrafficClass::kWan},
      {"2606:4700::1111", TrafficClass::kWan},
  };
  for (const auto& c : cases) {
    CAPTURE(c.ip);
    CHECK(Classify(Ip(c.ip), office) == c.want);
  }
}

TEST_CASE("ParseCidr accepts prefixes and bare addresses, and names what is wrong") {
  auto c = ParseCidr("192.168.1.77/24");
  REQUIRE(c);
  CHECK(c->prefix_len == 24);
  CHECK(FormatIpAddr(c->network) == "192.168.1.0");
  CHECK(c->Contains(Ip("192.168.1.200")));
  CHECK_FALSE(c->Contains(Ip("192.168.2.1")));
  CHECK_FALSE(c->Contains(Ip("::ffff:192.168.1.1")));
  auto host = ParseCidr("2001:db8::5");
  REQUIRE(host);
  CHECK(host->prefix_len == 128);
  auto odd = ParseCidr("10.0.0.0/9");
  REQUIRE(odd);
  CHECK(odd->Contains(Ip("10.127.0.1")));
  CHECK_FALSE(odd->Contains(Ip("10.128.0.1")));
  CHECK(ParseCidr("0.0.0.0/0")->Contains(Ip("1.2.3.4")));

  auto bad = ParseCidr("10.0.0.0/33");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().find("prefix length must be 0..32") != std::string::npos);
  auto junk = ParseCidr("office/24");
  REQUIRE_FALSE(junk);
  CHECK(junk.error().find("'office'") != std::string::npos);
  CHECK_FALSE(ParseCidr("10.0.0.0/"));
  CHECK_FALSE(ParseCidr("10.0.0.0/2x"));
}
