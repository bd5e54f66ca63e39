// Number and time formatting for the views.
#include "model/format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace wardwatch::console {

namespace {
constexpr const char* kDash = "\xE2\x80\x94";  // em dash
}

std::string FormatBytes(double bytes) {
  if (std::isnan(bytes) || bytes < 0) return kDash;
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, bytes >= 100 || u == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[u]);
  return buf;
}

std::string FormatYears(Lang lang, double years) {
  if (std::isnan(years)) return kDash;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", years, Tr(lang, Str::kYears));
  std::string s = buf;
  if (lang == Lang::kVi) {
    for (char& c : s) {
      if (c == '.') c = ',';
    }
  }
  return s;
}

std::string FormatPercent(double ratio) {
  if (std::isnan(ratio)) return kDash;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", ratio * 100.0);
  return buf;
}

std::string FormatSeconds(double s) {
  if (std::isnan(s)) return kDash;
  char buf[32];
  if (s < 1.0) {
    std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000.0);
  } else if (s < 60.0) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 3600.0) {
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60.0);
  } else {
    const long h = static_cast<long>(s / 3600.0);
    const long m = static_cast<long>((s - static_cast<double>(h) * 3600.0) / 60.0);
    std::snprintf(buf, sizeof buf, "%ld h %02ld min", h, m);
  }
  return buf;
}

std::string FormatVnd(double vnd) {
  if (std::isnan(vnd)) return kDash;
  const long long v = std::llround(vnd);
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out + " \xE2\x82\xAB";  // ₫
}

std::string FormatMbps(double mbps) {
  if (std::isnan(mbps)) return kDash;
  char buf[32];
  std::snprintf(buf, sizeof buf, mbps >= 10 ? "%.0f Mb/s" : "%.1f Mb/s", mbps);
  return buf;
}

std::string FormatAgo(Lang lang, std::int64_t then_ms, std::int64_t now_ms) {
  if (then_ms <= 0) return Tr(lang, Str::kNever);
  const double s = static_cast<double>(now_ms - then_ms) / 1000.0;
  char buf[48];
  const bool vi = lang == Lang::kVi;
  if (s < 60) {
    std::snprintf(buf, sizeof buf, vi ? "%.0f giây" : "%.0f s", s < 0 ? 0.0 : s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, vi ? "%.0f phút" : "%.0f min", s / 60);
  } else if (s < 86400 * 2) {
    std::snprintf(buf, sizeof buf, vi ? "%.0f giờ" : "%.0f h", s / 3600);
  } else {
    std::snprintf(buf, sizeof buf, vi ? "%.0f ngày" : "%.0f days", s / 86400);
  }
  return std::string(buf) + " " + Tr(lang, Str::kAgo);
}

std::string FormatTime(std::int64_t ms) {
  if (ms <= 0) return kDash;
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace wardwatch::console
