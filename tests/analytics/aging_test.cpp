// The aging score on constructed machines: exact points, evidence sentences, recommendation.
#include "wardwatch/analytics/aging.h"

#include <doctest/doctest.h>

#include <cmath>

#include "wardwatch/analytics/local_time.h"
#include "wardwatch/analytics/text_format.h"

using namespace wardwatch::analytics;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;
const std::int64_t kNow = LocalMidnight(2026, 1, 1, 420) + 12 * 3600;

MachineInventory Healthy() {
  MachineInventory m;
  m.machine_id = "healthy";
  m.hostname = "PC-NEW";
  m.os_id = "windows";
  m.os_version = "11";
  m.bios_date = "03/15/2024";
  m.ram_bytes = static_cast<std::uint64_t>(15.5 * kGiB);
  m.has_boot_disk = true;
  m.disk_rotational = false;
  m.nic_speed_bytes = 125000000;
  return m;
}

const Evidence* Find(const AgingResult& a, const std::string& key) {
  for (const Evidence& e : a.evidence) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a healthy new PC scores only its age evidence and is fine") {
  const AgingResult a = ComputeAging(Healthy(), {}, {}, SiteConfig{}, kNow);
  CHECK(a.score == 0);
  CHECK(a.recommendation == Recommendation::kFine);
  CHECK(a.cost_vnd == 0);
  CHECK(a.age_source == "bios_date");
  REQUIRE(a.age_years);
  CHECK(*a.age_years == doctest::Approx(657.0 / 365.25));  // 2024-03-15 .. 2026-01-01
  REQUIRE(a.evidence.size() == 1);
  CHECK(a.evidence[0].key == "age");
  CHECK(a.evidence[0].points == 0);
  CHECK(a.summary_en == "No action needed");
}

TEST_CASE("an old failing PC: points, sentences and the replace recommendation") {
  MachineInventory m = Healthy();
  m.machine_id = "old";
  m.os_version = "7";
  m.ram_bytes = static_cast<std::uint64_t>(3.84 * kGiB);
  m.disk_rotational = true;
  m.smart_raw = {{5, 14}, {197, 0}, {9, 30000}};
  m.nic_speed_bytes = 12500000;
  MachineMeta meta;
  meta.purchase_date = "2016-01-01";  // wins over the BIOS date
  UsageSummary u;
  u.smart_reallocated_first = 6;
  const AgingResult a = ComputeAging(m, u, meta, SiteConfig{}, kNow);
  CHECK(a.age_source == "purchase_date");
  CHECK(*a.age_years == doctest::Approx(3653.0 / 365.25));
  // age 25 + SMART 5 25 + HDD 10 + low RAM 10 + slow NIC 5 + Windows 7 15 = 90
  CHECK(a.score == 90);
  // After an SSD, RAM and a NIC: age 25 + Windows 7 15 = 40, above the residual 25.
  CHECK(a.score_after_fixes == 40);
  CHECK(a.recommendation == Recommendation::kReplace);
  CHECK(a.cost_vnd == 15'000'000);
  const Evidence* s5 = Find(a, "smart_5");
  REQUIRE(s5);
  CHECK(s5->value == 14);
  CHECK(s5->threshold == 0);
  CHECK(s5->weight == 25);
  CHECK(s5->points == 25);
  CHECK(
      s5->text_vi ==
      "Ổ cứng khởi động là HDD, có 14 sector bị ánh xạ lại (SMART 5), tăng từ 6 trong kỳ theo dõi");
  CHECK(s5->text_en ==
        "Boot disk is a HDD with 14 reallocated sectors (SMART 5), up from 6 in the period");
  CHECK(Find(a, "age")->text_en ==
        "The machine is about 10.0 years old (from its purchase date 2016-01-01)");
  CHECK(Find(a, "age")->text_vi == "Máy đã dùng khoảng 10,0 năm (theo ngày mua 2016-01-01)");
  CHECK(Find(a, "os_eol")->text_en ==
        "Windows 7 has been out of security support since 2020-01-14");
  CHECK(Find(a, "low_ram")->text_en == "Only 3.8 GB of RAM (threshold 4.5 GB)");
  CHECK(Find(a, "slow_nic")->text_vi == "Card mạng chỉ chạy 100 Mb/s");
  CHECK(a.evidence.front().points >= a.evidence.back().points);  // highest points first
  CHECK(a.summary_vi == "Đề nghị thay máy mới (ước tính 15.000.000 đ)");
  CHECK(a.summary_en == "Replace this PC (about 15,000,000 VND)");
  for (const char* f : {"old", "failing_disk", "hdd", "low_ram", "slow_nic", "os_eol"}) {
    CAPTURE(f);
    CHECK(std::find(a.flags.begin(), a.flags.end(), f) != a.flags.end());
  }
}

