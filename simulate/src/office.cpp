// The simulated ward office: fleet plan, congestion plan and per-machine report generation.
#include "office.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "wardwatch/analytics/local_time.h"
#include "wardwatch/analytics/os_support.h"

namespace wardwatch::simulate {

namespace an = wardwatch::analytics;

namespace {

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr double kGiB = 1024.0 * 1024 * 1024;

const char* kDepartments[] = {"MOTCUA", "VANPHONG", "TUPHAP", "DIACHINH", "KETOAN", "VHXH"};
const char* kDepartmentNames[] = {"Bộ phận Một cửa",      "Văn phòng", "Tư pháp - Hộ tịch",
                                  "Địa chính - Xây dựng", "Kế toán",   "Văn hóa - Xã hội"};

// Apps per interval use: name, share of foreground time.
struct AppMix {
  const char* name;
  double fg_share;
  double cpu_weight;
  std::uint64_t rss_mb;
};

std::string Hex(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string BiosDate(std::int64_t day) {
  const an::LocalTime t = an::ToLocal(day * 86400, 0);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", t.month % 100, t.mday % 100, t.year % 10000);
  return buf;
}

// One PC's installed programs, as the agent's package collector would list them (registry
// uninstall keys on Windows, dpkg and snap on Ubuntu). Per machine from the seed, without
// touching the fleet's random sequence: every PC has the browser, office suite, Zalo, a PDF
// reader, a Vietnamese keyboard and at least one video-call program; some lag behind on
// versions (automatic updates off, Windows 7 left behind by Chrome, Edge and Zoom), some lack
// a program (no Zoom, the tax tool only in accounting and a few other desks), and `extra`
// names a program one PC installed by itself (a remote-desktop tool), or is empty.
void PlanPackages(MachinePlan& m, std::uint64_t seed, const std::string& extra) {
  const auto mi = static_cast<std::uint64_t>(m.index);
  auto chance = [&](std::uint64_t what) { return Noise(seed, 400, mi, what); };
  std::vector<schema::Package>& p = m.packages;
  p.clear();
  const bool windows = m.os_id == "windows";
  auto add = [&](std::string name, std::string version) {
    p.push_back({std::move(name), std::move(version), windows ? "registry" : "dpkg", "x86_64",
                 std::nullopt});
  };
  auto add_snap = [&](std::string name, std::string version) {
    p.push_back({std::move(name), std::move(version), "snap", "x86_64", std::nullopt});
  };
  const bool signer = m.department == "Bộ phận Một cửa" || m.department == "Tư pháp - Hộ tịch" ||
                      m.department == "Kế toán";
  m.zoom = chance(11) < 0.7;
  if (windows) {
    const bool win7 = m.os_version == "7";
    if (m.browser == "Google Chrome" || chance(1) < 0.6) {
      add("Google Chrome", win7              ? "109.0.5414.120"  // the last for Windows 7
                           : chance(2) < 0.2 ? "126.0.6478.127"
                                             : "131.0.6778.86");
    }
    if (!win7 || m.browser == "Microsoft Edge") {
      add("Microsoft Edge", win7              ? "109.0.1518.140"
                            : chance(3) < 0.1 ? "129.0.2792.89"
                                              : "131.0.2903.70");
    }
    add(m.office_suite, win7 ? "14.0.7015.1000" : "16.0.4266.1001");
    add("Zalo", chance(4) < 0.25 ? "24.8.5" : "24.11.1");
    if (chance(5) < 0.8) {
      m.pdf_reader = "Foxit PDF Reader";
      add(m.pdf_reader, chance(6) < 0.3 ? "12.1.2.15332" : "2024.3.0");
    } else {
      m.pdf_reader = "Adobe Acrobat Reader";
      add("Adobe Acrobat Reader DC - Vietnamese", "24.004.20220");
    }
    add("UniKey", chance(7) < 0.3 ? "4.2 RC4" : "4.3 RC5");
    if (signer || chance(8) < 0.4) add("VNPT-CA Plugin", chance(9) < 0.3 ? "1.0.7.9" : "1.0.8.6");
    if (m.department == "Kế toán" || chance(10) < 0.15) {
      add("HTKK", chance(12) < 0.4 ? "5.1.9" : "5.2.5");
    }
    // The new Teams needs Windows 10; a Windows 7 PC calls with its old Zoom.
    m.teams = !win7 && (chance(13) < 0.5 || !m.zoom);
    m.zoom = m.zoom || !m.teams;
    if (m.zoom) add("Zoom Workplace", win7 ? "5.16.10" : chance(14) < 0.25 ? "5.17.11" : "6.2.11");
    // OneDrive syncs the department's scans (a congestion culprit): on every Windows PC.
    add("Microsoft OneDrive", win7               ? "22.176.0821.0002"
                              : chance(15) < 0.2 ? "24.101.0519.0010"
                                                 : "24.211.1020.0001");
    if (m.teams) add("Microsoft Teams", "24295.605");
    if (extra == "anydesk") add("AnyDesk", "8.1.0");
    if (extra == "teamviewer") add("TeamViewer", "15.59.3");
  } else {
    const std::string& v = m.os_version;
    const bool old = v == "16.04" || v == "18.04";
    m.pdf_reader = "Evince";
    if (old) {
      add("firefox",
          v == "16.04" ? "88.0+build2-0ubuntu0.16.04.1" : "133.0+build1-0ubuntu0.18.04.1");
    } else {
      add_snap("firefox", chance(1) < 0.2 ? "128.0.3-1" : "133.0-2");  // a snap since 22.04
    }
    const std::string lo = v == "16.04"   ? "1:5.1.6~rc2-0ubuntu1~xenial10"
                           : v == "18.04" ? "1:6.0.7-0ubuntu0.18.04.13"
                           : v == "22.04" ? "1:7.3.7-0ubuntu0.22.04.7"
                                          : "4:24.2.7-0ubuntu0.24.04.1";
    add("libreoffice-writer", lo);
    add("libreoffice-calc", lo);
    add("evince", v == "16.04"   ? "3.18.2-1ubuntu4.6"
                  : v == "18.04" ? "3.28.4-0ubuntu1.2"
                  : v == "22.04" ? "42.3-0ubuntu3.1"
                                 : "46.0-1");
    add("ibus-unikey", old ? "0.6.1-1.1" : "0.7.0~beta1-1");
    add("openssh-client", v == "16.04"   ? "1:7.2p2-4ubuntu2.10"
                          : v == "18.04" ? "1:7.6p1-4ubuntu0.7"
                          : v == "22.04" ? "1:8.9p1-3ubuntu0.10"
                                         : "1:9.6p1-3ubuntu13.5");
    m.teams = !m.zoom;
    if (m.zoom) add("zoom", chance(14) < 0.3 ? "5.17.11.3835" : "6.2.11.5069");
    if (m.teams) add_snap("teams-for-linux", "1.12.5");
    add_snap("zalo", chance(4) < 0.25 ? "24.8.5" : "24.11.1");
    if (extra == "anydesk") add("anydesk", "6.3.2");
    if (extra == "teamviewer") add("teamviewer", "15.59.3");
  }
}

}  // namespace

double Noise(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c,
             std::uint64_t d) {
  std::uint64_t h = SplitMix(seed);
  h = SplitMix(h ^ a);
  h = SplitMix(h ^ (b + 0x51ed27ULL));
  h = SplitMix(h ^ (c + 0xa3b195ULL));
  h = SplitMix(h ^ (d + 0x7f4a7cULL));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

Office::Office(const SimOptions& o) : o_(o) {
  step_ = static_cast<std::int64_t>(o_.step_minutes) * 60;
  o_.end -= ((o_.end % step_) + step_) % step_;
  start_ = o_.end - static_cast<std::int64_t>(o_.days) * 86400;
  PlanFleet();
  PlanCongestion();
  load_.reserve(static_cast<std::size_t>((o_.end - start_) / step_));
  for (std::int64_t b = start_; b < o_.end; b += step_) load_.push_back(ComputeLoad(b));
}

void Office::PlanFleet() {
  std::mt19937_64 rng(o_.seed);
  auto uni = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto pick = [&](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  const int n = std::max(1, o_.machines);
  // Composition: ~20 % old PCs to replace (some with failing disks), ~15 % middle-aged PCs to
  // upgrade, one laptop with a worn battery, the rest healthy.
  const int n_old = std::max(1, static_cast<int>(std::lround(0.20 * n)));
  const int n_mid = std::max(1, static_cast<int>(std::lround(0.15 * n)));
  std::vector<std::string> roles;
  for (int i = 0; i < n_old; ++i) roles.push_back("old");
  for (int i = 0; i < n_mid; ++i) roles.push_back("middle");
  roles.push_back("laptop");
  while (static_cast<int>(roles.size()) < n) roles.push_back("healthy");
  roles.resize(static_cast<std::size_t>(n));
  std::shuffle(roles.begin(), roles.end(), rng);

  const std::int64_t end_day = an::ToLocal(o_.end, o_.utc_offset_minutes).day;
  const int n_failing_old = std::max(1, n_old / 4);
  // One or two PCs with a program the others lack (keyed noise: the fleet's draws stay put).
  const int extra_a = static_cast<int>(Noise(o_.seed, 450) * n);
  const int extra_b = static_cast<int>(Noise(o_.seed, 451) * n);
  int old_seen = 0, mid_seen = 0, healthy_seen = 0;
  std::map<std::string, int> dept_count;
  for (int i = 0; i < n; ++i) {
    MachinePlan m;
    m.index = i;
    m.machine_id = Hex(SplitMix(o_.seed * 1000003ULL + static_cast<std::uint64_t>(i))) +
                   Hex(SplitMix(o_.seed ^ (0xabcdefULL + static_cast<std::uint64_t>(i))));
    const int dept = i % 6;
    m.department = kDepartmentNames[dept];
    char host[48];
    std::snprintf(host, sizeof host, "PC-%s-%02d", kDepartments[dept],
                  ++dept_count[kDepartments[dept]]);
    m.hostname = host;
    const std::string role = roles[static_cast<std::size_t>(i)];
    auto set_os = [&](const std::string& id, const std::string& ver) {
      m.os_id = id;
      m.os_version = ver;
      if (id == "windows") {
        m.platform = "windows";
        m.os_pretty = "Windows " + ver + (ver == "7" ? " Professional SP1" : " Pro");
        m.os_kernel = ver == "7" ? "6.1.7601" : ver == "10" ? "10.0.19045" : "10.0.22631";
        m.browser = pick(2) ? "Google Chrome" : "Microsoft Edge";
        m.office_suite = ver == "7" ? "Microsoft Office 2010" : "Microsoft Office 2016";
      } else {
        m.platform = "linux";
        m.os_pretty = (id == "ubuntu" ? "Ubuntu " : "Debian GNU/Linux ") + ver +
                      (id == "ubuntu" ? " LTS" : "");
        m.os_kernel = ver == "16.04"   ? "4.4.0-210-generic"
                      : ver == "18.04" ? "4.15.0-213-generic"
                      : ver == "22.04" ? "5.15.0-91-generic"
                                       : "6.8.0-45-generic";
        m.browser = "Firefox";
        m.office_suite = "LibreOffice";
      }
    };
    auto new_disk = [&](bool hdd, bool nvme) {
      m.hdd = hdd;
      m.nvme = nvme;
      m.disk_model = hdd    ? (pick(2) ? "ST500DM002-1BD142" : "WDC WD5000AAKX-08U6AA0")
                     : nvme ? "Samsung SSD 980 500GB"
                            : "KINGSTON SA400S37240G";
      m.disk_size_bytes = hdd ? 500107862016ULL : nvme ? 500107862016ULL : 240057409536ULL;
    };
    if (role == "old") {
      m.kind = Kind::kOld;
      m.planted = "replace";
      m.age_years = uni(8.2, 10.0);
      const int os = pick(10);
      if (os < 4)
        set_os("windows", "7");
      else if (os < 8)
        set_os("windows", "10");
      else
        set_os("ubuntu", pick(2) ? "16.04" : "18.04");
      m.vendor = pick(2) ? "Dell Inc." : "Hewlett-Packard";
      m.product = m.vendor == "Dell Inc." ? "OptiPlex 3020" : "HP Compaq Pro 6300 SFF";
      m.cpu_model = pick(2) ? "Intel(R) Core(TM) i3-4150 CPU @ 3.50GHz"
                            : "Intel(R) Pentium(R) CPU G2030 @ 3.00GHz";
      m.threads = m.cpu_model.find("i3") != std::string::npos ? 4 : 2;
      m.ram_bytes = static_cast<std::uint64_t>(3.84 * kGiB);
      new_disk(true, false);
      m.nic_speed_bytes = 12'500'000;
      m.cpu_busy_base = 0.55;
      m.cpu_saturated_prob = 0.40;
      m.memory_pressure = uni(0.15, 0.25);
      m.io_pressure = uni(0.10, 0.30);
      m.swap_in_per_interval = uni(300, 700);
      m.reasons = {"age", "hdd_boot", "low_ram", "memory_pressure", "cpu_saturated", "slow_nic"};
      if (old_seen < n_failing_old) {
        m.failing_disk = true;
        m.reallocated_start = 4 + static_cast<std::uint64_t>(pick(6));
        m.reallocated_per_day = uni(0.4, 1.0);
        m.reasons.push_back("smart_5");
      }
      if (old_seen == n_failing_old) {
        m.throttles = true;
        // The Windows agent reads no throttle counts: on Windows nothing can show it.
        if (m.os_id != "windows") m.reasons.push_back("thermal_throttling");
      }
      ++old_seen;
    } else if (role == "middle") {
      m.kind = Kind::kMiddle;
      m.planted = "upgrade";
      m.age_years = uni(5.2, 6.8);
      const int os = pick(3);
      if (os == 0)
        set_os("windows", "10");
      else if (os == 1)
        set_os("windows", "11");
      else
        set_os("ubuntu", "22.04");
      m.vendor = "Dell Inc.";
      m.product = "OptiPlex 3050";
      m.cpu_model = "Intel(R) Core(TM) i3-7100 CPU @ 3.90GHz";
      m.threads = 4;
      if (mid_seen == 0) {
        // The middle-aged PC whose disk is failing: an SSD fixes it.
        m.failing_disk = true;
        m.reallocated_start = 2;
        m.reallocated_per_day = 0.5;
        if (os == 0) set_os("windows", "11");
        new_disk(true, false);
        m.ram_bytes = static_cast<std::uint64_t>(7.7 * kGiB);
        m.reasons = {"smart_5", "hdd_boot"};
      } else {
        const bool hdd = pick(10) < 7;
        new_disk(hdd, false);
        const bool low = !hdd || pick(10) < 7;
        m.ram_bytes = static_cast<std::uint64_t>((low ? 3.84 : 7.7) * kGiB);
        if (hdd) m.reasons.push_back("hdd_boot");
        if (low) m.reasons.push_back("low_ram");
        if (low) m.memory_pressure = uni(0.12, 0.18), m.swap_in_per_interval = uni(250, 400);
      }
      m.cpu_busy_base = 0.30;
      m.cpu_saturated_prob = 0.04;
      m.io_pressure = m.hdd ? uni(0.05, 0.12) : 0.02;
      ++mid_seen;
    } else if (role == "laptop") {
      m.kind = Kind::kNew;
      m.planted = "upgrade";
      m.age_years = uni(2.5, 3.5);
      set_os("windows", "11");
      m.vendor = "LENOVO";
      m.product = "ThinkPad E14 Gen 2";
      m.cpu_model = "Intel(R) Core(TM) i5-1135G7 @ 2.40GHz";
      m.threads = 8;
      m.ram_bytes = static_cast<std::uint64_t>(7.7 * kGiB);
      new_disk(false, true);
      m.nvme_used_percent = 12;
      m.laptop = true;
      m.battery_wear = uni(0.50, 0.62);
      m.wireless = true;
      m.wifi_dbm = -58;
      m.nic_speed_bytes = 0;
      m.reasons = {"battery_wear"};
    } else {
      m.planted = "healthy";
      const bool newer = pick(10) < 7;
      m.kind = newer ? Kind::kNew : Kind::kMiddle;
      m.age_years = newer ? uni(0.3, 3.0) : uni(3.5, 5.5);
      const int os = pick(10);
      if (os < 4)
        set_os("windows", "11");
      else if (os < 7)
        set_os("windows", "10");
      else
        set_os("ubuntu", pick(2) ? "22.04" : "24.04");
      m.vendor = newer ? "Dell Inc." : "HP";
      m.product = newer ? "OptiPlex 7010" : "ProDesk 400 G5 SFF";
      m.cpu_model =
          newer ? "Intel(R) Core(TM) i5-12500" : "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz";
      m.threads = newer ? 12 : 6;
      m.ram_bytes = static_cast<std::uint64_t>((pick(3) == 0 ? 15.5 : 7.7) * kGiB);
      new_disk(false, newer);
      m.nvme_used_percent = newer ? static_cast<std::uint64_t>(1 + pick(20)) : 0;
      m.cpu_busy_base = newer ? 0.10 : 0.18;
      if (healthy_seen < 3) m.capture = false;    // agent without capture permission
      if (healthy_seen == 3) m.always_on = true;  // queue display at the one-stop desk
      if (healthy_seen == 4) m.always_on = true;
      if (healthy_seen == 5) m.wireless = true, m.wifi_dbm = -76, m.nic_speed_bytes = 0;
      ++healthy_seen;
    }
    if (m.os_id == "windows" || m.os_id == "ubuntu") {
      if (auto eos = an::LookupOsSupport(m.os_id, m.os_version); eos && eos->end_day < end_day) {
        if (m.planted == "replace") m.reasons.push_back("os_eol");
      }
    }
    const std::int64_t made_day = end_day - static_cast<std::int64_t>(m.age_years * 365.25);
    // One old PC's BIOS hides its date: the age then comes from the disk's power-on hours.
    if (m.kind == Kind::kOld && old_seen == 2) {
      m.bios_date.clear();
    } else {
      m.bios_date = BiosDate(made_day);
    }
    m.power_on_hours_at_start = static_cast<std::uint64_t>(
        (m.age_years - static_cast<double>(o_.days) / 365.25) * 2500 * uni(1.0, 1.10));
    PlanPackages(m, o_.seed, i == extra_a ? "anydesk" : i == extra_b ? "teamviewer" : "");
    machines_.push_back(std::move(m));
  }
}

void Office::PlanCongestion() {
  std::mt19937_64 rng(o_.seed ^ 0xc0ffeeULL);
  std::uniform_real_distribution<double> u(0, 1);
  const int n = static_cast<int>(machines_.size());
  const int k = std::max(3, static_cast<int>(std::lround(0.2 * n)));
  const std::int64_t first = an::ToLocal(start_, o_.utc_offset_minutes).day;
  // Planned a week past the end too, for --live.
  const std::int64_t last = an::ToLocal(o_.end - 1, o_.utc_offset_minutes).day + 7;
  for (std::int64_t day = first; day <= last; ++day) {
    const int wd = an::ToLocal(day * 86400, 0).weekday;
    const double r_morning = u(rng), r_afternoon = u(rng);
    if (wd >= 5) continue;
    std::vector<std::pair<int, int>> spans;
    if (r_morning < 0.85) spans.push_back({9, 10});  // video calls, sync, updates mid-morning
    if ((wd == 1 || wd == 3) && r_afternoon < 0.75) spans.push_back({14, 14});  // scans synced
    for (auto [h0, h1] : spans) {
      CongestedBlock b;
      b.day = day;
      b.weekday = wd;
      b.first_hour = h0;
      b.last_hour = h1;
      // The culprits: k machines in a shuffled order that changes every block.
      std::vector<int> order(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
      std::shuffle(order.begin(), order.end(), rng);
      const bool afternoon = h0 >= 13;
      double weights = 0;
      for (int j = 0; j < std::min(k, n); ++j) {
        const MachinePlan& m =
            machines_[static_cast<std::size_t>(order[static_cast<std::size_t>(j)])];
        Culprit c;
        c.machine = m.index;
        const int role = afternoon ? 1 : j % 3;
        if (role == 0) {
          // The call runs in the program the PC has; Teams first on every other culprit.
          const bool teams = ((j / 3) % 2 && m.teams) || !m.zoom;
          c.app = teams ? "Microsoft Teams" : "Zoom";
          c.service = c.app == "Zoom" ? "zoom.us" : "teams.microsoft.com";
          c.down_share = 0.5;
          c.up_ratio = 0.6;
        } else if (role == 1) {
          c.app = m.os_id == "windows" ? "OneDrive" : "Google Drive";
          c.service = c.app == "OneDrive" ? "onedrive.live.com" : "drive.google.com";
          c.down_share = 1.0;
          c.up_ratio = afternoon ? 0.3 : 0.6;
        } else {
          c.app = m.os_id == "windows" ? "Windows Update" : "apt";
          c.service = m.os_id == "windows" ? "windowsupdate.com" : "archive.ubuntu.com";
          c.down_share = 1.5;
          c.up_ratio = 0.02;
        }
        weights += c.down_share;
        b.culprits.push_back(c);
      }
      for (Culprit& c : b.culprits) c.down_share /= weights;
      for (int h = h0; h <= h1; ++h) block_by_day_hour_[day * 24 + h] = blocks_.size();
      blocks_.push_back(std::move(b));
    }
  }
}

const CongestedBlock* Office::BlockAt(std::int64_t bucket) const {
  const an::LocalTime t = an::ToLocal(bucket, o_.utc_offset_minutes);
  auto it = block_by_day_hour_.find(t.day * 24 + t.hour);
  return it == block_by_day_hour_.end() ? nullptr : &blocks_[it->second];
}

bool Office::IsOn(int machine, std::int64_t t) const {
  const MachinePlan& m = machines_[static_cast<std::size_t>(machine)];
  const std::int64_t b = t - step_;  // the interval's start
  if (m.always_on) {
    // Restarted every Sunday at 03:00 for updates.
    const an::LocalTime lt = an::ToLocal(b, o_.utc_offset_minutes);
    return !(lt.weekday == 6 && lt.hour == 3 && lt.minute < 10);
  }
  const an::LocalTime lt = an::ToLocal(b, o_.utc_offset_minutes);
  if (lt.weekday >= 5) return false;
  const auto seed = o_.seed;
  const auto mi = static_cast<std::uint64_t>(machine);
  const auto day = static_cast<std::uint64_t>(lt.day);
  if (Noise(seed, 11, mi, day) < 0.04) return false;  // the user is away today
  const int on = 7 * 60 + static_cast<int>(Noise(seed, 12, mi, day) * 40);
  const int off = 17 * 60 + static_cast<int>(Noise(seed, 13, mi, day) * 40);
  const int mod = lt.minute_of_day();
  return mod >= on && mod < off;
}

Office::Demand Office::DesiredDemand(int machine, std::int64_t b, bool detail) const {
  Demand d;
  const MachinePlan& m = machines_[static_cast<std::size_t>(machine)];
  if (!IsOn(machine, b + step_)) return d;
  const double cap = o_.uplink_mbps * 1e6 / 8 * static_cast<double>(step_);  // bytes per bucket
  const an::LocalTime lt = an::ToLocal(b, o_.utc_offset_minutes);
  const int mod = lt.minute_of_day();
  const bool workday = lt.weekday < 5;
  const bool office = workday && ((mod >= 450 && mod < 690) || (mod >= 780 && mod < 1020));
  const bool lunch = workday && mod >= 690 && mod < 780;
  const auto seed = o_.seed;
  const auto mi = static_cast<std::uint64_t>(machine);
  const auto bu = static_cast<std::uint64_t>(b);
  double activity = office ? 1.0 : lunch ? 0.25 : 0.02;
  // Mornings are a little busier than afternoons.
  if (office && mod < 690) activity *= 1.15;
  const double per_machine =
      0.20 * cap / std::max<double>(1, static_cast<double>(machines_.size()));
  const double bg = per_machine * activity * (0.3 + 1.4 * Noise(seed, 21, mi, bu));
  d.down += bg;
  d.up += bg * 0.25;
  const double browser_share = 0.6 + 0.2 * Noise(seed, 22, mi, bu);
  if (detail) {
    d.apps[m.browser] += bg * 1.25 * browser_share;
    d.apps["Zalo"] += bg * 1.25 * (1 - browser_share) * 0.7;
    d.apps["other"] += bg * 1.25 * (1 - browser_share) * 0.3;
    const double portal = 0.15 + 0.2 * Noise(seed, 23, mi, bu);
    d.services["dichvucong.gov.vn"] += bg * 1.25 * portal;
    d.services["google.com"] += bg * 1.25 * 0.25;
    d.services["zalo.me"] += bg * 1.25 * (1 - browser_share) * 0.7;
    d.services["other"] += bg * 1.25 * std::max(0.0, 0.75 - portal - (1 - browser_share) * 0.7);
  }
  if (const CongestedBlock* blk = BlockAt(b); blk && office) {
    for (const Culprit& c : blk->culprits) {
      if (c.machine != machine) continue;
      const double want = 1.5 * cap * c.down_share * (0.85 + 0.3 * Noise(seed, 24, mi, bu));
      d.down += want;
      d.up += want * c.up_ratio;
      if (detail) {
        d.apps[c.app] += want * (1 + c.up_ratio);
        d.services[c.service] += want * (1 + c.up_ratio);
      }
    }
  }
  return d;
}

Office::Load Office::ComputeLoad(std::int64_t bucket) const {
  double down = 0, up = 0;
  for (int i = 0; i < static_cast<int>(machines_.size()); ++i) {
    const Demand d = DesiredDemand(i, bucket, /*detail=*/false);
    down += d.down;
    up += d.up;
  }
  const double cap = o_.uplink_mbps * 1e6 / 8 * static_cast<double>(step_);
  Load l;
  l.scale_down = down > cap * 0.97 ? cap * 0.97 / down : 1.0;
  l.scale_up = up > cap * 0.97 ? cap * 0.97 / up : 1.0;
  l.utilisation = down * l.scale_down / cap;
  return l;
}

Office::Load Office::LoadAt(std::int64_t bucket) const {
  const std::int64_t i = (bucket - start_) / step_;
  if (bucket >= start_ && i < static_cast<std::int64_t>(load_.size()) &&
      (bucket - start_) % step_ == 0) {
    return load_[static_cast<std::size_t>(i)];
  }
  std::lock_guard<std::mutex> lock(live_mu_);
  auto it = live_load_.find(bucket);
  if (it != live_load_.end()) return it->second;
  if (live_load_.size() > 4096) live_load_.clear();
  return live_load_[bucket] = ComputeLoad(bucket);
}

std::pair<double, double> Office::Scale(std::int64_t bucket) const {
  const Load l = LoadAt(bucket);
  return {l.scale_down, l.scale_up};
}

double Office::Utilisation(std::int64_t bucket) const { return LoadAt(bucket).utilisation; }

an::SiteConfig Office::SiteConfig() const {
  an::SiteConfig c;
  c.utc_offset_minutes = o_.utc_offset_minutes;
  c.uplink_down_mbps = o_.uplink_mbps;
  c.uplink_up_mbps = o_.uplink_mbps;
  c.office_subnets = {"192.168.1.0/24"};
  c.office_name = "UBND phường (mô phỏng)";
  return c;
}

nlohmann::json Office::Truth() const {
  nlohmann::json machines = nlohmann::json::array();
  for (const MachinePlan& m : machines_) {
    nlohmann::json packages = nlohmann::json::object();  // name -> version, as installed
    for (const schema::Package& p : m.packages) packages[p.name] = p.version;
    machines.push_back({{"machine_id", m.machine_id},
                        {"hostname", m.hostname},
                        {"department", m.department},
                        {"kind", m.kind == Kind::kOld      ? "old"
                                 : m.kind == Kind::kMiddle ? "middle"
                                                           : "new"},
                        {"planted", m.planted},
                        {"reasons", m.reasons},
                        {"age_years", std::round(m.age_years * 100) / 100},
                        {"os", m.os_pretty},
                        {"hdd", m.hdd},
                        {"ram_bytes", m.ram_bytes},
                        {"failing_disk", m.failing_disk},
                        {"battery_wear", m.battery_wear},
                        {"capture", m.capture},
                        {"always_on", m.always_on},
                        {"packages", packages}});
  }
  // Congested hour cells (weekday x hour) with the days and who filled the line.
  struct Cell {
    std::vector<std::string> days;
    std::map<std::string, int> machines, apps;
  };
  std::map<std::pair<int, int>, Cell> cells;
  const std::int64_t end_day = an::ToLocal(o_.end - 1, o_.utc_offset_minutes).day;
  const std::int64_t first_day = an::ToLocal(start_, o_.utc_offset_minutes).day;
  for (const CongestedBlock& b : blocks_) {
    if (b.day > end_day || b.day < first_day) continue;
    for (int h = b.first_hour; h <= b.last_hour; ++h) {
      // Only hours inside the simulated history count.
      const std::int64_t hs = b.day * 86400 + h * 3600 - o_.utc_offset_minutes * 60;
      if (hs < start_ || hs + 3600 > o_.end) continue;
      Cell& c = cells[{b.weekday, h}];
      const an::LocalTime t = an::ToLocal(b.day * 86400, 0);
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", t.year % 10000, t.month % 100,
                    t.mday % 100);
      c.days.push_back(date);
      for (const Culprit& cu : b.culprits) {
        ++c.machines[machines_[static_cast<std::size_t>(cu.machine)].hostname];
        ++c.apps[cu.app];
      }
    }
  }
  nlohmann::json blocks = nlohmann::json::array();
  for (const auto& [key, c] : cells) {
    blocks.push_back({{"weekday", key.first},
                      {"hour", key.second},
                      {"days", c.days},
                      {"machines", c.machines},
                      {"apps", c.apps}});
  }
  return {{"seed", o_.seed},
          {"machines_count", machines_.size()},
          {"days", o_.days},
          {"start", start_},
          {"end", o_.end},
          {"step_seconds", step_},
          {"uplink_mbps", o_.uplink_mbps},
          {"machines", machines},
          {"congested_cells", blocks}};
}

}  // namespace wardwatch::simulate
