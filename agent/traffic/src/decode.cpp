// Bounds-checked decoder from captured bytes to addresses, ports and the transport payload.
// It returns a status rather than Result<T>: it runs for every packet and must not allocate.
#include "wardwatch/traffic/decode.h"

namespace wardwatch::traffic {
namespace {

inline std::uint16_t Be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr int kMaxVlanTags = 3;
constexpr int kMaxIpv6ExtHeaders = 8;

DecodeStatus DecodeTransport(std::span<const std::uint8_t> l4, std::uint32_t l4_len_on_wire,
                             DecodedPacket& out) {
  // l4: captured bytes of the IP payload; l4_len_on_wire: its length per the IP header.
  if (out.ip_proto == kProtoTcp) {
    if (l4.size() < 20) return DecodeStatus::kTruncatedTransportHeader;
    std::size_t off = static_cast<std::size_t>(l4[12] >> 4) * 4;
    if (off < 20 || off > l4_len_on_wire) return DecodeStatus::kBadTcpHeaderLength;
    out.src_port = Be16(&l4[0]);
    out.dst_port = Be16(&l4[2]);
    out.tcp_flags = l4[13];
    out.has_ports = true;
    out.payload = off <= l4.size() ? l4.subspan(off) : std::span<const std::uint8_t>();
    std::size_t wire_payload = l4_len_on_wire - off;
    if (out.payload.size() > wire_payload) out.payload = out.payload.first(wire_payload);
    return DecodeStatus::kOk;
  }
  if (out.ip_proto == kProtoUdp) {
    if (l4.size() < 8) return DecodeStatus::kTruncatedTransportHeader;
    std::uint16_t udp_len = Be16(&l4[4]);
    if (udp_len < 8 || udp_len > l4_len_on_wire) return DecodeStatus::kBadUdpLength;
    out.src_port = Be16(&l4[0]);
    out.dst_port = Be16(&l4[2]);
    out.has_ports = true;
    out.payload = l4.subspan(8);
    if (out.payload.size() > udp_len - 8u) out.payload = out.payload.first(udp_len - 8u);
    return DecodeStatus::kOk;
  }
  return DecodeStatus::kOk;
}

DecodeStatus DecodeIpv4(std::span<const std::uint8_t> b, std::size_t wire, DecodedPacket& out) {
  if (b.size() < 20) return DecodeStatus::kTruncatedIpHeader;
  if ((b[0] >> 4) != 4) return DecodeStatus::kBadIpVersion;
  std::size_t ihl = static_cast<std::size_t>(b[0] & 0x0F) * 4;
  std::uint16_t total = Be16(&b[2]);
  if (ihl < 20 || total < ihl) return DecodeStatus::kBadIpHeaderLength;
  if (total > wire) return DecodeStatus::kIpLengthExceedsFrame;
  if (b.size() < ihl) return DecodeStatus::kTruncatedIpHeader;
  out.src = IpAddr::V4(&b[12]);
  out.dst = IpAddr::V4(&b[16]);
  out.ip_proto = b[9];
  std::uint16_t frag = Be16(&b[6]);
  if ((frag & 0x1FFF) != 0) return DecodeStatus::kOk;  // later fragment: no transport header
  // Ethernet pads short frames, so the capture may be longer than `total`; clip to it.
  auto l4 = b.first(b.size() < total ? b.size() : total).subspan(ihl);
  return DecodeTransport(l4, total - static_cast<std::uint32_t>(ihl), out);
}

DecodeStatus DecodeIpv6(std::span<const std::uint8_t> b, std::size_t wire, DecodedPacket& out) {
  if (b.size() < 40) return DecodeStatus::kTruncatedIpHeader;
  if ((b[0] >> 4) != 6) return DecodeStatus::kBadIpVersion;
  std::uint32_t payload_len = Be16(&b[4]);
  if (payload_len + 40u > wire) return DecodeStatus::kIpLengthExceedsFrame;
  out.src = IpAddr::V6(&b[8]);
  out.dst = IpAddr::V6(&b[24]);
  std::uint8_t next = b[6];
  auto rest = b.subspan(40);
  if (rest.size() > payload_len) rest = rest.first(payload_len);
  std::uint32_t rest_on_wire = payload_len;
  for (int i = 0;; ++i) {
    bool ext = next == 0 || next == 43 || next == 44 || next == 60 || next == 51 || next == 135;
    if (!ext) break;
    if (i >= kMaxIpv6ExtHeaders) return DecodeStatus::kTooManyIpv6ExtHeaders;
    if (rest.size() < 8) return DecodeStatus::kTruncatedIpv6ExtHeader;
    std::size_t len;
    bool later_fragment = false;
    if (next == 44) {  // fragment header: fixed 8 bytes
      len = 8;
      later_fragment = (Be16(&rest[2]) & 0xFFF8) != 0;
    } else if (next == 51) {  // AH: length in 4-byte units, minus 2
      len = (static_cast<std::size_t>(rest[1]) + 2) * 4;
    } else {
      len = (static_cast<std::size_t>(rest[1]) + 1) * 8;
    }
    if (len > rest_on_wire) return DecodeStatus::kIpLengthExceedsFrame;
    if (len > rest.size()) return DecodeStatus::kTruncatedIpv6ExtHeader;
    next = rest[0];
    rest = rest.subspan(len);
    rest_on_wire -= static_cast<std::uint32_t>(len);
    if (later_fragment) {
      out.ip_proto = next;
      return DecodeStatus::kOk;
    }
  }
  out.ip_proto = next;
  return DecodeTransport(rest, rest_on_wire, out);
}

DecodeStatus DecodeByEtherType(std::uint16_t type, std::span<const std::uint8_t> b,
                               std::size_t wire, DecodedPacket& out) {
  if (type == kEtherIpv4) return DecodeIpv4(b, wire, out);
  if (type == kEtherIpv6) return DecodeIpv6(b, wire, out);
  return DecodeStatus::kNotIp;
}

DecodeStatus DecodeByVersion(std::span<const std::uint8_t> b, std::size_t wire,
                             DecodedPacket& out) {
  if (b.empty()) return DecodeStatus::kTruncatedIpHeader;
  if ((b[0] >> 4) == 4) return DecodeIpv4(b, wire, out);
  if ((b[0] >> 4) == 6) return DecodeIpv6(b, wire, out);
  return DecodeStatus::kBadIpVersion;
}

DecodeStatus DecodeEthernet(std::span<const std::uint8_t> b, std::size_t wire, DecodedPacket& out) {
  if (b.size() < 14) return DecodeStatus::kTruncatedLinkHeader;
  out.link_broadcast =
      b[0] == 0xFF && b[1] == 0xFF && b[2] == 0xFF && b[3] == 0xFF && b[4] == 0xFF && b[5] == 0xFF;
  std::uint16_t type = Be16(&b[12]);
  std::size_t off = 14;
  for (int tags = 0; type == 0x8100 || type == 0x88A8 || type == 0x9100; ++tags) {
    if (tags >= kMaxVlanTags || b.size() < off + 4) return DecodeStatus::kTruncatedLinkHeader;
    out.vlan_id = Be16(&b[off]) & 0x0FFF;
    type = Be16(&b[off + 2]);
    off += 4;
  }
  if (type < 0x0600) return DecodeStatus::kNotIp;  // 802.3 length field (LLC/STP)
  return DecodeByEtherType(type, b.subspan(off), wire - off, out);
}

// BSD loopback address family values for IPv6 differ by OS (24, 28, 30); IPv4 is 2.
DecodeStatus DecodeNullFamily(std::uint32_t family, std::span<const std::uint8_t> b,
                              std::size_t wire, DecodedPacket& out) {
  if (family == 2) return DecodeIpv4(b, wire, out);
  if (family == 24 || family == 28 || family == 30 || family == 10) {
    return DecodeIpv6(b, wire, out);
  }
  return DecodeStatus::kNotIp;
}

}  // namespace

std::string_view DecodeStatusName(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::kOk:
      return "ok";
    case DecodeStatus::kNotIp:
      return "not_ip";
    case DecodeStatus::kUnsupportedLinkType:
      return "unsupported_link_type";
    case DecodeStatus::kTruncatedLinkHeader:
      return "truncated_link_header";
    case DecodeStatus::kTruncatedIpHeader:
      return "truncated_ip_header";
    case DecodeStatus::kBadIpVersion:
      return "bad_ip_version";
    case DecodeStatus::kBadIpHeaderLength:
      return "bad_ip_header_length";
    case DecodeStatus::kIpLengthExceedsFrame:
      return "ip_length_exceeds_frame";
    case DecodeStatus::kTruncatedIpv6ExtHeader:
      return "truncated_ipv6_extension_header";
    case DecodeStatus::kTooManyIpv6ExtHeaders:
      return "too_many_ipv6_extension_headers";
    case DecodeStatus::kTruncatedTransportHeader:
      return "truncated_transport_header";
    case DecodeStatus::kBadTcpHeaderLength:
      return "bad_tcp_header_length";
    case DecodeStatus::kBadUdpLength:
      return "bad_udp_length";
  }
  return "unknown";
}