TEST_CASE("a middle-aged PC whose faults an SSD removes is upgraded, not replaced") {
  // The simulator's PC-KETOAN-01: 5.6 years, Windows 11, a HDD with growing reallocated and
  // pending sectors. Its score passes replace_score, but almost all of it is the disk's.
  MachineInventory m = Healthy();
  m.bios_date = "06/01/2020";
  m.disk_rotational = true;
  m.smart_raw = {{5, 15}, {197, 2}};
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  // age 12 + SMART 5 25 + SMART 197 15 (cap 40) + HDD 10 = 62
  CHECK(a.score == 62);
  CHECK(a.score_after_fixes == 12);
  CHECK(a.recommendation == Recommendation::kUpgrade);
  CHECK(a.actions == std::vector<std::string>{"ssd"});
  CHECK(a.cost_vnd == SiteConfig{}.prices.ssd_vnd);

  // The same PC 9 years old with an unsupported OS keeps 40 points after the SSD: replace.
  m.bios_date = "06/01/2016";
  m.os_version = "7";
  const AgingResult old = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  CHECK(old.score_after_fixes == 40);
  CHECK(old.recommendation == Recommendation::kReplace);

  // The residual threshold is the site's choice: at 0 the score alone decides, as before.
  SiteConfig c;
  c.thresholds.replace_residual_score = 0;
  m.bios_date = "06/01/2020";
  m.os_version = "11";
  CHECK(ComputeAging(m, {}, {}, c, kNow).recommendation == Recommendation::kReplace);
}

TEST_CASE("SMART points share one cap of 40") {
  MachineInventory m = Healthy();
  m.smart_passed = false;
  m.smart_raw = {{5, 3}, {198, 1}};
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  CHECK(Find(a, "smart_failed")->points == 40);
  CHECK(Find(a, "smart_5")->points == 0);
  CHECK(Find(a, "smart_198")->points == 0);
  CHECK(a.score == 40);
  // A failing disk on an otherwise good PC: fit a new disk, do not replace the PC.
  CHECK(a.recommendation == Recommendation::kUpgrade);
  CHECK(a.actions == std::vector<std::string>{"ssd"});
  CHECK(a.cost_vnd == 1'000'000);
}

TEST_CASE("a middle-aged PC with an HDD and 4 GB under memory pressure is upgraded") {
  MachineInventory m = Healthy();
  m.bios_date = "01/01/2020";  // 6.0 years
  m.disk_rotational = true;
  m.ram_bytes = static_cast<std::uint64_t>(3.84 * kGiB);
  UsageSummary u;
  u.office_seconds = 100 * 3600;
  u.memory_pressure_ratio = 0.15;
  u.swap_in_pages_per_office_hour = 3000;
  u.office_intervals = 1200;
  u.cpu_saturated_share = 0.05;  // below 0.20: no points
  const AgingResult a = ComputeAging(m, u, {}, SiteConfig{}, kNow);
  // age 12 + HDD 10 + low RAM 10 + memory pressure 10 = 42
  CHECK(a.score == 42);
  CHECK(a.recommendation == Recommendation::kUpgrade);
  CHECK(a.actions == std::vector<std::string>{"ssd", "add_ram"});
  CHECK(a.cost_vnd == 1'800'000);
  CHECK(Find(a, "memory_pressure")->text_en ==
        "During office hours the machine waited for memory 15% of the time and swapped in 3,000 "
        "pages an hour");
  CHECK(Find(a, "cpu_saturated") == nullptr);
  CHECK(a.summary_en == "Upgrade: fit an SSD, add RAM (about 1,800,000 VND)");
}

