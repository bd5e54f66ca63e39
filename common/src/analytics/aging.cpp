// The aging score: transparent points per measured fact, capped at 100, with bilingual
// evidence; the recommendation and its cost; the replace-first ranking.
#include "wardwatch/analytics/aging.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "wardwatch/analytics/local_time.h"
#include "wardwatch/analytics/os_support.h"
#include "wardwatch/analytics/text_format.h"

namespace wardwatch::analytics {

namespace {

constexpr double kSmartCap = 40;
constexpr double kGiB = 1024.0 * 1024 * 1024;
constexpr double kHoursPerYearOfUse = 2500;  // ~10 h a working day, 250 days

}  // namespace

// Grouped thousands: 15.000.000 (vi) / 15,000,000 (en).
std::string FormatVnd(std::int64_t v, bool vi) {
  const std::uint64_t magnitude =
      v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  return (v < 0 ? "-" : "") + GroupThousands(magnitude, vi) + (vi ? " đ" : " VND");
}

const char* RecommendationName(Recommendation r) {
  switch (r) {
    case Recommendation::kReplace:
      return "replace";
    case Recommendation::kUpgrade:
      return "upgrade";
    case Recommendation::kWatch:
      return "watch";
    case Recommendation::kFine:
      return "fine";
  }
  return "fine";
}

MachineInventory ExtractInventory(const Report& r) {
  MachineInventory m;
  m.machine_id = r.machine_id;
  m.hostname = r.hostname;
  m.platform = r.platform;
  m.last_seen = static_cast<std::int64_t>(r.collected_at_ms / 1000);
  if (r.system.os) {
    const auto& osr = r.system.os->os_release;
    if (auto it = osr.find("ID"); it != osr.end()) m.os_id = it->second;
    if (auto it = osr.find("VERSION_ID"); it != osr.end()) m.os_version = it->second;
    if (auto it = osr.find("PRETTY_NAME"); it != osr.end()) m.os_pretty = it->second;
  }
  const auto& dmi = r.system.dmi;
  if (auto it = dmi.find("sys_vendor"); it != dmi.end()) m.vendor = it->second;
  if (auto it = dmi.find("product_name"); it != dmi.end()) m.product = it->second;
  if (auto it = dmi.find("bios_date"); it != dmi.end()) m.bios_date = it->second;
  if (auto it = r.system.meminfo.find("MemTotal"); it != r.system.meminfo.end())
    m.ram_bytes = it->second;
  m.cpu_threads = static_cast<std::uint32_t>(r.system.cpus.size());
  if (r.hardware) {
    const schema::HardwareSection& h = *r.hardware;
    if (h.cpu) {
      m.cpu_model = h.cpu->model_name;
      if (h.cpu->threads > 0) m.cpu_threads = h.cpu->threads;
    }
    m.chassis_type = h.chassis_type;
    if (h.chassis_type) {
      const std::uint32_t t = *h.chassis_type;
      m.laptop = t == 8 || t == 9 || t == 10 || t == 14 || t == 31 || t == 32;
    }
    for (const schema::Battery& b : h.batteries) {
      if (b.wear_ratio)
        m.battery_wear_ratio = std::max(m.battery_wear_ratio.value_or(0), *b.wear_ratio);
    }
    if (!h.batteries.empty()) m.laptop = true;
    const schema::Disk* boot = nullptr;
    for (const schema::Disk& d : h.disks) {
      if (d.boot) boot = &d;
    }
    if (boot == nullptr && !h.disks.empty()) boot = &h.disks.front();
    if (boot != nullptr) {
      m.has_boot_disk = true;
      m.disk_name = boot->name;
      m.disk_model = boot->model;
      m.disk_size_bytes = boot->size_bytes;
      m.disk_rotational = boot->rotational;
      m.smart_passed = boot->smart_passed;
      for (const schema::SmartAttribute& a : boot->attributes) m.smart_raw[a.id] = a.raw;
      if (boot->nvme) {
        m.nvme_percentage_used = boot->nvme->percentage_used;
        m.nvme_media_errors = boot->nvme->media_errors;
        if (boot->nvme->power_on_hours > 0) m.power_on_hours = boot->nvme->power_on_hours;
      }
      if (boot->power_on_hours) m.power_on_hours = boot->power_on_hours;
      if (!m.power_on_hours) {
        if (auto it = m.smart_raw.find(9); it != m.smart_raw.end()) m.power_on_hours = it->second;
      }
    }
  }
  const schema::NetInterface* nic = nullptr;
  for (const schema::NetInterface& i : r.network.interfaces) {
    if (i.type == 772 || i.name == "lo") continue;
    if (nic == nullptr ||
        i.receive_bytes + i.transmit_bytes > nic->receive_bytes + nic->transmit_bytes) {
      nic = &i;
    }
  }
  if (nic != nullptr) {
    m.nic_name = nic->name;
    m.nic_speed_bytes = nic->speed_bytes;
    if (nic->wireless) {
      m.nic_wireless = true;
      m.wifi_signal_dbm = nic->wireless->signal_dbm;
    }
  }
  if (const auto& st = r.network.speedtest; st && st->error.empty() &&
                                            st->download_bytes_per_second > 0 &&
                                            st->upload_bytes_per_second > 0) {
    m.lan_download_bytes_per_second = st->download_bytes_per_second;
    m.lan_upload_bytes_per_second = st->upload_bytes_per_second;
  }
  return m;
}

bool SlowLan(const MachineInventory& m, const Thresholds& t) {
  return m.lan_download_bytes_per_second && m.lan_upload_bytes_per_second &&
         std::min(*m.lan_download_bytes_per_second, *m.lan_upload_bytes_per_second) <=
             t.slow_lan_bytes_per_second;
}

nlohmann::json InventoryToJson(const MachineInventory& m) {
  nlohmann::json smart = nlohmann::json::object();
  for (const auto& [id, raw] : m.smart_raw) smart[std::to_string(id)] = raw;
  auto opt = [](const auto& o) { return o ? nlohmann::json(*o) : nlohmann::json(nullptr); };
  return {{"machine_id", m.machine_id},
          {"hostname", m.hostname},
          {"platform", m.platform},
          {"last_seen", m.last_seen},
          {"os_id", m.os_id},
          {"os_version", m.os_version},
          {"os_pretty", m.os_pretty},
          {"vendor", m.vendor},
          {"product", m.product},
          {"bios_date", m.bios_date},
          {"cpu_model", m.cpu_model},
          {"cpu_threads", m.cpu_threads},
          {"ram_bytes", m.ram_bytes},
          {"chassis_type", opt(m.chassis_type)},
          {"laptop", m.laptop},
          {"boot_disk", m.has_boot_disk
                            ? nlohmann::json{{"name", m.disk_name},
                                             {"model", m.disk_model},
                                             {"size_bytes", m.disk_size_bytes},
                                             {"rotational", m.disk_rotational},
                                             {"smart_passed", opt(m.smart_passed)},
                                             {"smart_raw", smart},
                                             {"nvme_percentage_used", opt(m.nvme_percentage_used)},
                                             {"nvme_media_errors", opt(m.nvme_media_errors)},
                                             {"power_on_hours", opt(m.power_on_hours)}}
                            : nlohmann::json(nullptr)},
          {"nic_name", m.nic_name},
          {"nic_speed_bytes", opt(m.nic_speed_bytes)},
          {"nic_wireless", m.nic_wireless},
          {"wifi_signal_dbm", opt(m.wifi_signal_dbm)},
          {"lan_download_bytes_per_second", opt(m.lan_download_bytes_per_second)},
          {"lan_upload_bytes_per_second", opt(m.lan_upload_bytes_per_second)},
          {"battery_wear_ratio", opt(m.battery_wear_ratio)}};
}

nlohmann::json MetaToJson(const MachineMeta& m) {
  return {{"purchase_date", m.purchase_date}, {"asset_tag", m.asset_tag},
          {"department", m.department},       {"room", m.room},
          {"primary_user", m.primary_user},   {"notes", m.notes}};
}

Result<MachineMeta> MetaFromJson(const nlohmann::json& j, const MachineMeta& base) {
  if (!j.is_object()) return MakeError("machine meta: expected a JSON object");
  MachineMeta m = base;
  struct Field {
    const char* key;
    std::string* out;
    std::size_t max;
  };
  const Field fields[] = {{"purchase_date", &m.purchase_date, 10}, {"asset_tag", &m.asset_tag, 64},
                          {"department", &m.department, 128},      {"room", &m.room, 64},
                          {"primary_user", &m.primary_user, 128},  {"notes", &m.notes, 2000}};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const Field& f : fields) {
      if (it.key() != f.key) continue;
      known = true;
      if (!it.value().is_string()) return MakeError(std::string(f.key) + ": expected a string");
      std::string v = it.value().get<std::string>();
      if (v.size() > f.max)
        return MakeError(std::string(f.key) + ": longer than " + std::to_string(f.max) + " bytes");
      *f.out = std::move(v);
    }
    if (!known) return MakeError(it.key() + ": unknown field");
  }
  int y = 0, mo = 0, d = 0;
  if (!m.purchase_date.empty() &&
      (!ParseDate(m.purchase_date, y, mo, d) || m.purchase_date[4] != '-')) {
    return MakeError("purchase_date: expected a date YYYY-MM-DD, got \"" + m.purchase_date + "\"");
  }
  return m;
}

