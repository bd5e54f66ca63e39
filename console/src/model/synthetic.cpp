// Deterministic synthetic fleet data (bench and tests only; never shown as real data).
#include "model/synthetic.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "model/format.h"

namespace wardwatch::console {
namespace {
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
}

FleetData MakeSyntheticFleet(int n, std::uint32_t seed, std::int64_t now_ms) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  static constexpr const char* kDepts[] = {"Một cửa",   "Tư pháp", "Địa chính",
                                           "Văn phòng", "Kế toán", "Văn hóa"};
  static constexpr const char* kCpus[] = {"Intel Core i3-2120", "Intel Core i5-4570",
                                          "Intel Pentium G4560", "Intel Core i5-10400",
                                          "Intel Core i7-12700"};
  FleetData f;
  f.generated_at_ms = now_ms;
  f.utilisation_now = 0.82;
  f.machines.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    MachineSummary m;
    char buf[32];
    std::snprintf(buf, sizeof buf, "PC-%05d", i + 1);
    m.name = buf;
    std::snprintf(buf, sizeof buf, "m-%08x", static_cast<unsigned>(rng()));
    m.id = buf;
    m.department = kDepts[i % 6];
    m.room = "P." + std::to_string(101 + (i % 12));
    m.age_years = 0.5 + u(rng) * 9.5;
    const bool old = m.age_years > 7;
    m.cpu_model = kCpus[std::min(4, static_cast<int>((10 - m.age_years) / 2))];
    m.cpu_short = ShortCpuName(m.cpu_model);
    m.cpu_cores = old ? 2 : (u(rng) < 0.5 ? 4 : 8);
    m.ram_bytes = (old ? 4.0 : (u(rng) < 0.5 ? 8.0 : 16.0)) * kGiB;
    m.boot_disk_type = old && u(rng) < 0.8 ? "hdd" : "ssd";
    m.boot_disk_bytes = (m.boot_disk_type == "hdd" ? 500.0 : 256.0) * kGiB;
    m.os = old && u(rng) < 0.5 ? "Windows 7" : "Windows 10";
    m.last_seen_ms = now_ms - static_cast<std::int64_t>(u(rng) < 0.05 ? 86400000 : 60000 * u(rng));
    if (m.boot_disk_type == "hdd") m.flags |= kFlagHddBoot;
    if (m.ram_bytes <= 4 * kGiB) m.flags |= kFlagLowRam;
    if (m.os == "Windows 7") m.flags |= kFlagOsUnsupported;
    if (old && u(rng) < 0.3) m.flags |= kFlagSlowNic;
    if (old && u(rng) < 0.1) m.flags |= kFlagFailingDisk;
    m.score =
        std::clamp(m.age_years * 6 + ((m.flags & kFlagFailingDisk) ? 30 : 0) +
                       ((m.flags & kFlagHddBoot) ? 10 : 0) + ((m.flags & kFlagLowRam) ? 8 : 0),
                   0.0, 100.0);
    m.recommendation = m.score >= 70   ? Recommendation::kReplace
                       : m.score >= 45 ? Recommendation::kUpgrade
                       : m.score >= 30 ? Recommendation::kWatch
                                       : Recommendation::kFine;
    m.cost_vnd = m.recommendation == Recommendation::kReplace   ? 15000000
                 : m.recommendation == Recommendation::kUpgrade ? 1800000
                                                                : kNaN;
    f.machines.push_back(std::move(m));
  }
  return f;
}

Heatmap MakeSyntheticHeatmap(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 0.1);
  Heatmap h;
  h.weeks = 4;
  for (int d = 0; d < 7; ++d) {
    for (int hour = 0; hour < 24; ++hour) {
      double v = 0.05 + u(rng);
      if (d < 5 && hour >= 7 && hour < 17 && hour != 12) {
        v = 0.35 + u(rng) * 2;
        if (hour >= 9 && hour <= 10) v = 0.88 + u(rng);
        if (hour >= 14 && hour <= 15) v = 0.7 + u(rng);
      }
      h.cells[d][hour] = std::min(v, 1.0);
    }
  }
  return h;
}

