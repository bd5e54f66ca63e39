// Tests the packet decoder: link types, VLAN tags, IPv4 options/fragments, IPv6 extension
// headers, and every malformed or truncated case counted by reason (never crashing).
#include "wardwatch/traffic/decode.h"

#include <doctest/doctest.h>

#include <random>

#include "packet_builder.h"

using namespace wardwatch::traffic;
using namespace wardwatch::traffic::testing;

namespace {

const IpAddr kA = Ip("192.0.2.1"), kB = Ip("198.51.100.2");
const IpAddr kA6 = Ip("2001:db8::1"), kB6 = Ip("2001:db8::2");

Bytes NullLink(const Bytes& ip, std::uint32_t family) {
  Bytes b = {static_cast<std::uint8_t>(family), 0, 0, 0};  // host (little-endian) order
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

Bytes Sll2(const Bytes& ip) {
  Bytes b = {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0};
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

Bytes HopByHop() { return Bytes{0, 0, 1, 4, 0, 0, 0, 0}; }  // 8 bytes, PadN
Bytes Fragment(std::uint16_t offset_units, bool more) {
  auto v = static_cast<std::uint16_t>((offset_units << 3) | (more ? 1 : 0));
  return Bytes{0, 0, static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v), 0, 0, 0, 7};
}

}  // namespace

TEST_CASE("DecodePacket decodes every supported framing") {
  const Bytes tcp_payload(100, 0x42);
  const Bytes v4tcp = Ipv4(kA, kB, kProtoTcp, Tcp(1234, 443, tcp_payload));
  const Bytes v4udp = Ipv4(kA, kB, kProtoUdp, Udp(5353, 53, Bytes(10, 1)));
  const Bytes v6tcp = Ipv6(kA6, kB6, kProtoTcp, Tcp(1234, 443, tcp_payload));
  struct Case {
    const char* name;
    Bytes frame;
    int link;
    bool v6;
    std::uint8_t proto;
    bool has_ports;
    std::uint16_t vlan;
    std::size_t payload;
  };
  const Case cases[] = {
      {"ethernet ipv4 tcp", Ethernet(v4tcp), kLinkEthernet, false, kProtoTcp, true, 0, 100},
      {"ethernet ipv4 udp", Ethernet(v4udp), kLinkEthernet, false, kProtoUdp, true, 0, 10},
      {"802.1Q", Ethernet(v4tcp, {42}), kLinkEthernet, false, kProtoTcp, true, 42, 100},
      {"QinQ", Ethernet(v4tcp, {100, 7}), kLinkEthernet, false, kProtoTcp, true, 7, 100},
      {"linux cooked", LinuxSll(v6tcp), kLinkLinuxSll, true, kProtoTcp, true, 0, 100},
      {"linux cooked v2", Sll2(v4tcp), kLinkLinuxSll2, false, kProtoTcp, true, 0, 100},
      {"bsd loopback", NullLink(v4tcp, 2), kLinkNull, false, kProtoTcp, true, 0, 100},
      {"bsd loopback v6", NullLink(v6tcp, 30), kLinkNull, true, kProtoTcp, true, 0, 100},
      {"raw ip", v6tcp, kLinkRaw, true, kProtoTcp, true, 0, 100},
      {"ipv4 options",
       Ethernet(Ipv4(kA, kB, kProtoTcp, Tcp(1234, 443, tcp_payload), {.ip_options = {1, 1, 1}})),
       kLinkEthernet, false, kProtoTcp, true, 0, 100},
      {"ipv4 first fragment has ports",
       Ethernet(Ipv4(kA, kB, kProtoTcp, Tcp(1234, 443, tcp_payload), {.more_fragments = true})),
       kLinkEthernet, false, kProtoTcp, true, 0, 100},
      {"ipv4 later fragment has none",
       Ethernet(Ipv4(kA, kB, kProtoUdp, Bytes(64, 9), {.fragment_offset = 185})), kLinkEthernet,
       false, kProtoUdp, false, 0, 0},
      {"ipv6 hop-by-hop + destination options",
       Ethernet(
           Ipv6(kA6, kB6, kProtoUdp, Udp(1, 2, Bytes(5, 0)), {{0, HopByHop()}, {60, HopByHop()}})),
       kLinkEthernet, true, kProtoUdp, true, 0, 5},
      {"ipv6 first fragment",
       Ethernet(Ipv6(kA6, kB6, kProtoUdp, Udp(1, 2, Bytes(5, 0)), {{44, Fragment(0, true)}})),
       kLinkEthernet, true, kProtoUdp, true, 0, 5},
      {"ipv6 later fragment",
       Ethernet(Ipv6(kA6, kB6, kProtoUdp, Bytes(40, 0), {{44, Fragment(100, false)}})),
       kLinkEthernet, true, kProtoUdp, false, 0, 0},
      {"icmp", Ethernet(Ipv4(kA, kB, 1, Bytes(8, 0))), kLinkEthernet, false, 1, false, 0, 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    DecodedPacket p;
    auto frame_len = static_cast<std::uint32_t>(c.frame.size());
    REQUIRE(DecodePacket(c.frame, frame_len, c.link, p) == DecodeStatus::kOk);
    CHECK(p.src == (c.v6 ? kA6 : kA));
    CHECK(p.dst == (c.v6 ? kB6 : kB));
    CHECK(p.ip_proto == c.proto);
    CHECK(p.has_ports == c.has_ports);
    if (c.has_ports) {
      CHECK(p.src_port == (c.proto == kProtoTcp ? 1234 : (c.v6 ? 1 : 5353)));
    }
    CHECK(p.vlan_id == c.vlan);
    CHECK(p.payload.size() == c.payload);
  }
}

TEST_CASE("DecodePacket counts malformed and truncated packets by reason") {
  const Bytes v4tcp = Ipv4(kA, kB, kProtoTcp, Tcp(1234, 443));
  auto with = [](Bytes b, std::size_t at, std::uint8_t v) {
    b[at] = v;
    return b;
  };
  Bytes arp = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1, 8, 0};
  Bytes stp = {1, 0x80, 0xC2, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0x00, 0x26, 0x42, 0x42, 3};
  Bytes eth_v4 = Ethernet(v4tcp);
  Bytes udp_bad = Ethernet(Ipv4(kA, kB, kProtoUdp, Udp(1, 2, Bytes(4, 0))));
  udp_bad[14 + 20 + 5] = 3;  // UDP length 3 < 8
  Bytes udp_long = Ethernet(Ipv4(kA, kB, kProtoUdp, Udp(1, 2, Bytes(4, 0))));
  udp_long[14 + 20 + 5] = 200;  // UDP length beyond the IP payload
  Bytes ext_loop = Ethernet(
      Ipv6(kA6, kB6, kProtoUdp, Udp(1, 2), std::vector<Ipv6Ext>(9, Ipv6Ext{60, HopByHop()})));
  struct Case {
    const char* name;
    Bytes frame;
    int link;
    DecodeStatus want;
    std::uint32_t wire = 0;  // 0: the frame's size
  };
  const Case cases[] = {
      {"arp is not ip", arp, kLinkEthernet, DecodeStatus::kNotIp},
      {"802.3 llc is not ip", stp, kLinkEthernet, DecodeStatus::kNotIp},
      {"unknown link type", eth_v4, 147, DecodeStatus::kUnsupportedLinkType},
      {"10-byte ethernet", Bytes(eth_v4.begin(), eth_v4.begin() + 10), kLinkEthernet,
       DecodeStatus::kTruncatedLinkHeader},
      {"vlan tag cut", Bytes{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0, 0}, kLinkEthernet,
       DecodeStatus::kTruncatedLinkHeader},
      {"four vlan tags", Ethernet(v4tcp, {1, 2, 3, 4}), kLinkEthernet,
       DecodeStatus::kTruncatedLinkHeader},
      {"ip header cut", Bytes(eth_v4.begin(), eth_v4.begin() + 30), kLinkEthernet,
       DecodeStatus::kTruncatedIpHeader, 60},
      {"version 5 in ipv4 ethertype", with(eth_v4, 14, 0x55), kLinkEthernet,
       DecodeStatus::kBadIpVersion},
      {"ihl 4", with(eth_v4, 14, 0x44), kLinkEthernet, DecodeStatus::kBadIpHeaderLength},
      {"total length below header", with(with(eth_v4, 16, 0), 17, 10), kLinkEthernet,
       DecodeStatus::kBadIpHeaderLength},
      {"total length beyond frame", with(eth_v4, 16, 0x10), kLinkEthernet,
       DecodeStatus::kIpLengthExceedsFrame},
      {"tcp cut by capture", Bytes(eth_v4.begin(), eth_v4.begin() + 14 + 20 + 10), kLinkEthernet,
       DecodeStatus::kTruncatedTransportHeader, static_cast<std::uint32_t>(eth_v4.size())},
      {"tcp data offset 4", with(eth_v4, 14 + 20 + 12, 0x40), kLinkEthernet,
       DecodeStatus::kBadTcpHeaderLength},
      {"tcp data offset beyond packet", with(eth_v4, 14 + 20 + 12, 0xF0), kLinkEthernet,
       DecodeStatus::kBadTcpHeaderLength},
      {"udp length < 8", udp_bad, kLinkEthernet, DecodeStatus::kBadUdpLength},
      {"udp length beyond ip", udp_long, kLinkEthernet, DecodeStatus::kBadUdpLength},
      {"ipv6 header cut", Bytes(20, 0x60), kLinkRaw, DecodeStatus::kTruncatedIpHeader, 60},
      {"ipv6 extension chain too long", ext_loop, kLinkEthernet,
       DecodeStatus::kTooManyIpv6ExtHeaders},
      {"raw with version 0", Bytes(40, 0), kLinkRaw, DecodeStatus::kBadIpVersion},
      {"null link cut", Bytes{2, 0}, kLinkNull, DecodeStatus::kTruncatedLinkHeader},
      {"sll cut", Bytes(12, 0), kLinkLinuxSll, DecodeStatus::kTruncatedLinkHeader},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    DecodedPacket p;
    auto wire = c.wire ? c.wire : static_cast<std::uint32_t>(c.frame.size());
    CHECK(DecodeStatusName(DecodePacket(c.frame, wire, c.link, p)) == DecodeStatusName(c.want));
  }
}

TEST_CASE("a snaplen cut is not an error: the payload is what was captured") {
  Bytes frame = Ethernet(Ipv4(kA, kB, kProtoTcp, Tcp(1, 443, Bytes(1400, 7))));
  DecodedPacket p;
  Bytes cut(frame.begin(), frame.begin() + 200);
  REQUIRE(DecodePacket(cut, static_cast<std::uint32_t>(frame.size()), kLinkEthernet, p) ==
          DecodeStatus::kOk);
  CHECK(p.payload.size() == 200 - 14 - 20 - 20);
}

TEST_CASE(
    "every prefix and random corruption of valid frames decodes without reading out of bounds") {
  // Run under the asan preset, this is the fuzz check: no input may read past its span.
  std::vector<std::pair<Bytes, int>> seeds = {
      {Ethernet(Ipv4(kA, kB, kProtoTcp, Tcp(1, 443, TlsClientHello("a.example")))), kLinkEthernet},
      {Ethernet(Ipv6(kA6, kB6, kProtoUdp, Udp(53, 9, Bytes(30, 1)), {{0, HopByHop()}}), {5, 6}),
       kLinkEthernet},
      {LinuxSll(Ipv4(kA, kB, kProtoUdp, Udp(1, 2))), kLinkLinuxSll},
      {Sll2(Ipv4(kA, kB, kProtoUdp, Udp(1, 2))), kLinkLinuxSll2},
  };
  std::mt19937 rng(12345);
  std::size_t decoded = 0;
  for (const auto& [frame, link] : seeds) {
    for (std::size_t n = 0; n <= frame.size(); ++n) {
      Bytes prefix(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(n));
      DecodedPacket p;
      for (std::uint32_t wire : {static_cast<std::uint32_t>(n), 0u, 65535u}) {
        if (DecodePacket(prefix, wire, link, p) == DecodeStatus::kOk) {
          ++decoded;
          CHECK(p.payload.size() <= n);
        }
      }
    }
    for (int round = 0; round < 2000; ++round) {
      Bytes m = frame;
      for (int k = 0; k < 3; ++k) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
      m.resize(rng() % (m.size() + 1));
      DecodedPacket p;
      (void)DecodePacket(m, static_cast<std::uint32_t>(rng() % 2000), link, p);
      if (!p.payload.empty()) {
        CHECK(p.payload.data() >= m.data());
        CHECK(p.payload.data() + p.payload.size() <= m.data() + m.size());
      }
    }
  }
  CHECK(decoded > 0);
}