DecodeStatus DecodePacket(std::span<const std::uint8_t> b, std::uint32_t wire_len, int link_type,
                          DecodedPacket& out) {
  out = DecodedPacket{};
  // wire_len below caplen is bogus; never let it shrink what we trust below what we hold.
  std::size_t wire = wire_len < b.size() ? b.size() : wire_len;
  switch (link_type) {
    case kLinkEthernet:
      return DecodeEthernet(b, wire, out);
    case kLinkLinuxSll:
      // packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2)
      if (b.size() < 16) return DecodeStatus::kTruncatedLinkHeader;
      return DecodeByEtherType(Be16(&b[14]), b.subspan(16), wire - 16, out);
    case kLinkLinuxSll2:
      // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8)
      if (b.size() < 20) return DecodeStatus::kTruncatedLinkHeader;
      return DecodeByEtherType(Be16(&b[0]), b.subspan(20), wire - 20, out);
    case kLinkNull: {
      if (b.size() < 4) return DecodeStatus::kTruncatedLinkHeader;
      // Written in the capturing host's byte order: accept either.
      std::uint32_t le =
          b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
      std::uint32_t be =
          (static_cast<std::uint32_t>(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
      return DecodeNullFamily(le < 256 ? le : be, b.subspan(4), wire - 4, out);
    }
    case kLinkLoop: {
      if (b.size() < 4) return DecodeStatus::kTruncatedLinkHeader;
      std::uint32_t be =
          (static_cast<std::uint32_t>(b[0]) << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
      return DecodeNullFamily(be, b.subspan(4), wire - 4, out);
    }
    case kLinkRaw:
    case kLinkRawDlt:
      return DecodeByVersion(b, wire, out);
    default:
      return DecodeStatus::kUnsupportedLinkType;
  }
}

}  // namespace wardwatch::traffic
