// Parses /proc/net/dev.
#include "collectors/netdev.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<std::vector<schema::NetInterface>> ParseNetDev(std::string_view text) {
  std::vector<schema::NetInterface> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto colon = line.find(':');
    // The two header lines have '|' separators and no "name:" prefix.
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) continue;
    schema::NetInterface i;
    i.name = std::string(Trim(line.substr(0, colon)));
    auto f = SplitFields(line.substr(colon + 1));
    if (i.name.empty() || f.size() < 16) {
      return MakeError("/proc/net/dev line " + std::to_string(line_no) +
                       ": expected an interface name and 16 counters");
    }
    std::uint64_t v[16];
    for (int k = 0; k < 16; ++k) {
      auto n = ParseU64(f[k]);
      if (!n) {
        return MakeError("/proc/net/dev line " + std::to_string(line_no) + ": counter " +
                         std::to_string(k + 1) + " of " + i.name + " is not a number: \"" +
                         std::string(f[k]) + "\"");
      }
      v[k] = *n;
    }
    i.receive_bytes = v[0];
    i.receive_packets = v[1];
    i.receive_errs = v[2];
    i.receive_drop = v[3];
    i.transmit_bytes = v[8];
    i.transmit_packets = v[9];
    i.transmit_errs = v[10];
    i.transmit_drop = v[11];
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace wardwatch::agent