TEST_CASE("Windows: memory pressure from hard-fault disk reads, the signal its agent sends") {
  MachineInventory m = Healthy();
  m.platform = "windows";
  m.ram_bytes = static_cast<std::uint64_t>(3.84 * kGiB);
  UsageSummary u;
  u.office_seconds = 100 * 3600;
  u.office_intervals = 1200;
  struct Row {
    double reads_per_hour;
    bool flagged;
  };
  const Row rows[] = {{30000, true}, {18000, true}, {17999, false}, {0, false}};
  for (const auto& r : rows) {
    u.hard_fault_reads_per_office_hour = r.reads_per_hour;
    const AgingResult a = ComputeAging(m, u, {}, SiteConfig{}, kNow);
    CHECK_MESSAGE((Find(a, "memory_pressure") != nullptr) == r.flagged, r.reads_per_hour);
  }
  u.hard_fault_reads_per_office_hour = 30000;
  const AgingResult a = ComputeAging(m, u, {}, SiteConfig{}, kNow);
  const Evidence* e = Find(a, "memory_pressure");
  REQUIRE(e != nullptr);
  CHECK(e->value == 30000);
  CHECK(e->unit == "per_hour");
  CHECK(e->points == 10);
  CHECK(e->text_en ==
        "During office hours Windows read the disk 30,000 times an hour to bring memory pages "
        "back (hard page faults; threshold 18,000)");
  // PSI and swap-in figures are Linux's: a Windows report never has them, and the same
  // figures from a Windows machine do not count.
  u.hard_fault_reads_per_office_hour = 0;
  u.memory_pressure_ratio = 0.5;
  u.swap_in_pages_per_office_hour = 9000;
  CHECK(Find(ComputeAging(m, u, {}, SiteConfig{}, kNow), "memory_pressure") == nullptr);
  // Nor do hard faults on Linux, which has PSI and swap-in counts.
  m.platform = "linux";
  u = UsageSummary{};
  u.office_seconds = 100 * 3600;
  u.hard_fault_reads_per_office_hour = 30000;
  CHECK(Find(ComputeAging(m, u, {}, SiteConfig{}, kNow), "memory_pressure") == nullptr);
}

TEST_CASE("age falls back to disk power-on hours; Windows 10 past support means watch") {
  MachineInventory m = Healthy();
  m.bios_date.clear();
  m.power_on_hours = 15000;  // 6 years of office use
  m.os_version = "10";
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  CHECK(a.age_source == "power_on_hours");
  CHECK(*a.age_years == doctest::Approx(6.0));
  CHECK(a.score == 27);  // 12 + 15
  CHECK(a.recommendation == Recommendation::kWatch);
  CHECK(Find(a, "os_eol")->value == 79);  // days since 2025-10-14
}

TEST_CASE("a laptop with a worn battery gets a battery, not a new laptop") {
  MachineInventory m = Healthy();
  m.laptop = true;
  m.battery_wear_ratio = 0.55;
  m.nic_wireless = true;
  m.nic_speed_bytes.reset();
  m.wifi_signal_dbm = -78;
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  CHECK(a.score == 10);
  CHECK(Find(a, "battery_wear")->text_en == "Laptop battery has lost 55% of its design capacity");
  CHECK(Find(a, "weak_wifi")->text_vi == "Sóng Wi-Fi yếu (-78 dBm)");
  CHECK(a.recommendation == Recommendation::kUpgrade);
  CHECK(a.actions == std::vector<std::string>{"battery"});
  CHECK(a.cost_vnd == 1'200'000);
}

