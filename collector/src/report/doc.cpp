// Builds the report's document (headings, paragraphs, tables, charts) from the model; HTML
// and PDF draw the same document.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/report.h"
#include "wardwatch/analytics/local_time.h"
#include "wardwatch/analytics/os_support.h"
#include "wardwatch/analytics/text_format.h"

namespace wardwatch::collector::report {

namespace an = wardwatch::analytics;

namespace {

std::string Fmt(std::string_view tpl, std::initializer_list<std::string> args) {
  std::string out;
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '%' && i + 1 < tpl.size() && tpl[i + 1] >= '1' && tpl[i + 1] <= '9') {
      const std::size_t k = static_cast<std::size_t>(tpl[i + 1] - '1');
      if (k < args.size()) out += *(args.begin() + k);
      ++i;
    } else {
      out.push_back(tpl[i]);
    }
  }
  return out;
}

using an::Num;

// The report writes "45 %", with a space, as both languages' style guides ask.
std::string Pct(double ratio, bool vi) { return Num(ratio * 100, 0, vi) + " %"; }

// A count (never negative): 1.000 máy / 1,000 PCs.
template <typename N>
std::string Count(N n, bool vi) {
  return an::GroupThousands(static_cast<std::uint64_t>(n), vi);
}

std::string Date(std::int64_t t, int off, bool vi) {
  const an::LocalTime l = an::ToLocal(t, off);
  char buf[32];
  if (vi) {
    std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", l.mday, l.month, l.year);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", l.year, l.month, l.mday);
  }
  return buf;
}

std::string RecName(bool vi, an::Recommendation r) {
  return std::string(T(vi, std::string("rec_") + an::RecommendationName(r)));
}

std::string Actions(bool vi, const std::vector<std::string>& actions) {
  std::string s;
  for (const auto& a : actions) {
    if (!s.empty()) s += ", ";
    const std::string_view t = T(vi, "a_" + a);
    s += t.starts_with("?") ? a : std::string(t);
  }
  return s;
}

std::string Evidence(bool vi, const an::AgingResult& a) {
  std::string s;
  for (const an::Evidence& e : a.evidence) {
    if (e.points <= 0) continue;
    if (!s.empty()) s += "; ";
    s += vi ? e.text_vi : e.text_en;
  }
  return s.empty() ? (vi ? a.summary_vi : a.summary_en) : s;
}

Block H1(std::string_view t) {
  Block b;
  b.kind = Block::kH1;
  b.text = t;
  return b;
}
Block Para(std::string t, Block::Kind k = Block::kPara) {
  Block b;
  b.kind = k;
  b.text = std::move(t);
  return b;
}

}  // namespace

void HeatColour(double v, double mark, double rgb[3]) {
  static const double kNone[3] = {0.85, 0.85, 0.85}, kLow[3] = {0.95, 0.97, 0.99},
                      kMid[3] = {0.99, 0.72, 0.32}, kHigh[3] = {0.70, 0.10, 0.10};
  if (v < 0) {
    for (int i = 0; i < 3; ++i) rgb[i] = kNone[i];
    return;
  }
  const double t = std::clamp(v / mark, 0.0, 1.0);
  for (int i = 0; i < 3; ++i) rgb[i] = v >= mark ? kHigh[i] : kLow[i] + (kMid[i] - kLow[i]) * t;
}

