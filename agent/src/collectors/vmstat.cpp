// Parses /proc/vmstat.
#include "collectors/vmstat.h"

#include <algorithm>

#include "fsutil.h"

namespace wardwatch::agent {

Result<std::map<std::string, std::uint64_t>> ParseVmstat(std::string_view text) {
  std::map<std::string, std::uint64_t> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    auto f = SplitFields(line);
    if (f.empty()) continue;
    if (std::find(std::begin(kVmstatKeys), std::end(kVmstatKeys), f[0]) == std::end(kVmstatKeys)) {
      continue;
    }
    auto v = f.size() == 2 ? ParseU64(f[1]) : std::nullopt;
    if (!v) {
      return MakeError("/proc/vmstat line " + std::to_string(line_no) + ": \"" + std::string(line) +
                       "\" is not \"name value\"");
    }
    out[std::string(f[0])] = *v;
  }
  if (out.empty()) return MakeError("/proc/vmstat: none of pswpin, pswpout, pgmajfault found");
  return out;
}

}  // namespace wardwatch::agent