TEST_CASE("a slow LAN speed test is evidence and a flag, never a reason to replace the PC") {
  struct Case {
    std::optional<double> down, up;
    bool flagged;
  };
  const Case cases[] = {
      {3'000'000, 9'000'000, true},         // 24 Mb/s down: a bad cable or Wi-Fi
      {11'500'000, 2'000'000, true},        // the slower direction decides
      {10'000'000, 10'000'000, true},       // at the threshold
      {11'500'000, 11'000'000, false},      // a healthy 100 Mb/s link
      {110'000'000, 105'000'000, false},    // gigabit
      {std::nullopt, std::nullopt, false},  // no test (or one that failed)
  };
  for (const auto& c : cases) {
    CAPTURE(c.down.value_or(-1));
    MachineInventory m = Healthy();
    m.lan_download_bytes_per_second = c.down;
    m.lan_upload_bytes_per_second = c.up;
    const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
    CHECK(SlowLan(m, SiteConfig{}.thresholds) == c.flagged);
    CHECK((std::find(a.flags.begin(), a.flags.end(), "slow_lan") != a.flags.end()) == c.flagged);
    CHECK((Find(a, "slow_lan") != nullptr) == c.flagged);
    CHECK(a.score == (c.flagged ? 5 : 0));
    CHECK(a.score_after_fixes == 0);  // cabling or Wi-Fi, not a new PC
  }
  MachineInventory m = Healthy();
  m.lan_download_bytes_per_second = 3'000'000;
  m.lan_upload_bytes_per_second = 9'000'000;
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  REQUIRE(Find(a, "slow_lan") != nullptr);
  CHECK(Find(a, "slow_lan")->value == 3'000'000);
  CHECK(Find(a, "slow_lan")->text_en ==
        "LAN speed test measured only 24 Mb/s down, 72 Mb/s up (cable, switch port or Wi-Fi)");
  CHECK(Find(a, "slow_lan")->text_vi ==
        "Đo tốc độ mạng nội bộ chỉ đạt 24 Mb/s tải xuống, 72 Mb/s tải lên (cáp, cổng switch hoặc "
        "Wi-Fi)");
}

TEST_CASE("the inventory takes the last successful LAN speed test from the report") {
  wardwatch::Report r;
  r.network.speedtest.emplace();
  r.network.speedtest->download_bytes_per_second = 5e6;
  r.network.speedtest->upload_bytes_per_second = 4e6;
  MachineInventory m = ExtractInventory(r);
  CHECK(m.lan_download_bytes_per_second == 5e6);
  CHECK(m.lan_upload_bytes_per_second == 4e6);
  r.network.speedtest->error = "download from http://c/api/v1/speedtest: timed out";
  m = ExtractInventory(r);
  CHECK_FALSE(m.lan_download_bytes_per_second.has_value());
}

TEST_CASE("CPU saturation, I/O pressure and throttling in office hours") {
  MachineInventory m = Healthy();
  UsageSummary u;
  u.office_seconds = 3600;
  u.office_intervals = 10;
  u.cpu_saturated_share = 0.2;  // exactly at the threshold counts
  u.io_pressure_ratio = 0.25;
  u.office_throttle_events = 7;
  const AgingResult a = ComputeAging(m, u, {}, SiteConfig{}, kNow);
  CHECK(a.score == 20);
  CHECK(Find(a, "cpu_saturated")->text_en == "CPU saturated (≥ 90%) for 20% of office time");
  CHECK(Find(a, "io_pressure")->points == 5);
  CHECK(Find(a, "thermal_throttling")->text_en ==
        "CPU throttled for heat 7 times during office hours");
  CHECK(a.recommendation == Recommendation::kWatch);
}