Doc BuildDoc(const Model& m) {
  const bool vi = m.vi;
  const int off = m.site.utc_offset_minutes;
  const an::Findings& f = m.findings;
  Doc d;
  d.vi = vi;
  d.office = m.office;
  {
    const an::LocalTime l = an::ToLocal(m.now, off);
    static const char* kMonths[] = {"January",   "February", "March",    "April",
                                    "May",       "June",     "July",     "August",
                                    "September", "October",  "November", "December"};
    char buf[128];
    if (vi) {
      std::snprintf(buf, sizeof buf, ", ngày %02d tháng %02d năm %04d", l.mday, l.month, l.year);
    } else {
      std::snprintf(buf, sizeof buf, ", %d %s %04d", l.mday, kMonths[(l.month + 11) % 12], l.year);
    }
    d.date_line = std::string(T(vi, "place")) + buf;
  }
  d.title = T(vi, "title");
  d.subtitle = T(vi, "subtitle");
  d.period = Fmt(T(vi, "period"), {Date(m.from, off, vi), Date(m.to - 1, off, vi)});

  std::map<std::string, const an::AgingResult*> by_id;
  for (const auto& a : f.machines) by_id[a.machine_id] = &a;
  auto host = [&](const std::string& id) {
    auto it = by_id.find(id);
    return it != by_id.end() ? it->second->hostname : id;
  };
  int n_replace = 0, n_upgrade = 0;
  std::int64_t upgrade_cost = 0;
  for (const auto& id : f.replace_first) {
    const auto* a = by_id[id];
    if (a->recommendation == an::Recommendation::kReplace) ++n_replace;
    if (a->recommendation == an::Recommendation::kUpgrade) {
      ++n_upgrade;
      upgrade_cost += a->cost_vnd;
    }
  }
  auto& B = d.blocks;

  // I. Summary.
  B.push_back(H1(T(vi, "s_summary")));
  B.push_back(Para(Fmt(T(vi, "sum_fleet"), {Count(f.machines.size(), vi)})));
  B.push_back(Para(Fmt(T(vi, "sum_replace"), {Count(n_replace, vi)}), Block::kBullet));
  B.push_back(Para(Fmt(T(vi, "sum_upgrade"), {Count(n_upgrade, vi)}), Block::kBullet));
  B.push_back(Para(Fmt(T(vi, "sum_cost"), {an::FormatVnd(f.total_cost_vnd, vi)}), Block::kBullet));
  B.push_back(
      Para(Fmt(T(vi, "sum_line"), {vi ? f.verdict.text_vi : f.verdict.text_en}), Block::kBullet));
  if (f.verdict.plan) {
    B.push_back(Para(Fmt(T(vi, "sum_line_cost"),
                         {f.verdict.plan->name, an::FormatVnd(f.verdict.plan->monthly_vnd, vi),
                          Num(f.verdict.current_mbps, 0, vi)}),
                     Block::kBullet));
  }
  B.push_back(Para(std::string(T(vi, "effect"))));
  B.push_back(Para(std::string(T(vi, "if_nothing"))));
  B.push_back(Para(std::string(T(vi, "no_claim"))));

  // II. Replace-first ranking.
  B.push_back(H1(T(vi, "s_replace")));
  if (f.replace_first.empty()) {
    B.push_back(Para(std::string(T(vi, "none_replace"))));
  } else {
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_rank")),     std::string(T(vi, "c_machine")),
                    std::string(T(vi, "c_score")),    std::string(T(vi, "c_rec")),
                    std::string(T(vi, "c_evidence")), std::string(T(vi, "c_cost"))};
    t.table.widths = {0.05, 0.18, 0.07, 0.14, 0.42, 0.14};
    t.table.right = {true, false, true, false, false, true};
    int rank = 0;
    for (const auto& id : f.replace_first) {
      const auto* a = by_id[id];
      std::string rec = RecName(vi, a->recommendation);
      if (a->recommendation == an::Recommendation::kUpgrade) rec += ": " + Actions(vi, a->actions);
      t.table.rows.push_back({std::to_string(++rank), a->hostname, std::to_string(a->score), rec,
                              Evidence(vi, *a), an::FormatVnd(a->cost_vnd, vi)});
    }
    B.push_back(std::move(t));
    B.push_back(Para(Fmt(T(vi, "replace_total"), {an::FormatVnd(f.total_cost_vnd, vi)})));
  }

  // III. Upgrade in place.
  B.push_back(H1(T(vi, "s_upgrade")));
  if (n_upgrade == 0) {
    B.push_back(Para(std::string(T(vi, "none_upgrade"))));
  } else {
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_machine")), std::string(T(vi, "c_actions")),
                    std::string(T(vi, "c_ram")), std::string(T(vi, "c_disk")),
                    std::string(T(vi, "c_cost"))};
    t.table.widths = {0.18, 0.30, 0.10, 0.24, 0.18};
    t.table.right = {false, false, true, false, true};
    for (const auto& id : f.replace_first) {
      const auto* a = by_id[id];
      if (a->recommendation != an::Recommendation::kUpgrade) continue;
      const auto& inv = m.inventory.at(id);
      std::string disk =
          inv.has_boot_disk ? (inv.disk_rotational ? "HDD " : "SSD ") +
                                  Num(static_cast<double>(inv.disk_size_bytes) / 1e9, 0, vi) + " GB"
                            : "-";
      t.table.rows.push_back(
          {a->hostname, Actions(vi, a->actions),
           Num(static_cast<double>(inv.ram_bytes) / (1024.0 * 1024 * 1024), 1, vi), disk,
           an::FormatVnd(a->cost_vnd, vi)});
    }
    B.push_back(std::move(t));
    B.push_back(Para(Fmt(T(vi, "upgrade_total"), {an::FormatVnd(upgrade_cost, vi)})));
  }

  // IV. Fleet charts: age distribution, office-hour CPU saturation.
  B.push_back(H1(T(vi, "s_fleet")));
  {
    Block age;
    age.kind = Block::kBars;
    age.text = T(vi, "chart_age");
    const char* keys[] = {"age_lt3", "age_3_5", "age_5_8", "age_ge8", "age_unknown"};
    double counts[5] = {0, 0, 0, 0, 0};
    for (const auto& a : f.machines) {
      const int k = !a.age_years       ? 4
                    : *a.age_years < 3 ? 0
                    : *a.age_years < 5 ? 1
                    : *a.age_years < 8 ? 2
                                       : 3;
      counts[k] += 1;
    }
    for (int k = 0; k < 5; ++k) {
      age.bars.push_back({std::string(T(vi, keys[k])), counts[k]});
      age.bar_max = std::max(age.bar_max, counts[k]);
    }
    B.push_back(std::move(age));
    Block cpu;
    cpu.kind = Block::kBars;
    cpu.percent = true;
    cpu.text = T(vi, "chart_cpu");
    std::vector<std::pair<double, std::string>> v;
    for (const auto& [id, u] : f.usage) v.push_back({u.cpu_saturated_share, host(id)});
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (v.size() > 20) v.resize(20);
    cpu.bar_max = std::max(0.5, v.empty() ? 0.0 : v.front().first);
    cpu.bar_mark = m.site.thresholds.cpu_saturated_share;
    for (const auto& [share, name] : v) cpu.bars.push_back({name, share});
    B.push_back(std::move(cpu));
  }

  // V. Bandwidth.
  B.push_back(H1(T(vi, "s_bandwidth")));
  B.push_back(Para(vi ? f.verdict.text_vi : f.verdict.text_en));
  {
    Block h;
    h.kind = Block::kHeatmap;
    h.text = T(vi, "chart_heat");
    h.heat_mark = m.site.thresholds.bottleneck_utilisation;
    for (std::size_t i = 0; i < 168; ++i) {
      const an::HeatCell& c = f.heatmap.cells[i];
      h.heat[i] = c.samples == 0 ? -1 : std::max(c.p95_utilisation_down, c.p95_utilisation_up);
    }
    B.push_back(std::move(h));
  }
  if (f.bottlenecks.empty()) {
    B.push_back(Para(std::string(T(vi, "none_bottleneck"))));
  } else {
    B.push_back(Para(Fmt(T(vi, "bn_intro"), {Pct(m.site.thresholds.bottleneck_utilisation, vi)})));
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_hour")), std::string(T(vi, "c_util")),
                    std::string(T(vi, "c_latency")), std::string(T(vi, "c_causes"))};
    t.table.widths = {0.20, 0.13, 0.14, 0.53};
    t.table.right = {false, true, true, false};
    for (const an::Bottleneck& b : f.bottlenecks) {
      char hr[32];
      std::snprintf(hr, sizeof hr, " %02d:00-%02d:00", b.hour, b.hour + 1);
      auto list = [&](const std::vector<an::Contributor>& cs) {
        std::string out;
        for (std::size_t i = 0; i < cs.size() && i < 3; ++i)
          out += (out.empty() ? "" : ", ") + cs[i].name + " " + Pct(cs[i].share, vi);
        return out;
      };
      // Applications and machines on their own lines, each labelled.
      std::string causes;
      if (const std::string apps = list(b.apps); !apps.empty())
        causes = Fmt(T(vi, "causes_apps"), {apps});
      if (const std::string who = list(b.machines); !who.empty())
        causes += (causes.empty() ? "" : "\n") + Fmt(T(vi, "causes_pcs"), {who});
      std::string lat = "-";
      if (b.latency_factor) lat = "×" + Num(*b.latency_factor, 1, vi);
      t.table.rows.push_back(
          {std::string(vi ? an::WeekdayNameVi(b.weekday) : an::WeekdayNameEn(b.weekday)) + hr,
           Pct(b.p95_utilisation, vi) + (b.direction == "up" ? " ↑" : " ↓"), lat, causes});
    }
    B.push_back(std::move(t));
  }
  if (f.verdict.plan) {
    B.push_back(Para(Fmt(T(vi, "bw_plan"), {f.verdict.plan->name + " (" +
                                            an::FormatVnd(f.verdict.plan->monthly_vnd, vi) +
                                            (vi ? "/tháng)" : "/month)")})));
  }

  // VI. Operating systems out of support.
  B.push_back(H1(T(vi, "s_os")));
  {
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_machine")), std::string(T(vi, "c_os")),
                    std::string(T(vi, "c_os_end"))};
    t.table.widths = {0.25, 0.50, 0.25};
    t.table.right = {false, false, false};
    for (const auto& a : f.machines) {
      if (std::find(a.flags.begin(), a.flags.end(), "os_eol") == a.flags.end()) continue;
      const auto& inv = m.inventory.at(a.machine_id);
      auto s = an::LookupOsSupport(inv.os_id, inv.os_version);
      std::string end = "-";
      if (s) {
        int y = 0, mo = 0, dd = 0;
        end = an::ParseDate(s->end_date, y, mo, dd)
                  ? Date(an::LocalMidnight(y, mo, dd, off), off, vi)
                  : s->end_date;
      }
      t.table.rows.push_back(
          {a.hostname, inv.os_pretty.empty() ? (s ? s->name : inv.os_id) : inv.os_pretty, end});
    }
    std::sort(t.table.rows.begin(), t.table.rows.end());
    if (t.table.rows.empty()) {
      B.push_back(Para(std::string(T(vi, "none_os"))));
    } else {
      B.push_back(std::move(t));
    }
  }

  // VII. Data coverage.
  B.push_back(H1(T(vi, "s_coverage")));
  {
    int good = 0, gappy = 0;
    std::vector<const Coverage*> incomplete;
    for (const auto& c : m.coverage) {
      const bool ok =
          c.office_days_total == 0 || c.office_days_reported * 10 >= c.office_days_total * 9;
      if (ok) ++good;
      if (c.longest_gap_days >= 3) ++gappy;
      if (c.office_days_reported < c.office_days_total) incomplete.push_back(&c);
    }
    const bool all = m.coverage.size() <= 100;
    B.push_back(Para(
        Fmt(T(vi, "cov_intro"), {Count(good, vi), Count(m.coverage.size(), vi), Count(gappy, vi),
                                 std::string(T(vi, all ? "cov_all" : "cov_incomplete"))})));
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_machine")), std::string(T(vi, "c_first")),
                    std::string(T(vi, "c_last")), std::string(T(vi, "c_days")),
                    std::string(T(vi, "c_gap"))};
    t.table.widths = {0.22, 0.17, 0.17, 0.20, 0.24};
    t.table.right = {false, false, false, true, false};
    auto row = [&](const Coverage& c) {
      const bool none = c.first == 0;
      t.table.rows.push_back(
          {c.hostname, none ? std::string(T(vi, "never")) : Date(c.first, off, vi),
           none ? "-" : Date(c.last, off, vi),
           std::to_string(c.office_days_reported) + "/" + std::to_string(c.office_days_total),
           c.longest_gap_days == 0
               ? "-"
               : Fmt(T(vi, c.longest_gap_days == 1 ? "day" : "days"),
                     {std::to_string(c.longest_gap_days), Date(c.gap_from, off, vi)})});
    };
    if (all) {
      for (const auto& c : m.coverage) row(c);
    } else {
      for (const auto* c : incomplete) row(*c);
    }
    if (!t.table.rows.empty()) B.push_back(std::move(t));
    B.push_back(Para(std::string(T(vi, "cov_inventory"))));
  }

  // Appendix: method, thresholds, prices.
  B.push_back(H1(T(vi, "s_method")));
  const an::Thresholds& th = m.site.thresholds;
  B.push_back(Para(
      Fmt(T(vi, "m_intro"), {std::to_string(th.replace_score), std::to_string(th.watch_score)})));
  {
    Block t;
    t.kind = Block::kTable;
    t.table.head = {std::string(T(vi, "c_item")), std::string(T(vi, "c_value"))};
    t.table.widths = {0.70, 0.30};
    t.table.right = {false, true};
    auto r = [&](std::string_view k, std::string v) {
      t.table.rows.push_back({std::string(T(vi, k)), std::move(v)});
    };
    r("t_old", Num(th.old_age_years, 0, vi));
    r("t_middle", Num(th.middle_age_years, 0, vi));
    r("t_ram", Num(th.low_ram_bytes / (1024.0 * 1024 * 1024), 1, vi));
    r("t_mem", Pct(th.memory_pressure_ratio, vi));
    t.table.rows.push_back(
        {Fmt(T(vi, "t_cpu"), {Pct(th.cpu_saturated_busy, vi)}), Pct(th.cpu_saturated_share, vi)});
    r("t_io", Pct(th.io_pressure_ratio, vi));
    r("t_battery", Pct(th.battery_wear_ratio, vi));
    r("t_bn", Pct(th.bottleneck_utilisation, vi));
    r("t_target", Pct(th.target_utilisation, vi));
    r("t_latency", "×" + Num(th.latency_factor, 1, vi));
    r("t_uplink", Num(m.site.uplink_down_mbps, 0, vi));
    B.push_back(std::move(t));
    B.push_back(Para(std::string(T(vi, "m_prices"))));
    Block p;
    p.kind = Block::kTable;
    p.table.head = {std::string(T(vi, "c_item")), std::string(T(vi, "c_cost"))};
    p.table.widths = {0.70, 0.30};
    p.table.right = {false, true};
    auto pr = [&](std::string_view k, std::int64_t v) {
      p.table.rows.push_back({std::string(T(vi, k)), an::FormatVnd(v, vi)});
    };
    pr("p_desktop", m.site.prices.new_desktop_vnd);
    pr("p_laptop", m.site.prices.new_laptop_vnd);
    pr("p_ssd", m.site.prices.ssd_vnd);
    pr("p_ram", m.site.prices.ram_vnd);
    pr("p_battery", m.site.prices.battery_vnd);
    B.push_back(std::move(p));
  }
  Block sig;
  sig.kind = Block::kSignature;
  B.push_back(std::move(sig));
  return d;
}

}  // namespace wardwatch::collector::report