UsageSummary SummarizeUsage(const std::vector<MachineHour>& hours, const SiteConfig&) {
  UsageSummary u;
  double busy = 0, total = 0, mem = 0, io = 0;
  std::uint64_t swap = 0, hard_faults = 0, sat = 0, nic_busy = 0, intervals_all = 0;
  const MachineHour* first_smart = nullptr;
  const MachineHour* last_smart = nullptr;
  for (const MachineHour& h : hours) {
    u.office_seconds += h.office_seconds;
    busy += h.office_cpu_busy_seconds;
    total += h.office_cpu_total_seconds;
    u.office_intervals += h.office_intervals;
    sat += h.office_saturated_intervals;
    mem += h.office_memory_some_seconds;
    io += h.office_io_some_seconds;
    swap += h.office_swap_in_pages;
    hard_faults += h.office_hard_fault_reads;
    u.office_throttle_events += h.office_throttle_events;
    nic_busy += h.nic_busy_intervals;
    intervals_all += static_cast<std::uint64_t>(h.seconds > 0 ? 1 : 0);
    u.wan_bytes += h.wan_rx + h.wan_tx;
    u.lan_bytes += h.lan_rx + h.lan_tx;
    if (h.has_smart) {
      if (first_smart == nullptr || h.hour_start < first_smart->hour_start) first_smart = &h;
      if (last_smart == nullptr || h.hour_start >= last_smart->hour_start) last_smart = &h;
    }
  }
  if (total > 0) u.office_cpu_busy_ratio = busy / total;
  if (u.office_intervals > 0) u.cpu_saturated_share = static_cast<double>(sat) / u.office_intervals;
  if (u.office_seconds > 0) {
    u.memory_pressure_ratio = mem / u.office_seconds;
    u.io_pressure_ratio = io / u.office_seconds;
    u.swap_in_pages_per_office_hour = static_cast<double>(swap) / (u.office_seconds / 3600);
    u.hard_fault_reads_per_office_hour =
        static_cast<double>(hard_faults) / (u.office_seconds / 3600);
  }
  if (u.office_intervals > 0) u.nic_busy_share = static_cast<double>(nic_busy) / u.office_intervals;
  if (first_smart) u.smart_reallocated_first = first_smart->smart_reallocated_max;
  if (last_smart) u.smart_reallocated_last = last_smart->smart_reallocated_max;
  (void)intervals_all;
  return u;
}

