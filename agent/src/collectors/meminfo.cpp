// Parses /proc/meminfo.
#include "collectors/meminfo.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<std::map<std::string, std::uint64_t>> ParseMeminfo(std::string_view text) {
  std::map<std::string, std::uint64_t> out;
  int line_no = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return MakeError("/proc/meminfo line " + std::to_string(line_no) + ": no \"name:\"");
    }
    std::string key;
    for (char c : line.substr(0, colon)) {
      if (c == '(') {
        key += '_';
      } else if (c != ')') {
        key += c;
      }
    }
    auto f = SplitFields(line.substr(colon + 1));
    if (f.empty()) {
      return MakeError("/proc/meminfo line " + std::to_string(line_no) + ": " + key +
                       " has no value");
    }
    auto v = ParseU64(f[0]);
    if (!v) {
      return MakeError("/proc/meminfo line " + std::to_string(line_no) + ": " + key +
                       " is not a number: \"" + std::string(f[0]) + "\"");
    }
    if (f.size() >= 2 && f[1] == "kB") out[key] = *v * 1024;
  }
  if (out.find("MemTotal") == out.end()) return MakeError("/proc/meminfo: no MemTotal line");
  return out;
}

}  // namespace wardwatch::agent
