// Peak hours on constructed site histories: heatmap p95, bottleneck cells, contributors and
// the bandwidth verdict.
#include <doctest/doctest.h>

#include "wardwatch/analytics/findings.h"
#include "wardwatch/analytics/local_time.h"

using namespace wardwatch::analytics;

namespace {

// Four weeks ending Monday 2026-11-30 00:00 local; every 5-minute bucket of office hours
// carries `base_mbps`; Mondays 09:00-10:00 carry `peak_mbps` and portal latency 0.5 s.
struct Site {
  std::map<std::int64_t, SiteBucket> buckets;
  std::int64_t to = LocalMidnight(2026, 11, 30, 420);
};

Site MakeSite(double base_mbps, double peak_mbps, int congested_mondays = 4) {
  Site s;
  SiteConfig c;
  const std::int64_t from = s.to - 28 * 86400;
  int monday_seen = 0;
  for (std::int64_t b = from; b < s.to; b += kBucketSeconds) {
    const LocalTime t = ToLocal(b, 420);
    if (t.weekday >= 5 || t.hour < 7 || t.hour >= 17) continue;
    SiteBucket sb;
    sb.start = b;
    double mbps = base_mbps;
    double lat = 0.1;
    if (t.weekday == 0 && t.hour == 9) {
      if (t.minute == 0) ++monday_seen;
      if (monday_seen <= congested_mondays) {
        mbps = peak_mbps;
        lat = 0.5;
      }
    }
    sb.wan_rx = mbps * 1e6 / 8 * kBucketSeconds;
    sb.wan_tx = sb.wan_rx / 4;
    sb.latency_sum_seconds = lat * 2;
    sb.latency_count = 2;
    sb.machines = 2;
    s.buckets[b] = sb;
  }
  return s;
}

}  // namespace

TEST_CASE("heatmap cells hold p95 utilisation and median latency per weekday and hour") {
  const Site s = MakeSite(20, 95);
  const SiteConfig c;
  const Heatmap h = ComputeHeatmap(s.buckets, c, s.to);
  CHECK(h.to - h.from == 28 * 86400);
  const HeatCell& mon9 = h.at(0, 9);
  CHECK(mon9.samples == 48);  // 12 buckets x 4 weeks
  CHECK(mon9.p95_utilisation_down == doctest::Approx(0.95));
  CHECK(mon9.p95_demand_down_mbps == doctest::Approx(95));
  CHECK(mon9.p95_utilisation_up == doctest::Approx(0.2375));
  CHECK(*mon9.median_latency_seconds == doctest::Approx(0.5));
  CHECK(h.at(0, 8).p95_utilisation_down == doctest::Approx(0.2));
  CHECK(h.at(5, 9).samples == 0);  // Saturday: no data
  CHECK(*h.baseline_latency_seconds == doctest::Approx(0.1));
  CHECK(h.peak_demand_down_mbps == doctest::Approx(95));
}

TEST_CASE("one congested day in four still makes the cell's p95 a bottleneck") {
  const Site s = MakeSite(20, 95, 1);
  const Heatmap h = ComputeHeatmap(s.buckets, SiteConfig{}, s.to);
  CHECK(h.at(0, 9).p95_utilisation_down == doctest::Approx(0.95));
  CHECK(h.at(0, 9).mean_utilisation_down == doctest::Approx((12 * 0.95 + 36 * 0.2) / 48));
}

TEST_CASE("bottlenecks name the top machines, applications and services") {
  const Site s = MakeSite(20, 95);
  SiteConfig c;
  FleetHours fleet;
  fleet.hostnames = {{"m1", "PC-A"}, {"m2", "PC-B"}};
  // Monday 2026-11-23 09:00: PC-A moved 300 bytes (Zoom), PC-B 100 (Chrome); Tuesday is ignored.
  MachineHour a;
  a.hour_start = LocalMidnight(2026, 11, 23, 420) + 9 * 3600;
  a.wan_rx = 250;
  a.wan_tx = 50;
  a.apps["Zoom"].wan_bytes = 300;
  a.wan_hosts["zoom.us"] = 300;
  MachineHour b = a;
  b.wan_rx = 100;
  b.wan_tx = 0;
  b.apps.clear();
  b.apps["Google Chrome"].wan_bytes = 100;
  b.wan_hosts.clear();
  b.wan_hosts["dichvucong.gov.vn"] = 100;
  MachineHour tue = a;
  tue.hour_start += 86400;
  fleet.hours["m1"] = {a, tue};
  fleet.hours["m2"] = {b};
  const Heatmap h = ComputeHeatmap(s.buckets, c, s.to);
  const auto bn = FindBottlenecks(h, fleet, c);
  REQUIRE(bn.size() == 1);
  CHECK(bn[0].weekday == 0);
  CHECK(bn[0].hour == 9);
  CHECK(bn[0].by_utilisation);
  CHECK(bn[0].by_latency);
  CHECK(*bn[0].latency_factor == doctest::Approx(5.0));
  CHECK(bn[0].direction == "down");
  REQUIRE(bn[0].machines.size() == 2);
  CHECK(bn[0].machines[0].name == "PC-A");
  CHECK(bn[0].machines[0].bytes == 300);
  CHECK(bn[0].machines[0].share == doctest::Approx(0.75));
  CHECK(bn[0].apps[0].name == "Zoom");
  CHECK(bn[0].services[1].name == "dichvucong.gov.vn");
  CHECK(bn[0].text_en ==
        "Monday 09:00–10:00: the line runs at 95% (p95, download); the public-service portal "
        "answers in 0.50 s, 5.0× its off-peak time; top application: Zoom (75%)");
  CHECK(bn[0].text_vi.rfind("Thứ Hai 09:00–10:00: đường truyền dùng tới 95%", 0) == 0);
}

