// Parses /proc/net/wireless.
#include "collectors/wireless.h"

#include "fsutil.h"

namespace wardwatch::agent {
namespace {

// Values carry a trailing '.' when the driver marks them updated ("54.").
std::optional<double> ParseLevel(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return ParseDouble(s);
}

}  // namespace

Result<std::map<std::string, schema::Wireless>> ParseWireless(std::string_view text) {
  std::map<std::string, schema::Wireless> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.find('|') != std::string_view::npos) continue;
    const std::string name(Trim(line.substr(0, colon)));
    const auto f = SplitFields(line.substr(colon + 1));
    // status link level noise nwid crypt frag retry misc beacon
    if (name.empty() || f.size() < 4) {
      return MakeError("/proc/net/wireless line " + std::to_string(line_no) +
                       ": expected an interface name, status, link, level and noise");
    }
    auto link = ParseLevel(f[1]), level = ParseLevel(f[2]), noise = ParseLevel(f[3]);
    if (!link || !level || !noise) {
      return MakeError("/proc/net/wireless line " + std::to_string(line_no) + ": link, level " +
                       "or noise of " + name + " is not a number");
    }
    schema::Wireless w;
    w.link_quality = *link;
    w.signal_dbm = *level > 0 ? *level - 256 : *level;
    if (*noise != -256 && *noise != 0) w.noise_dbm = *noise > 0 ? *noise - 256 : *noise;
    out[name] = w;
  }
  return out;
}

}  // namespace wardwatch::agent
