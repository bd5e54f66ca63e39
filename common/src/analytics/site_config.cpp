// Reads and writes site.json: every key optional, unknown keys refused by name.
#include "wardwatch/analytics/site_config.h"

#include <cstdio>
#include <set>

#include "wardwatch/json_decode.h"

namespace wardwatch::analytics {

namespace {

using nlohmann::json;

class Reader {
 public:
  std::string error;
  bool ok() const { return error.empty(); }

  void Fail(const std::string& path, const std::string& what) {
    if (error.empty()) error = path.empty() ? what : path + ": " + what;
  }
  void CheckKeys(const json& o, const std::string& path, const std::set<std::string>& known) {
    if (!o.is_object()) return Fail(path, "expected an object");
    for (auto it = o.begin(); it != o.end(); ++it) {
      if (!known.count(it.key())) {
        Fail(path.empty() ? it.key() : path + "." + it.key(), "unknown key");
      }
    }
  }
  template <typename T>
  void Num(const json& o, const std::string& path, const char* key, T& out, double lo, double hi) {
    if (!ok() || !o.contains(key)) return;
    const json& v = o[key];
    const std::string p = path.empty() ? key : path + "." + key;
    if (!v.is_number()) return Fail(p, "expected a number, got " + wardwatch::json::Describe(v));
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi)) {
      char buf[128];
      std::snprintf(buf, sizeof buf, "%g is out of range [%g, %g]", d, lo, hi);
      return Fail(p, buf);
    }
    out = static_cast<T>(d);
  }
  void Str(const json& o, const std::string& path, const char* key, std::string& out) {
    if (!ok() || !o.contains(key)) return;
    const std::string p = path.empty() ? key : path + "." + key;
    if (!o[key].is_string()) return Fail(p, "expected a string");
    out = o[key].get<std::string>();
    if (out.size() > 256) Fail(p, "longer than 256 bytes");
  }
};

bool ParseHhMm(const std::string& s, int& minute) {
  int h = 0, m = 0;
  char tail = 0;
  if (s.size() != 5 || s[2] != ':' || std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2)
    return false;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return false;
  minute = h * 60 + m;
  return true;
}

std::string HhMm(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 100, minute % 60);
  return buf;
}

const char* kDayKeys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace

Result<SiteConfig> ParseSiteConfig(std::string_view text) {
  auto parsed = wardwatch::json::Parse(text);
  if (!parsed) return MakeError("site config: " + parsed.error());
  const json& j = *parsed;
  SiteConfig c;
  Reader r;
  r.CheckKeys(j, "",
              {"office_name", "utc_offset_minutes", "office_hours", "workdays", "uplink_down_mbps",
               "uplink_up_mbps", "office_subnets", "portal_probe", "heatmap_weeks",
               "usage_window_days", "prices", "plans", "thresholds"});
  r.Str(j, "", "office_name", c.office_name);
  r.Num(j, "", "utc_offset_minutes", c.utc_offset_minutes, -14 * 60, 14 * 60);
  r.Num(j, "", "uplink_down_mbps", c.uplink_down_mbps, 0.1, 100000);
  r.Num(j, "", "uplink_up_mbps", c.uplink_up_mbps, 0.1, 100000);
  r.Str(j, "", "portal_probe", c.portal_probe);
  r.Num(j, "", "heatmap_weeks", c.heatmap_weeks, 1, 52);
  r.Num(j, "", "usage_window_days", c.usage_window_days, 1, 400);
  if (r.ok() && j.contains("office_hours")) {
    const json& oh = j["office_hours"];
    if (!oh.is_array() || oh.empty() || oh.size() > 8) {
      r.Fail("office_hours", "expected 1-8 spans like [\"07:30\", \"11:30\"]");
    } else {
      c.office.spans.clear();
      for (std::size_t i = 0; i < oh.size() && r.ok(); ++i) {
        const std::string p = "office_hours[" + std::to_string(i) + "]";
        TimeSpan s;
        if (!oh[i].is_array() || oh[i].size() != 2 || !oh[i][0].is_string() ||
            !oh[i][1].is_string() || !ParseHhMm(oh[i][0].get<std::string>(), s.begin_minute) ||
            !ParseHhMm(oh[i][1].get<std::string>(), s.end_minute)) {
          r.Fail(p, "expected [\"HH:MM\", \"HH:MM\"]");
        } else if (s.end_minute <= s.begin_minute) {
          r.Fail(p, "end is not after begin");
        } else {
          c.office.spans.push_back(s);
        }
      }
    }
  }
  if (r.ok() && j.contains("workdays")) {
    const json& wd = j["workdays"];
    c.office.workdays.fill(false);
    if (!wd.is_array()) r.Fail("workdays", "expected a list like [\"mon\", \"tue\"]");
    for (std::size_t i = 0; r.ok() && wd.is_array() && i < wd.size(); ++i) {
      bool found = false;
      for (int d = 0; d < 7; ++d) {
        if (wd[i].is_string() && wd[i].get<std::string>() == kDayKeys[d]) {
          c.office.workdays[static_cast<std::size_t>(d)] = true;
          found = true;
        }
      }
      if (!found) r.Fail("workdays[" + std::to_string(i) + "]", "expected mon..sun");
    }
  }
  if (r.ok() && j.contains("office_subnets")) {
    const json& s = j["office_subnets"];
    if (!s.is_array() || s.size() > 64) r.Fail("office_subnets", "expected a list of CIDRs");
    for (std::size_t i = 0; r.ok() && i < s.size(); ++i) {
      if (!s[i].is_string() || s[i].get<std::string>().find('/') == std::string::npos) {
        r.Fail("office_subnets[" + std::to_string(i) + "]", "expected a CIDR like 10.0.0.0/24");
      } else {
        c.office_subnets.push_back(s[i].get<std::string>());
      }
    }
  }
  if (r.ok() && j.contains("prices")) {
    const json& p = j["prices"];
    r.CheckKeys(p, "prices",
                {"new_desktop_vnd", "new_laptop_vnd", "ssd_vnd", "ram_vnd", "battery_vnd",
                 "nic_vnd", "os_upgrade_vnd"});
    const double hi = 1e12;
    r.Num(p, "prices", "new_desktop_vnd", c.prices.new_desktop_vnd, 0, hi);
    r.Num(p, "prices", "new_laptop_vnd", c.prices.new_laptop_vnd, 0, hi);
    r.Num(p, "prices", "ssd_vnd", c.prices.ssd_vnd, 0, hi);
    r.Num(p, "prices", "ram_vnd", c.prices.ram_vnd, 0, hi);
    r.Num(p, "prices", "battery_vnd", c.prices.battery_vnd, 0, hi);
    r.Num(p, "prices", "nic_vnd", c.prices.nic_vnd, 0, hi);
    r.Num(p, "prices", "os_upgrade_vnd", c.prices.os_upgrade_vnd, 0, hi);
  }
  if (r.ok() && j.contains("plans")) {
    const json& pl = j["plans"];
    if (!pl.is_array() || pl.empty() || pl.size() > 32) {
      r.Fail("plans", "expected 1-32 plans");
    } else {
      c.plans.clear();
      for (std::size_t i = 0; i < pl.size() && r.ok(); ++i) {
        const std::string p = "plans[" + std::to_string(i) + "]";
        r.CheckKeys(pl[i], p, {"name", "down_mbps", "up_mbps", "monthly_vnd"});
        BandwidthPlan b;
        r.Str(pl[i], p, "name", b.name);
        r.Num(pl[i], p, "down_mbps", b.down_mbps, 0.1, 100000);
        b.up_mbps = b.down_mbps;
        r.Num(pl[i], p, "up_mbps", b.up_mbps, 0.1, 100000);
        r.Num(pl[i], p, "monthly_vnd", b.monthly_vnd, 0, 1e12);
        if (r.ok() && b.down_mbps <= 0) r.Fail(p + ".down_mbps", "required");
        if (b.name.empty()) b.name = std::to_string(static_cast<int>(b.down_mbps)) + " Mb/s";
        c.plans.push_back(b);
      }
    }
  }
  if (r.ok() && j.contains("thresholds")) {
    const json& t = j["thresholds"];
    Thresholds& th = c.thresholds;
    r.CheckKeys(t, "thresholds", {"old_age_years",          "middle_age_years",
                                  "low_ram_bytes",          "memory_pressure_ratio",
                                  "swap_in_pages_per_hour", "hard_fault_reads_per_hour",
                                  "cpu_saturated_share",    "cpu_saturated_busy",
                                  "io_pressure_ratio",      "battery_wear_ratio",
                                  "nvme_used_percent",      "slow_nic_bytes_per_second",
                                  "weak_wifi_dbm",          "slow_lan_bytes_per_second",
                                  "os_eol_warning_days",    "replace_score",
                                  "replace_residual_score", "watch_score",
                                  "bottleneck_utilisation", "latency_factor",
                                  "target_utilisation",     "offpeak_utilisation",
                                  "lan_nic_busy_ratio"});
    const char* k = "thresholds";
    r.Num(t, k, "old_age_years", th.old_age_years, 1, 50);
    r.Num(t, k, "middle_age_years", th.middle_age_years, 1, 50);
    r.Num(t, k, "low_ram_bytes", th.low_ram_bytes, 0, 1e13);
    r.Num(t, k, "memory_pressure_ratio", th.memory_pressure_ratio, 0, 1);
    r.Num(t, k, "swap_in_pages_per_hour", th.swap_in_pages_per_hour, 0, 1e12);
    r.Num(t, k, "hard_fault_reads_per_hour", th.hard_fault_reads_per_hour, 0, 1e12);
    r.Num(t, k, "cpu_saturated_share", th.cpu_saturated_share, 0, 1);
    r.Num(t, k, "cpu_saturated_busy", th.cpu_saturated_busy, 0, 1);
    r.Num(t, k, "io_pressure_ratio", th.io_pressure_ratio, 0, 1);
    r.Num(t, k, "battery_wear_ratio", th.battery_wear_ratio, 0, 1);
    r.Num(t, k, "nvme_used_percent", th.nvme_used_percent, 0, 255);
    r.Num(t, k, "slow_nic_bytes_per_second", th.slow_nic_bytes_per_second, 0, 1e12);
    r.Num(t, k, "weak_wifi_dbm", th.weak_wifi_dbm, -120, 0);
    r.Num(t, k, "slow_lan_bytes_per_second", th.slow_lan_bytes_per_second, 0, 1e12);
    r.Num(t, k, "os_eol_warning_days", th.os_eol_warning_days, 0, 3650);
    r.Num(t, k, "replace_score", th.replace_score, 1, 100);
    r.Num(t, k, "replace_residual_score", th.replace_residual_score, 0, 100);
    r.Num(t, k, "watch_score", th.watch_score, 1, 100);
    r.Num(t, k, "bottleneck_utilisation", th.bottleneck_utilisation, 0.01, 1);
    r.Num(t, k, "latency_factor", th.latency_factor, 1, 100);
    r.Num(t, k, "target_utilisation", th.target_utilisation, 0.05, 1);
    r.Num(t, k, "offpeak_utilisation", th.offpeak_utilisation, 0.01, 1);
    r.Num(t, k, "lan_nic_busy_ratio", th.lan_nic_busy_ratio, 0.01, 1);
    if (r.ok() && th.middle_age_years > th.old_age_years)
      r.Fail("thresholds.middle_age_years", "greater than old_age_years");
    if (r.ok() && th.watch_score >= th.replace_score)
      r.Fail("thresholds.watch_score", "not below replace_score");
    if (r.ok() && th.replace_residual_score > th.replace_score)
      r.Fail("thresholds.replace_residual_score", "greater than replace_score");
  }
  if (!r.ok()) return MakeError("site config: " + r.error);
  return c;
}