namespace {

class Scorer {
 public:
  std::vector<Evidence> items;
  double smart_points = 0;

  Evidence& Add(std::string key, double value, std::string unit, double threshold, double weight,
                double points, std::string vi, std::string en) {
    items.push_back(Evidence{std::move(key), value, std::move(unit), threshold, weight, points,
                             std::move(vi), std::move(en)});
    return items.back();
  }
  // SMART items share one cap: later items get what is left.
  void AddSmart(std::string key, double value, std::string unit, double threshold, double weight,
                std::string vi, std::string en) {
    const double pts = std::min(weight, kSmartCap - smart_points);
    smart_points += pts;
    Add(std::move(key), value, std::move(unit), threshold, weight, pts, std::move(vi),
        std::move(en));
  }
  double Total() const {
    double t = 0;
    for (const Evidence& e : items) t += e.points;
    return t;
  }
};

}  // namespace

AgingResult ComputeAging(const MachineInventory& inv, const UsageSummary& usage,
                         const MachineMeta& meta, const SiteConfig& c, std::int64_t now) {
  const Thresholds& t = c.thresholds;
  AgingResult a;
  a.machine_id = inv.machine_id;
  a.hostname = inv.hostname;
  Scorer s;
  const std::int64_t today = ToLocal(now, c.utc_offset_minutes).day;

  // Age: purchase date, else BIOS date, else disk power-on hours.
  int y = 0, mo = 0, d = 0;
  std::string src_vi, src_en;
  if (!meta.purchase_date.empty() && ParseDate(meta.purchase_date, y, mo, d)) {
    a.age_years = static_cast<double>(today - DaysFromCivil(y, mo, d)) / 365.25;
    a.age_source = "purchase_date";
    src_vi = "theo ngày mua " + meta.purchase_date;
    src_en = "from its purchase date " + meta.purchase_date;
  } else if (!inv.bios_date.empty() && ParseDate(inv.bios_date, y, mo, d)) {
    a.age_years = static_cast<double>(today - DaysFromCivil(y, mo, d)) / 365.25;
    a.age_source = "bios_date";
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, mo, d);
    src_vi = std::string("theo ngày BIOS ") + iso;
    src_en = std::string("from its BIOS date ") + iso;
  } else if (inv.power_on_hours) {
    a.age_years = static_cast<double>(*inv.power_on_hours) / kHoursPerYearOfUse;
    a.age_source = "power_on_hours";
    src_vi = "ước tính từ " + GroupThousands(*inv.power_on_hours, true) + " giờ chạy của ổ cứng";
    src_en =
        "estimated from " + GroupThousands(*inv.power_on_hours, false) + " disk power-on hours";
  } else {
    a.age_source = "unknown";
  }
  if (a.age_years) {
    const double age = std::max(0.0, *a.age_years);
    a.age_years = age;
    const double pts = age >= t.old_age_years ? 25 : age >= t.middle_age_years ? 12 : 0;
    s.Add("age", age, "years", t.old_age_years, 25, pts,
          "Máy đã dùng khoảng " + Num(age, 1, true) + " năm (" + src_vi + ")",
          "The machine is about " + Num(age, 1, false) + " years old (" + src_en + ")");
    if (age >= t.old_age_years) a.flags.push_back("old");
  }

  // SMART of the boot disk.
  const std::string disk_vi =
      inv.disk_rotational ? "Ổ cứng khởi động là HDD, " : "Ổ cứng khởi động ";
  const std::string disk_en = inv.disk_rotational ? "Boot disk is a HDD with " : "Boot disk has ";
  bool failing = false;
  if (inv.smart_passed && !*inv.smart_passed) {
    failing = true;
    s.AddSmart("smart_failed", 1, "bool", 0, 40,
               "Ổ cứng khởi động không vượt qua kiểm tra SMART tổng thể",
               "Boot disk fails its overall SMART health check");
  }
  auto raw = [&](std::uint32_t id) -> std::uint64_t {
    auto it = inv.smart_raw.find(id);
    return it == inv.smart_raw.end() ? 0 : it->second;
  };
  if (std::uint64_t n = raw(5); n > 0) {
    failing = true;
    std::string grow_vi, grow_en;
    if (usage.smart_reallocated_first && *usage.smart_reallocated_first < n) {
      grow_vi = ", tăng từ " + GroupThousands(*usage.smart_reallocated_first, true) +
                " trong kỳ theo dõi";
      grow_en =
          ", up from " + GroupThousands(*usage.smart_reallocated_first, false) + " in the period";
    }
    s.AddSmart(
        "smart_5", static_cast<double>(n), "sectors", 0, 25,
        disk_vi + "có " + GroupThousands(n, true) + " sector bị ánh xạ lại (SMART 5)" + grow_vi,
        disk_en + GroupThousands(n, false) + " reallocated sectors (SMART 5)" + grow_en);
  }
  if (std::uint64_t n = raw(197); n > 0) {
    failing = true;
    s.AddSmart(
        "smart_197", static_cast<double>(n), "sectors", 0, 20,
        disk_vi + "có " + GroupThousands(n, true) + " sector đang chờ ánh xạ lại (SMART 197)",
        disk_en + GroupThousands(n, false) + " sectors pending reallocation (SMART 197)");
  }
  if (std::uint64_t n = raw(198); n > 0) {
    failing = true;
    s.AddSmart("smart_198", static_cast<double>(n), "sectors", 0, 20,
               disk_vi + "có " + GroupThousands(n, true) + " sector không đọc được (SMART 198)",
               disk_en + GroupThousands(n, false) + " uncorrectable sectors (SMART 198)");
  }
  if (std::uint64_t n = raw(187); n > 0) {
    failing = true;
    s.AddSmart("smart_187", static_cast<double>(n), "errors", 0, 15,
               disk_vi + "đã báo " + GroupThousands(n, true) + " lỗi không sửa được (SMART 187)",
               disk_en + GroupThousands(n, false) + " reported uncorrectable errors (SMART 187)");
  }
  if (std::uint64_t n = raw(188); n > 0) {
    s.AddSmart("smart_188", static_cast<double>(n), "timeouts", 0, 5,
               disk_vi + "có " + GroupThousands(n, true) + " lần lệnh bị quá thời gian (SMART 188)",
               disk_en + GroupThousands(n, false) + " command timeouts (SMART 188)");
  }
  if (inv.nvme_percentage_used && *inv.nvme_percentage_used >= t.nvme_used_percent) {
    const double used = static_cast<double>(*inv.nvme_percentage_used);
    s.AddSmart("nvme_used", used, "percent", t.nvme_used_percent, used >= 100 ? 25 : 15,
               "SSD NVMe đã dùng " + Num(used, 0, true) + "% tuổi thọ thiết kế",
               "NVMe SSD has used " + Num(used, 0, false) + "% of its rated life");
    if (used >= 100) failing = true;
  }
  if (inv.nvme_media_errors && *inv.nvme_media_errors > 0) {
    failing = true;
    s.AddSmart("nvme_media_errors", static_cast<double>(*inv.nvme_media_errors), "errors", 0, 20,
               "SSD NVMe có " + GroupThousands(*inv.nvme_media_errors, true) +
                   " lỗi dữ liệu (media errors)",
               "NVMe SSD has " + GroupThousands(*inv.nvme_media_errors, false) + " media errors");
  }
  if (failing) a.flags.push_back("failing_disk");

  if (inv.has_boot_disk && inv.disk_rotational) {
    a.flags.push_back("hdd");
    s.Add("hdd_boot", 1, "bool", 0, 10, 10,
          "Ổ cứng khởi động là HDD (ổ cơ), chậm hơn SSD nhiều lần",
          "Boot disk is a spinning HDD, many times slower than an SSD");
  }
  const bool low_ram = inv.ram_bytes > 0 && static_cast<double>(inv.ram_bytes) <= t.low_ram_bytes;
  if (low_ram) {
    a.flags.push_back("low_ram");
    const double gb = static_cast<double>(inv.ram_bytes) / kGiB;
    s.Add("low_ram", static_cast<double>(inv.ram_bytes), "bytes", t.low_ram_bytes, 10, 10,
          "Máy chỉ có " + Num(gb, 1, true) + " GB RAM (ngưỡng " +
              Num(t.low_ram_bytes / kGiB, 1, true) + " GB)",
          "Only " + Num(gb, 1, false) + " GB of RAM (threshold " +
              Num(t.low_ram_bytes / kGiB, 1, false) + " GB)");
  }
  // Linux: PSI memory "some" and swap-ins. Windows has neither (no PSI; its page-file reads
  // are counted together with program-image reads): disk reads for hard page faults instead.
  const bool windows = inv.platform == "windows";
  const bool mem_pressure =
      usage.office_seconds > 0 &&
      (windows ? usage.hard_fault_reads_per_office_hour >= t.hard_fault_reads_per_hour
               : (usage.memory_pressure_ratio >= t.memory_pressure_ratio ||
                  usage.swap_in_pages_per_office_hour >= t.swap_in_pages_per_hour));
  if (mem_pressure && windows) {
    a.flags.push_back("memory_pressure");
    s.Add("memory_pressure", usage.hard_fault_reads_per_office_hour, "per_hour",
          t.hard_fault_reads_per_hour, 10, 10,
          "Trong giờ làm việc, Windows phải đọc ổ đĩa " +
              Num(usage.hard_fault_reads_per_office_hour, 0, true) +
              " lần mỗi giờ để lấy lại trang bộ nhớ (lỗi trang cứng; ngưỡng " +
              Num(t.hard_fault_reads_per_hour, 0, true) + ")",
          "During office hours Windows read the disk " +
              Num(usage.hard_fault_reads_per_office_hour, 0, false) +
              " times an hour to bring memory pages back (hard page faults; threshold " +
              Num(t.hard_fault_reads_per_hour, 0, false) + ")");
  } else if (mem_pressure) {
    a.flags.push_back("memory_pressure");
    s.Add("memory_pressure", usage.memory_pressure_ratio, "ratio", t.memory_pressure_ratio, 10, 10,
          "Trong giờ làm việc, máy phải chờ bộ nhớ " + Pct(usage.memory_pressure_ratio, true) +
              " thời gian và đọc lại " + Num(usage.swap_in_pages_per_office_hour, 0, true) +
              " trang từ bộ nhớ ảo mỗi giờ",
          "During office hours the machine waited for memory " +
              Pct(usage.memory_pressure_ratio, false) + " of the time and swapped in " +
              Num(usage.swap_in_pages_per_office_hour, 0, false) + " pages an hour");
  }
  if (usage.office_intervals > 0 && usage.cpu_saturated_share >= t.cpu_saturated_share) {
    a.flags.push_back("cpu_saturated");
    s.Add("cpu_saturated", usage.cpu_saturated_share, "ratio", t.cpu_saturated_share, 10, 10,
          "CPU quá tải (≥ " + Pct(t.cpu_saturated_busy, true) + ") trong " +
              Pct(usage.cpu_saturated_share, true) + " thời gian làm việc",
          "CPU saturated (≥ " + Pct(t.cpu_saturated_busy, false) + ") for " +
              Pct(usage.cpu_saturated_share, false) + " of office time");
  }
  if (usage.office_seconds > 0 && usage.io_pressure_ratio >= t.io_pressure_ratio) {
    a.flags.push_back("io_pressure");
    s.Add("io_pressure", usage.io_pressure_ratio, "ratio", t.io_pressure_ratio, 5, 5,
          "Trong giờ làm việc, máy phải chờ ổ đĩa " + Pct(usage.io_pressure_ratio, true) +
              " thời gian",
          "During office hours the machine waited for the disk " +
              Pct(usage.io_pressure_ratio, false) + " of the time");
  }
  if (usage.office_throttle_events > 0) {
    a.flags.push_back("thermal_throttling");
    s.Add("thermal_throttling", static_cast<double>(usage.office_throttle_events), "events", 0, 5,
          5,
          "CPU bị giảm xung do quá nhiệt " + GroupThousands(usage.office_throttle_events, true) +
              " lần trong giờ làm việc",
          "CPU throttled for heat " + GroupThousands(usage.office_throttle_events, false) +
              " times during office hours");
  }
  const bool worn_battery =
      inv.battery_wear_ratio && *inv.battery_wear_ratio >= t.battery_wear_ratio;
  if (worn_battery) {
    a.flags.push_back("battery_worn");
    s.Add(
        "battery_wear", *inv.battery_wear_ratio, "ratio", t.battery_wear_ratio, 5, 5,
        "Pin laptop đã chai " + Pct(*inv.battery_wear_ratio, true) + " so với dung lượng thiết kế",
        "Laptop battery has lost " + Pct(*inv.battery_wear_ratio, false) +
            " of its design capacity");
  }
  const bool slow_nic = inv.nic_speed_bytes && !inv.nic_wireless &&
                        static_cast<double>(*inv.nic_speed_bytes) <= t.slow_nic_bytes_per_second;
  if (slow_nic) {
    a.flags.push_back("slow_nic");
    const double mbps = static_cast<double>(*inv.nic_speed_bytes) * 8 / 1e6;
    s.Add("slow_nic", static_cast<double>(*inv.nic_speed_bytes), "bytes_per_second",
          t.slow_nic_bytes_per_second, 5, 5, "Card mạng chỉ chạy " + Num(mbps, 0, true) + " Mb/s",
          "Network card runs at only " + Num(mbps, 0, false) + " Mb/s");
  }
  const bool weak_wifi =
      inv.nic_wireless && inv.wifi_signal_dbm && *inv.wifi_signal_dbm <= t.weak_wifi_dbm;
  if (weak_wifi) {
    a.flags.push_back("weak_wifi");
    s.Add("weak_wifi", *inv.wifi_signal_dbm, "dbm", t.weak_wifi_dbm, 5, 5,
          "Sóng Wi-Fi yếu (" + Num(*inv.wifi_signal_dbm, 0, true) + " dBm)",
          "Weak Wi-Fi signal (" + Num(*inv.wifi_signal_dbm, 0, false) + " dBm)");
  }
  if (SlowLan(inv, t)) {
    a.flags.push_back("slow_lan");
    const double down = *inv.lan_download_bytes_per_second * 8 / 1e6;
    const double up = *inv.lan_upload_bytes_per_second * 8 / 1e6;
    s.Add("slow_lan",
          std::min(*inv.lan_download_bytes_per_second, *inv.lan_upload_bytes_per_second),
          "bytes_per_second", t.slow_lan_bytes_per_second, 5, 5,
          "Đo tốc độ mạng nội bộ chỉ đạt " + Num(down, 0, true) + " Mb/s tải xuống, " +
              Num(up, 0, true) + " Mb/s tải lên (cáp, cổng switch hoặc Wi-Fi)",
          "LAN speed test measured only " + Num(down, 0, false) + " Mb/s down, " +
              Num(up, 0, false) + " Mb/s up (cable, switch port or Wi-Fi)");
  }
  bool os_eol = false;
  if (auto os = LookupOsSupport(inv.os_id, inv.os_version)) {
    const std::int64_t days_left = os->end_day - today;
    if (days_left < 0) {
      os_eol = true;
      a.flags.push_back("os_eol");
      s.Add("os_eol", static_cast<double>(-days_left), "days", 0, 15, 15,
            "Hệ điều hành " + os->name + " đã hết hỗ trợ bảo mật từ " + os->end_date,
            os->name + " has been out of security support since " + os->end_date);
    } else if (days_left <= t.os_eol_warning_days) {
      a.flags.push_back("os_eol_soon");
      s.Add("os_eol_soon", static_cast<double>(days_left), "days", t.os_eol_warning_days, 15, 5,
            "Hệ điều hành " + os->name + " sẽ hết hỗ trợ bảo mật ngày " + os->end_date,
            os->name + " loses security support on " + os->end_date);
    }
  }

  a.score = static_cast<int>(std::lround(std::min(100.0, s.Total())));
  a.evidence = std::move(s.items);
  std::stable_sort(a.evidence.begin(), a.evidence.end(),
                   [](const Evidence& x, const Evidence& y2) { return x.points > y2.points; });

  // Recommendation and cost.
  const PriceTable& p = c.prices;
  std::vector<std::string> fixes;
  std::int64_t fix_cost = 0;
  if (failing || (inv.has_boot_disk && inv.disk_rotational)) {
    fixes.push_back("ssd");
    fix_cost += p.ssd_vnd;
  }
  if (low_ram || mem_pressure) {
    fixes.push_back("add_ram");
    fix_cost += p.ram_vnd;
  }
  if (worn_battery) {
    fixes.push_back("battery");
    fix_cost += p.battery_vnd;
  }
  if (slow_nic) {
    fixes.push_back("nic");
    fix_cost += p.nic_vnd;
  }
  if (os_eol) {
    fixes.push_back("os_upgrade");
    fix_cost += p.os_upgrade_vnd;
  }
  const bool has_hw_fix = std::any_of(fixes.begin(), fixes.end(), [](const std::string& f) {
    return f == "ssd" || f == "add_ram" || f == "battery";
  });
  // Points the fixes would take away: the disk's (SSD), memory's (RAM), battery's, NIC's.
  auto fixed_by = [&](const std::string& key) {
    auto has = [&](const char* f) {
      return std::find(fixes.begin(), fixes.end(), f) != fixes.end();
    };
    if (has("ssd") && (key.rfind("smart_", 0) == 0 || key.rfind("nvme_", 0) == 0 ||
                       key == "hdd_boot" || key == "io_pressure")) {
      return true;
    }
    if (has("add_ram") && (key == "low_ram" || key == "memory_pressure")) return true;
    if (has("battery") && key == "battery_wear") return true;
    if (key == "slow_lan") return true;  // the cabling or the Wi-Fi, never a new PC
    return has("nic") && key == "slow_nic";
  };
  double remaining = 0;  // the evidence moved out of `s` above
  for (const Evidence& e : a.evidence) {
    if (!fixed_by(e.key)) remaining += e.points;
  }
  a.score_after_fixes = static_cast<int>(std::lround(std::min(100.0, remaining)));
  if (a.score >= t.replace_score && a.score_after_fixes >= t.replace_residual_score) {
    a.recommendation = Recommendation::kReplace;
    a.actions = {"replace_pc"};
    a.cost_vnd = inv.laptop ? p.new_laptop_vnd : p.new_desktop_vnd;
  } else if (has_hw_fix && (a.score >= t.watch_score || failing || worn_battery)) {
    // A failing disk or a worn battery is worth fixing whatever the score; a high score that
    // the fixes would mostly remove is an upgrade too.
    a.recommendation = Recommendation::kUpgrade;
    a.actions = fixes;
    a.cost_vnd = fix_cost;
  } else if (a.score >= t.watch_score) {
    a.recommendation = Recommendation::kWatch;
    a.actions = fixes;
  } else {
    a.recommendation = Recommendation::kFine;
  }
  auto action_vi = [](const std::string& x) -> std::string {
    if (x == "ssd") return "thay ổ SSD";
    if (x == "add_ram") return "nâng RAM";
    if (x == "battery") return "thay pin";
    if (x == "nic") return "lắp card mạng gigabit";
    if (x == "os_upgrade") return "nâng cấp hệ điều hành";
    return "thay máy mới";
  };
  auto action_en = [](const std::string& x) -> std::string {
    if (x == "ssd") return "fit an SSD";
    if (x == "add_ram") return "add RAM";
    if (x == "battery") return "replace the battery";
    if (x == "nic") return "fit a gigabit network card";
    if (x == "os_upgrade") return "upgrade the operating system";
    return "replace the PC";
  };
  std::string list_vi, list_en;
  for (const std::string& x : a.actions) {
    list_vi += (list_vi.empty() ? "" : ", ") + action_vi(x);
    list_en += (list_en.empty() ? "" : ", ") + action_en(x);
  }
  switch (a.recommendation) {
    case Recommendation::kReplace:
      a.summary_vi = "Đề nghị thay máy mới (ước tính " + FormatVnd(a.cost_vnd, true) + ")";
      a.summary_en = "Replace this PC (about " + FormatVnd(a.cost_vnd, false) + ")";
      break;
    case Recommendation::kUpgrade:
      a.summary_vi =
          "Đề nghị nâng cấp: " + list_vi + " (ước tính " + FormatVnd(a.cost_vnd, true) + ")";
      a.summary_en = "Upgrade: " + list_en + " (about " + FormatVnd(a.cost_vnd, false) + ")";
      break;
    case Recommendation::kWatch:
      a.summary_vi = "Theo dõi thêm" + (list_vi.empty() ? "" : "; nên " + list_vi);
      a.summary_en = "Keep watching" + (list_en.empty() ? "" : "; consider: " + list_en);
      break;
    case Recommendation::kFine:
      a.summary_vi = "Máy hoạt động tốt";
      a.summary_en = "No action needed";
      break;
  }
  return a;
}

