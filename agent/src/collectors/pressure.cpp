// Parses Linux PSI files (/proc/pressure/*).
#include "collectors/pressure.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<PressureTotals> ParsePressure(std::string_view text, std::string_view resource) {
  PressureTotals out;
  const std::string where = "/proc/pressure/" + std::string(resource);
  for (std::string_view line : SplitLines(text)) {
    auto f = SplitFields(line);
    if (f.empty()) continue;
    if (f[0] != "some" && f[0] != "full") {
      return MakeError(where + ": unexpected line kind \"" + std::string(f[0]) + "\"");
    }
    std::optional<double> total;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (f[i].substr(0, 6) != "total=") continue;
      auto us = ParseU64(f[i].substr(6));
      if (!us) {
        return MakeError(where + ": " + std::string(f[0]) + " total is not a number: \"" +
                         std::string(f[i].substr(6)) + "\"");
      }
      total = static_cast<double>(*us) / 1e6;
    }
    if (!total) return MakeError(where + ": " + std::string(f[0]) + " line has no total=");
    (f[0] == "some" ? out.some_seconds : out.full_seconds) = total;
  }
  if (!out.some_seconds) return MakeError(where + ": no \"some\" line");
  return out;
}

}  // namespace wardwatch::agent
