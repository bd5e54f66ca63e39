// Packet decoder: link layer (Ethernet + 802.1Q/QinQ, Linux cooked SLL/SLL2, BSD loopback, raw
// IP), IPv4, IPv6 (with extension headers), TCP and UDP. Pure and bounds-checked: every read is
// checked against the captured length, so any byte string is safe input.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "wardwatch/traffic/net.h"

namespace wardwatch::traffic {

// pcap link types (DLT_* values as stored in pcap files) that the decoder understands.
inline constexpr int kLinkNull = 0;         // DLT_NULL: 4-byte host-order address family
inline constexpr int kLinkEthernet = 1;     // DLT_EN10MB
inline constexpr int kLinkRaw = 101;        // LINKTYPE_RAW: bare IPv4/IPv6
inline constexpr int kLinkRawDlt = 12;      // DLT_RAW on Linux
inline constexpr int kLinkLoop = 108;       // DLT_LOOP: 4-byte network-order address family
inline constexpr int kLinkLinuxSll = 113;   // DLT_LINUX_SLL ("any" device)
inline constexpr int kLinkLinuxSll2 = 276;  // DLT_LINUX_SLL2

inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;

// Why a packet was not decoded. kOk and kNotIp are not errors; the rest are counted as
// decode errors and the packet is skipped.
enum class DecodeStatus : std::uint8_t {
  kOk = 0,
  kNotIp,                 // ARP, LLDP, 802.3 frames, ...: counted, not an error
  kUnsupportedLinkType,   // a link type this decoder does not know
  kTruncatedLinkHeader,   // captured bytes end inside the link-layer header / VLAN tags
  kTruncatedIpHeader,     // captured bytes end inside the IPv4/IPv6 header
  kBadIpVersion,          // version nibble disagrees with the link layer's protocol
  kBadIpHeaderLength,     // IPv4 IHL < 5 or total length < header length
  kIpLengthExceedsFrame,  // IP total/payload length larger than the frame on the wire
  kTruncatedIpv6ExtHeader,
  kTooManyIpv6ExtHeaders,
  kTruncatedTransportHeader,  // TCP/UDP header cut off (first fragment only)
  kBadTcpHeaderLength,        // TCP data offset < 5 or beyond the IP payload
  kBadUdpLength,              // UDP length < 8 or beyond the IP payload
};
inline constexpr int kDecodeStatusCount = 13;
std::string_view DecodeStatusName(DecodeStatus s);

struct DecodedPacket {
  IpAddr src, dst;
  std::uint8_t ip_proto = 0;  // 6 TCP, 17 UDP, other IP protocol numbers as seen
  bool has_ports = false;     // false for non-TCP/UDP and for non-first fragments
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t tcp_flags = 0;
  std::uint16_t vlan_id = 0;    // innermost 802.1Q tag, 0 = untagged
  bool link_broadcast = false;  // Ethernet destination ff:ff:ff:ff:ff:ff
  // The captured part of the TCP/UDP payload (may be shorter than on the wire: snaplen).
  // Points into the caller's buffer; valid only during the callback.
  std::span<const std::uint8_t> payload;
};

// Decodes one captured frame. `bytes` is what was captured (caplen); `wire_len` is the frame's
// length on the wire (pcap's len), used to tell snaplen cuts from lying IP length fields.
DecodeStatus DecodePacket(std::span<const std::uint8_t> bytes, std::uint32_t wire_len,
                          int link_type, DecodedPacket& out);

}  // namespace wardwatch::traffic
