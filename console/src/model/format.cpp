// Number and time formatting for the views.
#include "model/format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace wardwatch::console {

namespace {
constexpr const char* kDash = "\xE2\x80\x94";  // em dash
}

std::string LocalizeNumber(Lang lang, std::string text) {
  if (lang == Lang::kVi) {
    for (char& c : text) {
      if (c == '.') {
        c = ',';
      } else if (c == ',') {
        c = '.';
      }
    }
  }
  return text;
}

std::string FormatNumber(Lang lang, const char* printf_format, double value) {
  if (std::isnan(value)) return kDash;
  char buf[64];
  std::snprintf(buf, sizeof buf, printf_format, value);
  return LocalizeNumber(lang, buf);
}

std::string FormatBytes(Lang lang, double bytes) {
  if (std::isnan(bytes) || bytes < 0) return kDash;
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, bytes >= 100 || u == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[u]);
  return LocalizeNumber(lang, buf);
}

std::string FormatYears(Lang lang, double years) {
  if (std::isnan(years)) return kDash;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", years);
  return LocalizeNumber(lang, buf) + " " + Tr(lang, Str::kYears);
}

std::string FormatPercent(double ratio) {
  if (std::isnan(ratio)) return kDash;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", ratio * 100.0);
  return buf;
}

std::string FormatSeconds(Lang lang, double s) {
  if (std::isnan(s)) return kDash;
  char buf[32];
  if (s < 1.0) {
    std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000.0);
  } else if (s < 60.0) {
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  } else if (s < 3600.0) {
    // Minutes and hours in the language's words ("min" was English in the Vietnamese view).
    std::snprintf(buf, sizeof buf, lang == Lang::kVi ? "%.0f phút" : "%.0f min", s / 60.0);
  } else {
    const long h = static_cast<long>(s / 3600.0);
    const long m = static_cast<long>((s - static_cast<double>(h) * 3600.0) / 60.0);
    std::snprintf(buf, sizeof buf, lang == Lang::kVi ? "%ld giờ %02ld phút" : "%ld h %02ld min", h,
                  m);
  }
  return LocalizeNumber(lang, buf);
}

std::string FormatUsageSeconds(Lang lang, double seconds) {
  if (std::isnan(seconds) || seconds <= 0) return kDash;
  return FormatSeconds(lang, seconds);
}

