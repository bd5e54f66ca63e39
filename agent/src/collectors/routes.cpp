// Parses /proc/net/route, /proc/net/ipv6_route and resolv.conf.
#include "collectors/routes.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

constexpr std::uint64_t kRtfUp = 0x1, kRtfGateway = 0x2;

std::optional<std::uint64_t> ParseHex(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

void AddUnique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

std::string RouteError(std::string_view file, int line_no, const std::string& what) {
  return std::string(file) + " line " + std::to_string(line_no) + ": " + what;
}

}  // namespace

Result<std::vector<std::string>> ParseIpv4DefaultGateways(std::string_view text) {
  std::vector<std::string> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto f = SplitFields(line);
    if (f.empty() || f[0] == "Iface") continue;
    if (f.size() < 8) {
      return MakeError(RouteError("/proc/net/route", line_no, "expected at least 8 fields"));
    }
    auto dest = ParseHex(f[1]), gw = ParseHex(f[2]), flags = ParseHex(f[3]), mask = ParseHex(f[7]);
    if (!dest || !gw || !flags || !mask || f[1].size() != 8 || f[2].size() != 8) {
      return MakeError(RouteError("/proc/net/route", line_no,
                                  "destination, gateway, flags and mask must be hexadecimal"));
    }
    if (*dest != 0 || *mask != 0 || (*flags & (kRtfUp | kRtfGateway)) != (kRtfUp | kRtfGateway)) {
      continue;
    }
    // The kernel prints the network-order address as a host-order integer: the bytes in
    // memory are the address.
    const auto word = static_cast<std::uint32_t>(*gw);
    unsigned char bytes[4];
    std::memcpy(bytes, &word, 4);
    char buf[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, bytes, buf, sizeof buf);
    AddUnique(out, buf);
  }
  return out;
}

Result<std::vector<std::string>> ParseIpv6DefaultGateways(std::string_view text) {
  std::vector<std::string> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto f = SplitFields(line);
    if (f.empty()) continue;
    // dest dest_len src src_len next_hop metric refcnt use flags iface
    if (f.size() != 10 || f[0].size() != 32 || f[4].size() != 32) {
      return MakeError(RouteError("/proc/net/ipv6_route", line_no,
                                  "expected 10 fields with 32-digit addresses"));
    }
    auto dest_len = ParseHex(f[1]), flags = ParseHex(f[8]);
    if (!dest_len || !flags) {
      return MakeError(
          RouteError("/proc/net/ipv6_route", line_no, "prefix length and flags must be hex"));
    }
    if (f[0] != std::string(32, '0') || *dest_len != 0 || f[4] == std::string(32, '0') ||
        (*flags & (kRtfUp | kRtfGateway)) != (kRtfUp | kRtfGateway)) {
      continue;
    }
    unsigned char bytes[16];
    for (int k = 0; k < 16; ++k) {
      auto b = ParseHex(f[4].substr(static_cast<std::size_t>(k) * 2, 2));
      if (!b) {
        return MakeError(RouteError("/proc/net/ipv6_route", line_no, "next hop is not hex"));
      }
      bytes[k] = static_cast<unsigned char>(*b);
    }
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, bytes, buf, sizeof buf);
    std::string gw = buf;
    if (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) gw += "%" + std::string(f[9]);
    AddUnique(out, std::move(gw));
  }
  return out;
}

std::vector<std::string> ParseResolvConf(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : SplitLines(text)) {
    if (auto hash = line.find_first_of("#;"); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const auto f = SplitFields(line);
    if (f.size() >= 2 && f[0] == "nameserver") AddUnique(out, std::string(f[1]));
  }
  return out;
}

}  // namespace wardwatch::agent