NetworkStatus MakeSyntheticNetwork(std::uint32_t seed, std::int64_t now_ms) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 0.08);
  NetworkStatus n;
  n.capacity_down_mbps = 100;
  n.capacity_up_mbps = 100;
  const std::int64_t start = now_ms - 10 * 3600 * 1000;
  for (int i = 0; i < 120; ++i) {
    const double hour = 7.5 + i * (10.0 / 120);
    double v = 0.3 + u(rng);
    if (hour >= 9 && hour < 11) v = 0.9 + u(rng);
    if (hour >= 11.5 && hour < 13) v = 0.1 + u(rng);
    n.today.push_back({start + i * 300000, std::min(v, 1.0)});
    n.portal_latency.push_back({start + i * 300000, v > 0.85 ? 2.4 + u(rng) : 0.6 + u(rng)});
  }
  n.utilisation_now = n.today.back().v;
  n.portal_latency_seconds = 2.5;
  n.portal_baseline_seconds = 0.6;
  BottleneckHour b;
  b.weekday = 1;
  b.hour = 9;
  b.p95_utilisation = 0.96;
  b.latency_ratio = 4.1;
  b.machines = {{"PC-00007", 3.1e9, 0.22}, {"PC-00012", 2.2e9, 0.15}};
  b.apps = {{"Microsoft Teams", 5e9, 0.35}, {"OneDrive", 3e9, 0.2}};
  b.services = {{"teams.microsoft.com", 5e9, 0.35}, {"windowsupdate.com", 2e9, 0.14}};
  n.bottlenecks.push_back(b);
  n.verdict.kind = "upgrade_bandwidth";
  n.verdict.current_mbps = 100;
  n.verdict.required_mbps = 140;
  n.verdict.recommended_plan_mbps = 150;
  n.verdict.text = {"Cần nâng đường truyền lên 150 Mb/s.", "Upgrade the line to 150 Mb/s."};
  return n;
}

MachineDetail MakeSyntheticDetail(const MachineSummary& s, std::int64_t now_ms) {
  MachineDetail d;
  d.summary = s;
  d.inventory = {{"cpu", s.cpu_model}, {"memory", "4 GiB"}, {"os", s.os}};
  d.evidence.push_back({"age", s.age_years, 6, 20, "years", {"Máy đã dùng lâu", "Machine is old"}});
  Series cpu{"cpu_busy_ratio", "ratio", {}};
  for (int i = 0; i < 168; ++i) {
    cpu.points.push_back({now_ms - (168 - i) * 3600000LL, 0.3 + 0.3 * ((i % 24) > 8)});
  }
  d.history.push_back(cpu);
  return d;
}

SoftwareData MakeSyntheticSoftware(const FleetData& fleet) {
  SoftwareData s;
  s.ranking = {{"Google Chrome", 3.1e6, 2.2e6, 1e9, 55},
               {"Microsoft Word", 1.2e6, 0.9e6, 1e7, 50},
               {"Zalo", 0.9e6, 0.4e6, 2e8, 48}};
  for (const auto& m : fleet.machines) {
    if ((m.flags & kFlagOsUnsupported) != 0 && s.unsupported_os.size() < 200) {
      s.unsupported_os.push_back({m.id, m.name, m.os, "2020-01-14"});
    }
  }
  return s;
}

InstalledSearch MakeSyntheticInstalled(const FleetData& fleet) {
  InstalledSearch r;
  const int n = static_cast<int>(fleet.machines.size());
  r.machines_total = r.machines_with_list = r.matched_machines = n;
  const std::pair<const char*, const char*> packages[] = {
      {"Google Chrome", "131.0.6778.86"}, {"Zalo", "24.11.1"}, {"Microsoft Office", "2016"}};
  int share = n;
  for (const auto& [name, version] : packages) {
    InstalledSoftware p{name, version, {"registry"}, share, share, {}, share > 20};
    for (int i = 0; i < share && i < 20; ++i) {
      p.machine_list.push_back({fleet.machines[static_cast<std::size_t>(i)].id,
                                fleet.machines[static_cast<std::size_t>(i)].name});
    }
    r.packages.push_back(std::move(p));
    share = share * 4 / 5;
  }
  r.matched_packages = static_cast<int>(r.packages.size());
  return r;
}

}  // namespace wardwatch::console