std::string GroupedInteger(Lang lang, double value) {
  if (std::isnan(value)) return kDash;
  const long long v = std::llround(value);
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += lang == Lang::kVi ? '.' : ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string FormatVnd(Lang lang, double vnd) {
  if (std::isnan(vnd)) return kDash;
  return GroupedInteger(lang, vnd) + " \xE2\x82\xAB";  // ₫
}

std::string FormatMbps(Lang lang, double mbps) {
  if (std::isnan(mbps)) return kDash;
  char buf[32];
  std::snprintf(buf, sizeof buf, mbps >= 10 ? "%.0f Mb/s" : "%.1f Mb/s", mbps);
  return LocalizeNumber(lang, buf);
}

std::string ShortCpuName(const std::string& model) {
  std::string s = model;
  if (const auto at = s.find(" @ "); at != std::string::npos) s.erase(at);
  for (const char* junk : {"(R)", "(TM)", "(tm)", " CPU", " Processor"}) {
    const std::string j = junk;
    for (auto p = s.find(j); p != std::string::npos; p = s.find(j)) s.erase(p, j.size());
  }
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? model : out;
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

std::string FormatMeasure(Lang lang, double value, const std::string& unit) {
  if (std::isnan(value)) return kDash;
  const bool vi = lang == Lang::kVi;
  if (unit == "ratio") return FormatPercent(value);
  if (unit == "bytes") return FormatBytes(lang, value);
  if (unit == "bytes_per_second") return FormatMbps(lang, value * 8 / 1e6);
  if (unit == "bool") return Tr(lang, value != 0 ? Str::kYes : Str::kNo);
  if (unit == "years") return FormatYears(lang, value);
  char buf[64];
  const char* u = unit.c_str();
  if (unit == "per_hour") {
    // Hard page faults an hour (Windows): "95,799/h" / "95.799/giờ", not "95799 per_hour".
    return GroupedInteger(lang, value) + (vi ? "/giờ" : "/h");
  }
  if (unit == "days") u = vi ? "ngày" : "days";
  if (unit == "dbm") u = "dBm";
  if (unit == "sectors") u = "sector";
  if (unit == "errors") u = vi ? "lỗi" : "errors";
  if (unit == "events" || unit == "timeouts") u = vi ? "lần" : unit.c_str();
  // Large counts grouped as the language writes them: "18,000 events" / "18.000 lần".
  if (std::fabs(value) >= 10000) return GroupedInteger(lang, value) + " " + u;
  std::snprintf(buf, sizeof buf,
                std::fabs(value) >= 100 || value == std::floor(value) ? "%.0f %s" : "%.2g %s",
                value, u);
  return LocalizeNumber(lang, buf);
}

namespace {

bool ToNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0';
}

// SMBIOS chassis types (DMTF DSP0134, 7.4.1) an office PC can have.
const char* ChassisName(Lang lang, int type) {
  const bool vi = lang == Lang::kVi;
  switch (type) {
    case 3:
      return vi ? "máy để bàn" : "desktop";
    case 4:
      return vi ? "máy để bàn mỏng" : "low-profile desktop";
    case 5:
      return "pizza box";
    case 6:
      return vi ? "tháp mini" : "mini tower";
    case 7:
      return vi ? "tháp" : "tower";
    case 8:
      return vi ? "máy xách tay" : "portable";
    case 9:
      return vi ? "máy tính xách tay" : "laptop";
    case 10:
      return vi ? "máy tính xách tay" : "notebook";
    case 13:
      return vi ? "máy tất cả trong một" : "all-in-one";
    case 15:
      return vi ? "máy để bàn nhỏ gọn" : "space-saving";
    case 35:
      return "mini PC";
    default:
      return nullptr;
  }
}

}  // namespace

std::string IsoDateFromSmbios(const std::string& date) {
  int month = 0, day = 0, year = 0;
  char tail = 0;
  if (date.size() == 10 &&
      std::sscanf(date.c_str(), "%2d/%2d/%4d%c", &month, &day, &year, &tail) == 3 && month >= 1 &&
      month <= 12 && day >= 1 && day <= 31 && year >= 1980) {
    char buf[40];  // room for any int, so GCC's -Wformat-truncation (Release) stays quiet
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
  return date;
}

bool InventoryEntry(Lang lang, const std::string& key, const std::string& value, std::string* label,
                    std::string* shown) {
  // Shown in the header, the summary rows or the disk table instead.
  static constexpr const char* kHidden[] = {"machine_id", "hostname", "last_seen", "os_id",
                                            "os_version", "platform", "laptop"};
  for (const char* h : kHidden) {
    if (key == h) return false;
  }
  if (key.rfind("boot_disk.", 0) == 0) return false;
  double v = 0;
  const bool number = ToNumber(value, &v);
  *label = key;
  *shown = value;
  if (value == "true" || value == "false")
    *shown = Tr(lang, value == "true" ? Str::kYes : Str::kNo);
  if (key == "cpu_model") *label = Tr(lang, Str::kColCpu);
  if (key == "cpu_threads") *label = Tr(lang, Str::kInv_cpu_threads);
  if (key == "os_pretty") *label = Tr(lang, Str::kOs);
  if (key == "bios_date") {
    *label = Tr(lang, Str::kInv_bios_date);
    *shown = IsoDateFromSmbios(value);
  }
  if (key == "vendor" || key == "sys_vendor") *label = Tr(lang, Str::kInv_vendor);
  if (key == "product" || key == "product_name") *label = Tr(lang, Str::kInv_product);
  if (key == "nic_name") *label = Tr(lang, Str::kInv_nic);
  if (key == "nic_wireless") *label = Tr(lang, Str::kInv_wifi);
  if (key == "ram_bytes") {
    *label = Tr(lang, Str::kColRam);
    if (number) *shown = FormatBytes(lang, v);
  } else if (key == "nic_speed_bytes") {
    *label = Tr(lang, Str::kInv_nic_speed);
    if (number) *shown = FormatMbps(lang, v * 8 / 1e6);
  } else if (key == "chassis_type") {
    *label = Tr(lang, Str::kInv_chassis);
    if (const char* n = number ? ChassisName(lang, static_cast<int>(v)) : nullptr; n) *shown = n;
  } else if (key == "wifi_signal_dbm" && number) {
    *shown = FormatMeasure(lang, v, "dbm");
  } else if (number && key.size() > 6 && key.compare(key.size() - 6, 6, "_bytes") == 0) {
    *shown = FormatBytes(lang, v);
  }
  return true;
}

}  // namespace wardwatch::console
