// Reads the text of /proc/net/{tcp,tcp6,udp,udp6}: local/remote endpoints, state, uid, inode.
#include <charconv>
#include <cstring>

#include "wardwatch/traffic/socket_table.h"

namespace wardwatch::traffic {
namespace {

bool ParseHex32(std::string_view s, std::uint32_t& v) {
  if (s.size() != 8) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

// "0100007F:1F90" (IPv4) or 32 hex digits + ":PORT" (IPv6).
bool ParseEndpoint(std::string_view s, IpAddr& addr, std::uint16_t& port) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  auto hex = s.substr(0, colon), port_hex = s.substr(colon + 1);
  if (hex.size() != 8 && hex.size() != 32) return false;
  std::uint8_t bytes[16] = {};
  for (std::size_t w = 0; w < hex.size() / 8; ++w) {
    std::uint32_t word;
    if (!ParseHex32(hex.substr(w * 8, 8), word)) return false;
    // The kernel prints each 32-bit word of the network-order address as a host-order integer,
    // so copying the integer's memory back restores the network-order bytes.
    std::memcpy(bytes + w * 4, &word, 4);
  }
  addr = hex.size() == 8 ? IpAddr::V4(bytes) : IpAddr::V6(bytes);
  unsigned p = 0;
  auto [e, ec] = std::from_chars(port_hex.data(), port_hex.data() + port_hex.size(), p, 16);
  if (ec != std::errc() || e != port_hex.data() + port_hex.size() || port_hex.empty() ||
      p > 0xFFFF) {
    return false;
  }
  port = static_cast<std::uint16_t>(p);
  return true;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

}  // namespace

Result<std::vector<ProcNetSocket>> ParseProcNetSockets(std::string_view text) {
  std::vector<ProcNetSocket> out;
  std::size_t line_no = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line_no == 1) {
      if (line.find("local_address") == std::string_view::npos) {
        return MakeError("line 1: expected the header with 'local_address'");
      }
      continue;
    }
    auto f = Fields(line);
    if (f.empty()) continue;
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    if (f.size() < 10) {
      return MakeError("line " + std::to_string(line_no) + ": expected at least 10 fields, got " +
                       std::to_string(f.size()));
    }
    ProcNetSocket s;
    if (!ParseEndpoint(f[1], s.local, s.local_port)) {
      return MakeError("line " + std::to_string(line_no) + ": bad local address '" +
                       std::string(f[1]) + "'");
    }
    if (!ParseEndpoint(f[2], s.remote, s.remote_port)) {
      return MakeError("line " + std::to_string(line_no) + ": bad remote address '" +
                       std::string(f[2]) + "'");
    }
    unsigned st = 0;
    auto [sp, sec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), st, 16);
    auto [up, uec] = std::from_chars(f[7].data(), f[7].data() + f[7].size(), s.uid);
    auto [ip, iec] = std::from_chars(f[9].data(), f[9].data() + f[9].size(), s.inode);
    if (sec != std::errc() || st > 0xFF || sp != f[3].data() + f[3].size()) {
      return MakeError("line " + std::to_string(line_no) + ": bad state '" + std::string(f[3]) +
                       "'");
    }
    if (uec != std::errc() || up != f[7].data() + f[7].size()) {
      return MakeError("line " + std::to_string(line_no) + ": bad uid '" + std::string(f[7]) + "'");
    }
    if (iec != std::errc() || ip != f[9].data() + f[9].size()) {
      return MakeError("line " + std::to_string(line_no) + ": bad inode '" + std::string(f[9]) +
                       "'");
    }
    s.state = static_cast<std::uint8_t>(st);
    out.push_back(s);
  }
  if (line_no == 0) return MakeError("empty file: expected the header with 'local_address'");
  return out;
}

std::uint64_t ParseSocketLink(std::string_view link) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.size() <= kPrefix.size() + 1 || link.substr(0, kPrefix.size()) != kPrefix ||
      link.back() != ']') {
    return 0;
  }
  auto digits = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || p != digits.data() + digits.size()) return 0;
  return v;
}

}  // namespace wardwatch::traffic