nlohmann::json SiteConfigToJson(const SiteConfig& c) {
  json spans = json::array();
  for (const TimeSpan& s : c.office.spans)
    spans.push_back({HhMm(s.begin_minute), HhMm(s.end_minute)});
  json days = json::array();
  for (int d = 0; d < 7; ++d) {
    if (c.office.workdays[static_cast<std::size_t>(d)]) days.push_back(kDayKeys[d]);
  }
  json plans = json::array();
  for (const BandwidthPlan& p : c.plans) {
    plans.push_back({{"name", p.name},
                     {"down_mbps", p.down_mbps},
                     {"up_mbps", p.up_mbps},
                     {"monthly_vnd", p.monthly_vnd}});
  }
  const Thresholds& t = c.thresholds;
  return {{"office_name", c.office_name},
          {"utc_offset_minutes", c.utc_offset_minutes},
          {"office_hours", spans},
          {"workdays", days},
          {"uplink_down_mbps", c.uplink_down_mbps},
          {"uplink_up_mbps", c.uplink_up_mbps},
          {"office_subnets", c.office_subnets},
          {"portal_probe", c.portal_probe},
          {"heatmap_weeks", c.heatmap_weeks},
          {"usage_window_days", c.usage_window_days},
          {"prices",
           {{"new_desktop_vnd", c.prices.new_desktop_vnd},
            {"new_laptop_vnd", c.prices.new_laptop_vnd},
            {"ssd_vnd", c.prices.ssd_vnd},
            {"ram_vnd", c.prices.ram_vnd},
            {"battery_vnd", c.prices.battery_vnd},
            {"nic_vnd", c.prices.nic_vnd},
            {"os_upgrade_vnd", c.prices.os_upgrade_vnd}}},
          {"plans", plans},
          {"thresholds",
           {{"old_age_years", t.old_age_years},
            {"middle_age_years", t.middle_age_years},
            {"low_ram_bytes", t.low_ram_bytes},
            {"memory_pressure_ratio", t.memory_pressure_ratio},
            {"swap_in_pages_per_hour", t.swap_in_pages_per_hour},
            {"hard_fault_reads_per_hour", t.hard_fault_reads_per_hour},
            {"cpu_saturated_share", t.cpu_saturated_share},
            {"cpu_saturated_busy", t.cpu_saturated_busy},
            {"io_pressure_ratio", t.io_pressure_ratio},
            {"battery_wear_ratio", t.battery_wear_ratio},
            {"nvme_used_percent", t.nvme_used_percent},
            {"slow_nic_bytes_per_second", t.slow_nic_bytes_per_second},
            {"weak_wifi_dbm", t.weak_wifi_dbm},
            {"slow_lan_bytes_per_second", t.slow_lan_bytes_per_second},
            {"os_eol_warning_days", t.os_eol_warning_days},
            {"replace_score", t.replace_score},
            {"replace_residual_score", t.replace_residual_score},
            {"watch_score", t.watch_score},
            {"bottleneck_utilisation", t.bottleneck_utilisation},
            {"latency_factor", t.latency_factor},
            {"target_utilisation", t.target_utilisation},
            {"offpeak_utilisation", t.offpeak_utilisation},
            {"lan_nic_busy_ratio", t.lan_nic_busy_ratio}}}};
}

}  // namespace wardwatch::analytics
