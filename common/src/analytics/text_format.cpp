#include "wardwatch/analytics/text_format.h"

#include <cmath>
#include <cstdio>

namespace wardwatch::analytics {

std::string GroupThousands(std::uint64_t n, bool vi) {
  const std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(vi ? '.' : ',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Num(double v, int decimals, bool vi) {
  if (!std::isfinite(v)) return vi ? "không xác định" : "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v));
  const std::string s = buf;
  const std::size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string out = whole.size() > 18 ? whole : GroupThousands(std::stoull(whole), vi);
  if (dot != std::string::npos) out += (vi ? ',' : '.') + s.substr(dot + 1);
  // No "-0" when a small negative value rounds to zero.
  const bool negative = v < 0 && out.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + out : out;
}

std::string Pct(double ratio, bool vi) { return Num(ratio * 100, 0, vi) + "%"; }

}  // namespace wardwatch::analytics