TEST_CASE("latency alone can make a bottleneck hour") {
  Site s = MakeSite(20, 50);  // 50 % is below the 80 % threshold
  const Heatmap h = ComputeHeatmap(s.buckets, SiteConfig{}, s.to);
  const auto bn = FindBottlenecks(h, {}, SiteConfig{});
  REQUIRE(bn.size() == 1);
  CHECK_FALSE(bn[0].by_utilisation);
  CHECK(bn[0].by_latency);
}

TEST_CASE("verdict: peak demand / 0.7 picks the next standard plan") {
  const Site s = MakeSite(20, 95);
  SiteConfig c;
  const Heatmap h = ComputeHeatmap(s.buckets, c, s.to);
  const auto bn = FindBottlenecks(h, {}, c);
  const BandwidthVerdict v = DecideBandwidth(h, bn, {}, {}, c);
  CHECK(v.kind == "upgrade_plan");
  CHECK(v.peak_demand_mbps == doctest::Approx(95));
  CHECK(v.required_mbps == doctest::Approx(95 / 0.7));
  REQUIRE(v.plan);
  CHECK(v.plan->name == "150 Mb/s");
  CHECK(v.text_en ==
        "At peak hours demand reaches 95 Mb/s on a 100 Mb/s line. To run at 70% it needs 136 "
        "Mb/s: upgrade to the 150 Mb/s plan (about 1,100,000 VND a month)");
}

TEST_CASE("verdict: more bandwidth will not help when the PCs' own links are the limit") {
  const Site s = MakeSite(30, 30);
  SiteConfig c;
  const Heatmap h = ComputeHeatmap(s.buckets, c, s.to);
  const auto bn = FindBottlenecks(h, {}, c);
  MachineInventory slow;
  slow.machine_id = "m1";
  slow.hostname = "PC-OLD";
  slow.nic_speed_bytes = 12500000;
  MachineInventory wifi;
  wifi.machine_id = "m2";
  wifi.hostname = "PC-WIFI";
  wifi.nic_wireless = true;
  wifi.wifi_signal_dbm = -80;
  MachineInventory fine;
  fine.machine_id = "m3";
  fine.hostname = "PC-OK";
  fine.nic_speed_bytes = 12500000;                  // slow NIC, but never busy: not the problem
  fine.lan_download_bytes_per_second = 11'500'000;  // and its speed test is what 100 Mb/s gives
  fine.lan_upload_bytes_per_second = 11'200'000;
  MachineInventory cable;
  cable.machine_id = "m4";
  cable.hostname = "PC-CABLE";
  cable.nic_speed_bytes = 125'000'000;  // a gigabit card whose speed test says otherwise
  cable.lan_download_bytes_per_second = 2'500'000;
  cable.lan_upload_bytes_per_second = 2'400'000;
  std::map<std::string, UsageSummary> usage;
  usage["m1"].nic_busy_share = 0.3;
  usage["m3"].nic_busy_share = 0.0;
  const BandwidthVerdict v = DecideBandwidth(h, bn, {slow, wifi, fine, cable}, usage, c);
  CHECK(v.kind == "lan_side");
  CHECK(v.lan_side_machines == std::vector<std::string>{"PC-CABLE", "PC-OLD", "PC-WIFI"});
  CHECK(v.text_en ==
        "More bandwidth will not help: the line peaks at 30%; these PCs' network cards/Wi-Fi "
        "are the problem: PC-CABLE, PC-OLD, PC-WIFI");
  const BandwidthVerdict none = DecideBandwidth(Heatmap{}, {}, {}, {}, c);
  CHECK(none.kind == "no_data");
}

TEST_CASE("ComputeFindings ties machines, ranking and network together") {
  const Site s = MakeSite(20, 95);
  SiteConfig c;
  FleetInput in;
  MachineInventory old;
  old.machine_id = "m-old";
  old.hostname = "PC-OLD";
  old.bios_date = "01/01/2016";
  old.os_id = "windows";
  old.os_version = "7";
  old.has_boot_disk = true;
  old.disk_rotational = true;
  old.ram_bytes = 4000000000;
  MachineInventory ok;
  ok.machine_id = "m-ok";
  ok.hostname = "PC-OK";
  ok.bios_date = "01/01/2025";
  in.inventories = {old, ok};
  in.buckets = s.buckets;
  const Findings f = ComputeFindings(in, c, s.to);
  REQUIRE(f.machines.size() == 2);
  CHECK(f.machines[0].machine_id == "m-ok");  // sorted by id
  CHECK(f.replace_first == std::vector<std::string>{"m-old"});
  CHECK(f.total_cost_vnd == 15'000'000);
  CHECK(f.bottlenecks.size() == 1);
  const nlohmann::json j = FindingsToJson(f);
  CHECK(j["summary"]["replace"] == 1);
  CHECK(j["verdict"]["plan"]["name"] == "150 Mb/s");
  CHECK(j["machines"][1]["evidence"][0]["key"] == "age");
}