TEST_CASE("replace-first ranking and summaries of usage") {
  std::vector<AgingResult> fleet(4);
  fleet[0].machine_id = "a";
  fleet[0].score = 30;
  fleet[0].recommendation = Recommendation::kUpgrade;
  fleet[1].machine_id = "b";
  fleet[1].score = 65;
  fleet[1].recommendation = Recommendation::kReplace;
  fleet[2].machine_id = "c";
  fleet[2].score = 80;
  fleet[2].recommendation = Recommendation::kReplace;
  fleet[3].machine_id = "d";
  const auto ranked = RankReplaceFirst(fleet);
  CHECK(ranked[0]->machine_id == "c");
  CHECK(ranked[1]->machine_id == "b");
  CHECK(ranked[2]->machine_id == "a");
  CHECK(ranked[3]->machine_id == "d");

  MachineHour h1, h2;
  h1.hour_start = 100;
  h1.office_seconds = 3600;
  h1.office_cpu_busy_seconds = 1800;
  h1.office_cpu_total_seconds = 3600;
  h1.office_intervals = 12;
  h1.office_saturated_intervals = 6;
  h1.office_memory_some_seconds = 360;
  h1.office_swap_in_pages = 1000;
  h1.has_smart = true;
  h1.smart_reallocated_max = 3;
  h2 = h1;
  h2.hour_start = 200;
  h2.office_saturated_intervals = 0;
  h2.smart_reallocated_max = 9;
  const UsageSummary u = SummarizeUsage({h2, h1}, SiteConfig{});
  CHECK(u.office_cpu_busy_ratio == doctest::Approx(0.5));
  CHECK(u.cpu_saturated_share == doctest::Approx(0.25));
  CHECK(u.memory_pressure_ratio == doctest::Approx(0.1));
  CHECK(u.swap_in_pages_per_office_hour == doctest::Approx(1000));
  CHECK(*u.smart_reallocated_first == 3);
  CHECK(*u.smart_reallocated_last == 9);
}

TEST_CASE("machine metadata is validated field by field") {
  auto ok = MetaFromJson({{"purchase_date", "2017-03-01"}, {"asset_tag", "UBND-0042"}});
  REQUIRE(ok.ok());
  CHECK(ok->purchase_date == "2017-03-01");
  MachineMeta base;
  base.notes = "kept";
  auto merged = MetaFromJson({{"room", "P.2"}}, base);
  CHECK(merged->notes == "kept");
  CHECK(merged->room == "P.2");
  CHECK(MetaFromJson({{"purchase_date", "01/03/2017"}}).error() ==
        "purchase_date: expected a date YYYY-MM-DD, got \"01/03/2017\"");
  CHECK(MetaFromJson({{"purchase_date", "2017-02-30"}}).error() ==
        "purchase_date: expected a date YYYY-MM-DD, got \"2017-02-30\"");
  CHECK(MetaFromJson({{"owner", "x"}}).error() == "owner: unknown field");
  CHECK(MetaFromJson({{"room", 5}}).error() == "room: expected a string");
  CHECK(MetaFromJson({{"notes", std::string(2001, 'x')}}).error() ==
        "notes: longer than 2000 bytes");
  CHECK(FormatVnd(1234567, true) == "1.234.567 đ");
}

TEST_CASE("numbers in the evidence sentences are written as each language writes them") {
  struct Case {
    double v;
    int decimals;
    const char *vi, *en;
  };
  const Case cases[] = {
      {0, 0, "0", "0"},
      {999, 0, "999", "999"},
      {1000, 0, "1.000", "1,000"},
      {47757, 0, "47.757", "47,757"},
      {47757.46, 1, "47.757,5", "47,757.5"},
      {1234567.891, 2, "1.234.567,89", "1,234,567.89"},
      {3.95, 1, "4,0", "4.0"},  // rounds up into the next whole number
      {-72, 0, "-72", "-72"},   // Wi-Fi signal in dBm
      {-0.2, 0, "0", "0"},      // no "-0"
      {-1234.5, 1, "-1.234,5", "-1,234.5"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.v);
    CHECK(Num(c.v, c.decimals, true) == c.vi);
    CHECK(Num(c.v, c.decimals, false) == c.en);
  }
  CHECK(Num(std::nan(""), 0, false) == "unknown");
  CHECK(GroupThousands(18446744073709551615ULL, false) == "18,446,744,073,709,551,615");
  CHECK(Pct(0.456, true) == "46%");
  CHECK(FormatVnd(-15000000, false) == "-15,000,000 VND");
}

TEST_CASE("a count in the evidence is grouped: SMART 188 timeouts") {
  MachineInventory m = Healthy();
  m.smart_raw[188] = 47757;
  const AgingResult a = ComputeAging(m, {}, {}, SiteConfig{}, kNow);
  const Evidence* e = Find(a, "smart_188");
  REQUIRE(e);
  CHECK(e->text_vi == "Ổ cứng khởi động có 47.757 lần lệnh bị quá thời gian (SMART 188)");
  CHECK(e->text_en == "Boot disk has 47,757 command timeouts (SMART 188)");
}
