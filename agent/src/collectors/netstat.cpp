// Parses /proc/net/snmp, /proc/net/netstat and /proc/net/snmp6.
#include "collectors/netstat.h"

#include <mutex>
#include <regex>
#include <unordered_map>

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

std::string LineError(std::string_view file, int line_no, const std::string& what) {
  return std::string(file) + " line " + std::to_string(line_no) + ": " + what;
}

}  // namespace

Result<NetstatMap> ParseNetstat(std::string_view text, std::string_view file) {
  NetstatMap out;
  const auto lines = SplitLines(text);
  int line_no = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    line_no = static_cast<int>(i) + 1;
    std::string_view header = Trim(lines[i]);
    if (header.empty()) continue;
    const auto colon = header.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError(LineError(file, line_no, "expected \"Protocol: field names\""));
    }
    const std::string_view proto = header.substr(0, colon);
    if (i + 1 >= lines.size()) {
      return MakeError(LineError(
          file, line_no, "header for " + std::string(proto) + " has no value line after it"));
    }
    std::string_view values = Trim(lines[i + 1]);
    if (values.substr(0, colon + 1) != header.substr(0, colon + 1)) {
      return MakeError(LineError(file, line_no + 1,
                                 "expected the values of " + std::string(proto) + ", found \"" +
                                     std::string(values.substr(0, 40)) + "\""));
    }
    const auto names = SplitFields(header.substr(colon + 1));
    const auto nums = SplitFields(values.substr(colon + 1));
    if (names.size() != nums.size()) {
      return MakeError(LineError(file, line_no + 1,
                                 std::string(proto) + " has " + std::to_string(names.size()) +
                                     " field names but " + std::to_string(nums.size()) +
                                     " values"));
    }
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::string key = std::string(proto) + "_" + std::string(names[k]);
      if (auto v = ParseU64(nums[k])) {
        out[key] = *v;
      } else if (!ParseI64(nums[k])) {
        return MakeError(LineError(file, line_no + 1,
                                   key + " is not a number: \"" + std::string(nums[k]) + "\""));
      }  // a negative value (Tcp_MaxConn = -1, "no limit") is not a counter: left out
    }
    ++i;  // the value line
  }
  return out;
}

Result<NetstatMap> ParseSnmp6(std::string_view text) {
  NetstatMap out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto f = SplitFields(line);
    if (f.empty()) continue;
    if (f.size() != 2) {
      return MakeError(LineError("/proc/net/snmp6", line_no, "expected \"Name value\""));
    }
    auto v = ParseU64(f[1]);
    if (!v) {
      return MakeError(
          LineError("/proc/net/snmp6", line_no,
                    std::string(f[0]) + " is not a number: \"" + std::string(f[1]) + "\""));
    }
    // node_exporter splits the name after its protocol prefix: Ip6, Icmp6, Udp6, UdpLite6.
    std::string_view name = f[0];
    std::size_t split = std::string_view::npos;
    for (std::string_view prefix : {"UdpLite6", "Icmp6", "Udp6", "Ip6"}) {
      if (name.starts_with(prefix)) {
        split = prefix.size();
        break;
      }
    }
    if (split == std::string_view::npos || split >= name.size()) continue;  // unknown family
    out[std::string(name.substr(0, split)) + "_" + std::string(name.substr(split))] = *v;
  }
  return out;
}

bool NetstatFieldWanted(std::string_view key) {
  // node_exporter 1.x default for --collector.netstat.fields.
  static const std::regex kFields(
      "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|"
      "OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue)|Tcp_("
      "ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_("
      "InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$");
  // The kernel's key set is fixed, so each answer is computed once: std::regex costs ~0.3 ms
  // per key in a debug build, the lookup nothing. Bounded in case of a strange procfs.
  static std::mutex mu;
  static std::unordered_map<std::string, bool> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(std::string(key)); it != cache.end()) return it->second;
  const bool wanted = std::regex_match(key.begin(), key.end(), kFields);
  if (cache.size() < 4096) cache.emplace(std::string(key), wanted);
  return wanted;
}

}  // namespace wardwatch::agent
