// Parses /etc/os-release.
#include "collectors/os.h"

#include "fsutil.h"
#include "wardwatch/json_decode.h"

namespace wardwatch::agent {

Result<std::map<std::string, std::string>> ParseOsRelease(std::string_view text) {
  std::map<std::string, std::string> out;
  int line_no = 0;
  for (std::string_view raw : SplitLines(text)) {
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return MakeError("os-release line " + std::to_string(line_no) + ": expected KEY=value");
    }
    std::string key(line.substr(0, eq));
    if (!json::Object::ValidKey(key)) {
      return MakeError("os-release line " + std::to_string(line_no) + ": bad key \"" + key + "\"");
    }
    std::string_view v = line.substr(eq + 1);
    std::string value;
    if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
      const char q = v.front();
      if (v.size() < 2 || v.back() != q) {
        return MakeError("os-release line " + std::to_string(line_no) + ": unterminated quote");
      }
      v = v.substr(1, v.size() - 2);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (q == '"' && v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i];
      }
    } else {
      value = std::string(v);
    }
    out[key] = value;
  }
  return out;
}

}  // namespace wardwatch::agent
