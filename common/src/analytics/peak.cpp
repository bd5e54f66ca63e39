// Peak-hour analysis over site WAN buckets and machine-hour rollups.
#include "wardwatch/analytics/peak.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "wardwatch/analytics/local_time.h"
#include "wardwatch/analytics/text_format.h"

namespace wardwatch::analytics {

namespace {

// Nearest-rank percentile of an unsorted vector (sorted in place).
double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

double Median(std::vector<double>& v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string HourRange(int hour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:00–%02d:00", hour, (hour + 1) % 24);
  return buf;
}

constexpr double kMinCellSamples = 3;
constexpr std::size_t kTopN = 5;

std::vector<Contributor> Top(const std::map<std::string, std::uint64_t>& m, std::uint64_t total) {
  std::vector<Contributor> v;
  for (const auto& [name, bytes] : m) {
    if (bytes > 0) v.push_back({name, bytes, 0});
  }
  std::sort(v.begin(), v.end(), [](const Contributor& a, const Contributor& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.name < b.name;
  });
  if (v.size() > kTopN) v.resize(kTopN);
  for (Contributor& c : v) {
    c.share = total > 0 ? static_cast<double>(c.bytes) / static_cast<double>(total) : 0;
  }
  return v;
}

}  // namespace

Heatmap ComputeHeatmap(const std::map<std::int64_t, SiteBucket>& buckets, const SiteConfig& c,
                       std::int64_t to) {
  Heatmap h;
  h.weeks = c.heatmap_weeks;
  h.to = to;
  h.from = to - static_cast<std::int64_t>(c.heatmap_weeks) * 7 * 86400;
  const double cap_down = c.uplink_down_mbps * 1e6 / 8 * kBucketSeconds;  // bytes per bucket
  const double cap_up = c.uplink_up_mbps * 1e6 / 8 * kBucketSeconds;
  std::array<std::vector<double>, 7 * 24> down, up, lat;
  std::vector<double> offpeak;
  for (auto it = buckets.lower_bound(h.from); it != buckets.end() && it->first < to; ++it) {
    const SiteBucket& b = it->second;
    const LocalTime t = ToLocal(b.start, c.utc_offset_minutes);
    const std::size_t i = static_cast<std::size_t>(t.weekday * 24 + t.hour);
    const double ud = b.wan_rx / cap_down, uu = b.wan_tx / cap_up;
    down[i].push_back(ud);
    up[i].push_back(uu);
    if (b.latency_count > 0) {
      const double l = b.latency_sum_seconds / b.latency_count;
      lat[i].push_back(l);
      if (ud < c.thresholds.offpeak_utilisation && uu < c.thresholds.offpeak_utilisation)
        offpeak.push_back(l);
    }
  }
  if (!offpeak.empty()) h.baseline_latency_seconds = Median(offpeak);
  for (int wd = 0; wd < 7; ++wd) {
    for (int hr = 0; hr < 24; ++hr) {
      const std::size_t i = static_cast<std::size_t>(wd * 24 + hr);
      HeatCell& cell = h.cells[i];
      cell.weekday = wd;
      cell.hour = hr;
      cell.samples = static_cast<std::uint32_t>(down[i].size());
      if (cell.samples == 0) continue;
      double sum = 0;
      for (double u : down[i]) sum += u;
      cell.mean_utilisation_down = sum / cell.samples;
      cell.p95_utilisation_down = Percentile(down[i], 0.95);
      cell.p95_utilisation_up = Percentile(up[i], 0.95);
      cell.p95_demand_down_mbps = cell.p95_utilisation_down * c.uplink_down_mbps;
      cell.p95_demand_up_mbps = cell.p95_utilisation_up * c.uplink_up_mbps;
      if (!lat[i].empty()) cell.median_latency_seconds = Median(lat[i]);
      h.peak_demand_down_mbps = std::max(h.peak_demand_down_mbps, cell.p95_demand_down_mbps);
      h.peak_demand_up_mbps = std::max(h.peak_demand_up_mbps, cell.p95_demand_up_mbps);
    }
  }
  return h;
}

std::vector<Bottleneck> FindBottlenecks(const Heatmap& h, const FleetHours& fleet,
                                        const SiteConfig& c) {
  const Thresholds& t = c.thresholds;
  std::vector<Bottleneck> out;
  std::array<int, 7 * 24> index;
  index.fill(-1);
  for (const HeatCell& cell : h.cells) {
    if (cell.samples < kMinCellSamples) continue;
    Bottleneck b;
    b.weekday = cell.weekday;
    b.hour = cell.hour;
    b.direction = cell.p95_utilisation_up > cell.p95_utilisation_down ? "up" : "down";
    b.p95_utilisation = std::max(cell.p95_utilisation_down, cell.p95_utilisation_up);
    b.by_utilisation = b.p95_utilisation >= t.bottleneck_utilisation;
    if (cell.median_latency_seconds && h.baseline_latency_seconds &&
        *h.baseline_latency_seconds > 0) {
      b.latency_seconds = cell.median_latency_seconds;
      b.latency_factor = *cell.median_latency_seconds / *h.baseline_latency_seconds;
      b.by_latency = *b.latency_factor >= t.latency_factor;
    }
    if (!b.by_utilisation && !b.by_latency) continue;
    index[static_cast<std::size_t>(cell.weekday * 24 + cell.hour)] = static_cast<int>(out.size());
    out.push_back(std::move(b));
  }
  if (out.empty()) return out;

  // Contributors: WAN bytes of every machine hour that falls in a bottleneck cell.
  struct Acc {
    std::map<std::string, std::uint64_t> machines, apps, services;
    std::uint64_t total = 0;
  };
  std::vector<Acc> acc(out.size());
  for (const auto& [id, hours] : fleet.hours) {
    auto hn = fleet.hostnames.find(id);
    const std::string& name = hn != fleet.hostnames.end() && !hn->second.empty() ? hn->second : id;
    for (const MachineHour& mh : hours) {
      if (mh.hour_start < h.from || mh.hour_start >= h.to) continue;
      const LocalTime lt = ToLocal(mh.hour_start, c.utc_offset_minutes);
      const int k = index[static_cast<std::size_t>(lt.weekday * 24 + lt.hour)];
      if (k < 0) continue;
      Acc& a = acc[static_cast<std::size_t>(k)];
      const std::uint64_t wan = mh.wan_rx + mh.wan_tx;
      a.total += wan;
      a.machines[name] += wan;
      for (const auto& [app, s] : mh.apps) {
        if (s.wan_bytes > 0) a.apps[app] += s.wan_bytes;
      }
      for (const auto& [svc, bytes] : mh.wan_hosts) a.services[svc] += bytes;
    }
  }
  for (std::size_t k = 0; k < out.size(); ++k) {
    Bottleneck& b = out[k];
    std::uint64_t app_total = 0, svc_total = 0;
    for (const auto& [n, v] : acc[k].apps) app_total += v;
    for (const auto& [n, v] : acc[k].services) svc_total += v;
    b.machines = Top(acc[k].machines, acc[k].total);
    b.apps = Top(acc[k].apps, app_total);
    b.services = Top(acc[k].services, svc_total);
    std::string why_vi, why_en;
    if (b.by_utilisation) {
      why_vi = "đường truyền dùng tới " + Num(b.p95_utilisation * 100, 0, true) + "% (p95, chiều " +
               (b.direction == "down" ? "tải xuống" : "tải lên") + ")";
      why_en = "the line runs at " + Num(b.p95_utilisation * 100, 0, false) + "% (p95, " +
               (b.direction == "down" ? "download" : "upload") + ")";
    }
    if (b.by_latency) {
      why_vi += std::string(why_vi.empty() ? "" : "; ") + "cổng dịch vụ công phản hồi " +
                Num(*b.latency_seconds, 2, true) + " s, gấp " + Num(*b.latency_factor, 1, true) +
                " lần lúc vắng";
      why_en += std::string(why_en.empty() ? "" : "; ") + "the public-service portal answers in " +
                Num(*b.latency_seconds, 2, false) + " s, " + Num(*b.latency_factor, 1, false) +
                "× its off-peak time";
    }
    std::string top_vi, top_en;
    if (!b.apps.empty()) {
      top_vi = "; dùng nhiều nhất: " + b.apps[0].name + " (" + Num(b.apps[0].share * 100, 0, true) +
               "%)";
      top_en = "; top application: " + b.apps[0].name + " (" +
               Num(b.apps[0].share * 100, 0, false) + "%)";
    }
    b.text_vi =
        std::string(WeekdayNameVi(b.weekday)) + " " + HourRange(b.hour) + ": " + why_vi + top_vi;
    b.text_en =
        std::string(WeekdayNameEn(b.weekday)) + " " + HourRange(b.hour) + ": " + why_en + top_en;
  }
  return out;
}

BandwidthVerdict DecideBandwidth(const Heatmap& h, const std::vector<Bottleneck>& bottlenecks,
                                 const std::vector<MachineInventory>& inventories,
                                 const std::map<std::string, UsageSummary>& usage,
                                 const SiteConfig& c) {
  const Thresholds& t = c.thresholds;
  BandwidthVerdict v;
  v.current_mbps = c.uplink_down_mbps;
  std::uint32_t samples = 0;
  for (const HeatCell& cell : h.cells) samples += cell.samples;
  // LAN-side suspects: slow wired NICs that run near their own link speed, weak Wi-Fi, and a
  // LAN speed test that measured less than a healthy 100 Mb/s link gives.
  for (const MachineInventory& m : inventories) {
    auto u = usage.find(m.machine_id);
    const bool busy_nic = u != usage.end() && u->second.nic_busy_share >= 0.05;
    const bool slow = m.nic_speed_bytes && !m.nic_wireless &&
                      static_cast<double>(*m.nic_speed_bytes) <= t.slow_nic_bytes_per_second;
    const bool weak = m.nic_wireless && m.wifi_signal_dbm && *m.wifi_signal_dbm <= t.weak_wifi_dbm;
    if ((slow && busy_nic) || weak || SlowLan(m, t))
      v.lan_side_machines.push_back(m.hostname.empty() ? m.machine_id : m.hostname);
  }
  std::sort(v.lan_side_machines.begin(), v.lan_side_machines.end());
  if (samples == 0) {
    v.kind = "no_data";
    v.text_vi = "Chưa đủ dữ liệu về đường truyền để kết luận";
    v.text_en = "Not enough network data yet to decide";
    return v;
  }
  const double ud = h.peak_demand_down_mbps / c.uplink_down_mbps;
  const double uu = h.peak_demand_up_mbps / c.uplink_up_mbps;
  const bool up_dir = uu > ud;
  v.peak_demand_mbps = up_dir ? h.peak_demand_up_mbps : h.peak_demand_down_mbps;
  v.current_mbps = up_dir ? c.uplink_up_mbps : c.uplink_down_mbps;
  v.required_mbps = v.peak_demand_mbps / t.target_utilisation;
  const bool saturated = std::any_of(bottlenecks.begin(), bottlenecks.end(),
                                     [](const Bottleneck& b) { return b.by_utilisation; });
  if (saturated) {
    v.kind = "upgrade_plan";
    for (const BandwidthPlan& p : c.plans) {
      const double cap = up_dir ? p.up_mbps : p.down_mbps;
      if (cap >= v.required_mbps && cap > v.current_mbps) {
        v.plan = p;
        break;
      }
    }
    if (!v.plan && !c.plans.empty()) v.plan = c.plans.back();
    const std::string plan = v.plan ? v.plan->name : "?";
    const std::int64_t cost = v.plan ? v.plan->monthly_vnd : 0;
    v.text_vi = "Giờ cao điểm, nhu cầu lên tới " + Num(v.peak_demand_mbps, 0, true) +
                " Mb/s trên đường truyền " + Num(v.current_mbps, 0, true) + " Mb/s. Để chỉ dùng " +
                Num(t.target_utilisation * 100, 0, true) + "% cần " +
                Num(v.required_mbps, 0, true) + " Mb/s: đề nghị nâng lên gói " + plan +
                " (ước tính " + FormatVnd(cost, true) + "/tháng)";
    v.text_en = "At peak hours demand reaches " + Num(v.peak_demand_mbps, 0, false) +
                " Mb/s on a " + Num(v.current_mbps, 0, false) + " Mb/s line. To run at " +
                Num(t.target_utilisation * 100, 0, false) + "% it needs " +
                Num(v.required_mbps, 0, false) + " Mb/s: upgrade to the " + plan + " plan (about " +
                FormatVnd(cost, false) + " a month)";
    if (!v.lan_side_machines.empty()) {
      const std::size_t n = v.lan_side_machines.size();
      v.text_vi += "; ngoài ra " + GroupThousands(n, true) +
                   " máy bị giới hạn bởi card mạng/Wi-Fi của chính nó";
      v.text_en += "; besides, " + GroupThousands(n, false) +
                   (n == 1 ? " PC is held back by its own network card or Wi-Fi"
                           : " PCs are held back by their own network card or Wi-Fi");
    }
  } else if (!v.lan_side_machines.empty()) {
    v.kind = "lan_side";
    std::string names;
    for (const std::string& n : v.lan_side_machines) names += (names.empty() ? "" : ", ") + n;
    v.text_vi = "Tăng băng thông sẽ không giúp được: đường truyền chỉ dùng tới " +
                Num(std::max(ud, uu) * 100, 0, true) +
                "% lúc cao điểm; vấn đề nằm ở card mạng/Wi-Fi của các máy: " + names;
    v.text_en = "More bandwidth will not help: the line peaks at " +
                Num(std::max(ud, uu) * 100, 0, false) +
                "%; these PCs' network cards/Wi-Fi are the problem: " + names;
  } else {
    v.kind = "sufficient";
    v.text_vi =
        "Đường truyền hiện tại đủ dùng: cao điểm " + Num(std::max(ud, uu) * 100, 0, true) + "%";
    v.text_en = "The current line is sufficient: it peaks at " +
                Num(std::max(ud, uu) * 100, 0, false) + "%";
  }
  return v;
}

nlohmann::json HeatmapToJson(const Heatmap& h) {
  nlohmann::json cells = nlohmann::json::array();
  for (const HeatCell& c : h.cells) {
    cells.push_back({{"weekday", c.weekday},
                     {"hour", c.hour},
                     {"samples", c.samples},
                     {"p95_utilisation_down", c.p95_utilisation_down},
                     {"p95_utilisation_up", c.p95_utilisation_up},
                     {"p95_demand_down_mbps", c.p95_demand_down_mbps},
                     {"p95_demand_up_mbps", c.p95_demand_up_mbps},
                     {"mean_utilisation_down", c.mean_utilisation_down},
                     {"median_latency_seconds", c.median_latency_seconds
                                                    ? nlohmann::json(*c.median_latency_seconds)
                                                    : nlohmann::json(nullptr)}});
  }
  return {{"from", h.from},
          {"to", h.to},
          {"weeks", h.weeks},
          {"baseline_latency_seconds", h.baseline_latency_seconds
                                           ? nlohmann::json(*h.baseline_latency_seconds)
                                           : nlohmann::json(nullptr)},
          {"peak_demand_down_mbps", h.peak_demand_down_mbps},
          {"peak_demand_up_mbps", h.peak_demand_up_mbps},
          {"cells", cells}};
}

static nlohmann::json ContributorsToJson(const std::vector<Contributor>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const Contributor& c : v)
    a.push_back({{"name", c.name}, {"bytes", c.bytes}, {"share", c.share}});
  return a;
}

nlohmann::json BottleneckToJson(const Bottleneck& b) {
  auto opt = [](const std::optional<double>& o) {
    return o ? nlohmann::json(*o) : nlohmann::json(nullptr);
  };
  return {{"weekday", b.weekday},
          {"hour", b.hour},
          {"p95_utilisation", b.p95_utilisation},
          {"direction", b.direction},
          {"latency_seconds", opt(b.latency_seconds)},
          {"latency_factor", opt(b.latency_factor)},
          {"by_utilisation", b.by_utilisation},
          {"by_latency", b.by_latency},
          {"machines", ContributorsToJson(b.machines)},
          {"apps", ContributorsToJson(b.apps)},
          {"services", ContributorsToJson(b.services)},
          {"text_vi", b.text_vi},
          {"text_en", b.text_en}};
}

nlohmann::json VerdictToJson(const BandwidthVerdict& v) {
  nlohmann::json plan = nullptr;
  if (v.plan) {
    plan = {{"name", v.plan->name},
            {"down_mbps", v.plan->down_mbps},
            {"up_mbps", v.plan->up_mbps},
            {"monthly_vnd", v.plan->monthly_vnd}};
  }
  return {{"kind", v.kind},
          {"peak_demand_mbps", v.peak_demand_mbps},
          {"required_mbps", v.required_mbps},
          {"current_mbps", v.current_mbps},
          {"plan", plan},
          {"lan_side_machines", v.lan_side_machines},
          {"text_vi", v.text_vi},
          {"text_en", v.text_en}};
}

}  // namespace wardwatch::analytics
