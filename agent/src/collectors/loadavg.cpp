// Parses /proc/loadavg: "0.52 0.58 0.59 1/467 12345".
#include "collectors/loadavg.h"

#include "fsutil.h"

namespace wardwatch::agent {

Result<schema::LoadAverage> ParseLoadavg(std::string_view text) {
  auto f = SplitFields(Trim(text));
  if (f.size() < 3) {
    return MakeError("/proc/loadavg: expected at least 3 fields, got " + std::to_string(f.size()));
  }
  double v[3] = {};
  for (int i = 0; i < 3; ++i) {
    auto d = ParseDouble(f[i]);
    if (!d || *d < 0) {
      return MakeError("/proc/loadavg: field " + std::to_string(i + 1) +
                       " is not a load average: \"" + std::string(f[i]) + "\"");
    }
    v[i] = *d;
  }
  return schema::LoadAverage{v[0], v[1], v[2]};
}

}  // namespace wardwatch::agent