nlohmann::json AgingToJson(const AgingResult& a) {
  nlohmann::json ev = nlohmann::json::array();
  for (const Evidence& e : a.evidence) {
    ev.push_back({{"key", e.key},
                  {"value", e.value},
                  {"unit", e.unit},
                  {"threshold", e.threshold},
                  {"weight", e.weight},
                  {"points", e.points},
                  {"text_vi", e.text_vi},
                  {"text_en", e.text_en}});
  }
  return {{"machine_id", a.machine_id},
          {"hostname", a.hostname},
          {"score", a.score},
          {"score_after_fixes", a.score_after_fixes},
          {"age_years", a.age_years ? nlohmann::json(*a.age_years) : nlohmann::json(nullptr)},
          {"age_source", a.age_source},
          {"recommendation", RecommendationName(a.recommendation)},
          {"actions", a.actions},
          {"flags", a.flags},
          {"cost_vnd", a.cost_vnd},
          {"summary_vi", a.summary_vi},
          {"summary_en", a.summary_en},
          {"evidence", ev}};
}

std::vector<const AgingResult*> RankReplaceFirst(const std::vector<AgingResult>& fleet) {
  std::vector<const AgingResult*> out;
  for (const AgingResult& a : fleet) out.push_back(&a);
  auto rank = [](Recommendation r) {
    switch (r) {
      case Recommendation::kReplace:
        return 0;
      case Recommendation::kUpgrade:
        return 1;
      case Recommendation::kWatch:
        return 2;
      case Recommendation::kFine:
        return 3;
    }
    return 3;
  };
  std::sort(out.begin(), out.end(), [&](const AgingResult* x, const AgingResult* y) {
    if (rank(x->recommendation) != rank(y->recommendation))
      return rank(x->recommendation) < rank(y->recommendation);
    if (x->score != y->score) return x->score > y->score;
    return x->machine_id < y->machine_id;
  });
  return out;
}

}  // namespace wardwatch::analytics
