// Pure conversions from Windows API outputs into report fields (see windows_convert.h).
#include "collectors/windows_convert.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "collectors/cpuinfo.h"
#include "collectors/dmi.h"
#include "fsutil.h"

namespace wardwatch::agent::winconv {
namespace {

// 1601-01-01 to 1970-01-01 in 100-ns ticks.
constexpr std::uint64_t kEpochDelta = 116444736000000000ull;

double Seconds(std::uint64_t ticks) { return static_cast<double>(ticks) / kTicksPerSecond; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string StripExe(std::string_view s) {
  if (s.size() > 4 && Lower(s.substr(s.size() - 4)) == ".exe") s.remove_suffix(4);
  return std::string(s);
}

std::string Get(const std::map<std::string, std::string>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? std::string() : std::string(Trim(it->second));
}

}  // namespace

double FileTimeToUnixSeconds(std::uint64_t filetime) {
  if (filetime <= kEpochDelta) return 0;
  return Seconds(filetime - kEpochDelta);
}

std::vector<schema::CpuTimes> CpuTimesFromTicks(std::span<const CpuTicks> cpus) {
  std::vector<schema::CpuTimes> out;
  std::uint32_t n = 0;
  for (const auto& c : cpus) {
    schema::CpuTimes t;
    t.cpu = n++;
    t.user = Seconds(c.user);
    t.idle = Seconds(c.idle);
    t.irq = Seconds(c.interrupt);
    t.softirq = Seconds(c.dpc);
    const std::uint64_t busy_kernel = c.kernel > c.idle ? c.kernel - c.idle : 0;
    const std::uint64_t other = c.dpc + c.interrupt;
    t.system = Seconds(busy_kernel > other ? busy_kernel - other : 0);
    out.push_back(t);
  }
  return out;
}

Result<PagingCounters> ParseSystemPerformanceInformation(std::span<const std::uint8_t> spi) {
  constexpr std::size_t kNeeded = 104;  // through DirtyWriteIoCount
  if (spi.size() < kNeeded) {
    return MakeError("SYSTEM_PERFORMANCE_INFORMATION is " + std::to_string(spi.size()) +
                     " bytes, the paging counters need " + std::to_string(kNeeded));
  }
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(spi[at] | (spi[at + 1] << 8) | (spi[at + 2] << 16) |
                                      (static_cast<std::uint32_t>(spi[at + 3]) << 24));
  };
  PagingCounters p;
  p.page_faults = u32(60);
  p.pages_read = u32(80);
  p.page_read_ios = u32(84);
  p.pagefile_pages_written = u32(96);
  p.pagefile_write_ios = u32(100);
  return p;
}

std::uint64_t CounterWidener::Next(std::uint32_t raw) {
  if (last_ && raw < *last_) high_ += std::uint64_t{1} << 32;
  last_ = raw;
  return high_ + raw;
}

std::map<std::string, std::uint64_t> VmstatFromPaging(std::uint64_t page_faults,
                                                      std::uint64_t page_read_ios,
                                                      std::uint64_t pagefile_pages_written) {
  if (page_faults == 0) return {};
  return {
      {"pgfault", page_faults}, {"pgmajfault", page_read_ios}, {"pswpout", pagefile_pages_written}};
}

std::map<std::string, std::uint64_t> MeminfoFromStatus(const MemoryStatus& m) {
  std::map<std::string, std::uint64_t> out;
  out["MemTotal"] = m.total_phys;
  out["MemAvailable"] = m.avail_phys;
  out["MemFree"] = m.avail_phys;
  const std::uint64_t swap_total =
      m.total_page_file > m.total_phys ? m.total_page_file - m.total_phys : 0;
  // Commit still available beyond what RAM can hold, never more than the page file itself.
  const std::uint64_t committed =
      m.total_page_file - std::min(m.avail_page_file, m.total_page_file);
  const std::uint64_t ram_used = m.total_phys - std::min(m.avail_phys, m.total_phys);
  const std::uint64_t swap_used = committed > ram_used ? committed - ram_used : 0;
  out["SwapTotal"] = swap_total;
  out["SwapFree"] = swap_total - std::min(swap_used, swap_total);
  if (m.system_cache_bytes) out["Cached"] = *m.system_cache_bytes;
  return out;
}

bool KeepVolume(const Volume& v) {
  constexpr unsigned kRemovable = 2, kFixed = 3;
  return (v.drive_type == kFixed || v.drive_type == kRemovable) && !v.fstype.empty() && v.total > 0;
}

schema::Filesystem FilesystemFromVolume(const Volume& v) {
  schema::Filesystem f;
  std::string mount = v.root;
  while (mount.size() > 2 && (mount.back() == '\\' || mount.back() == '/')) mount.pop_back();
  f.mountpoint = mount;
  f.device = v.volume_name.empty() ? v.root : v.volume_name;
  f.fstype = Lower(v.fstype);
  f.size_bytes = v.total;
  f.free_bytes = v.free;
  f.avail_bytes = v.avail;
  f.readonly = v.readonly;
  return f;
}

bool KeepInterface(const IfRow& r) {
  constexpr std::uint32_t kLoopback = 24;
  if (r.filter_interface) return false;
  return r.hardware_interface || r.if_type == kLoopback;
}

std::optional<bool> CarrierUp(std::uint32_t oper_status, std::uint32_t media_connect_state) {
  constexpr std::uint32_t kUp = 1, kDown = 2, kNotPresent = 6, kLowerLayerDown = 7;
  constexpr std::uint32_t kMediaDisconnected = 2;
  if (media_connect_state == kMediaDisconnected) return false;
  if (oper_status == kDown || oper_status == kNotPresent || oper_status == kLowerLayerDown) {
    return false;
  }
  if (oper_status == kUp) return true;
  return std::nullopt;
}

std::string OperState(std::uint32_t s) {
  switch (s) {
    case 1:
      return "up";
    case 2:
      return "down";
    case 3:
      return "testing";
    case 5:
      return "dormant";
    case 6:
      return "notpresent";
    case 7:
      return "lowerlayerdown";
    default:
      return "unknown";
  }
}

std::uint32_t ArphrdFromIfType(std::uint32_t if_type) {
  switch (if_type) {
    case 24:
      return 772;  // loopback
    case 6:        // ethernet
    case 71:       // IEEE 802.11: Linux reports Wi-Fi as ARPHRD_ETHER too
      return 1;
    case 131:
      return 65534;  // tunnel -> ARPHRD_NONE
    case 23:
      return 512;  // PPP
    default:
      return 65534;
  }
}

schema::Wireless WirelessFromWlan(std::uint32_t quality, std::optional<std::int32_t> rssi_dbm) {
  schema::Wireless w;
  const std::uint32_t q = std::min<std::uint32_t>(quality, 100);
  w.link_quality = q;
  // An RSSI of 0 or above is not a received Wi-Fi level (drivers answer 0 when they have none).
  w.signal_dbm = rssi_dbm && *rssi_dbm < 0 && *rssi_dbm >= -120 ? *rssi_dbm : q / 2.0 - 100;
  return w;
}

schema::NetInterface InterfaceFromRow(const IfRow& r) {
  schema::NetInterface i;
  i.name = r.alias.empty() ? r.description : r.alias;
  i.receive_bytes = r.in_octets;
  i.transmit_bytes = r.out_octets;
  i.receive_packets = r.in_ucast + r.in_nucast;
  i.transmit_packets = r.out_ucast + r.out_nucast;
  i.receive_errs = r.in_errors;
  i.transmit_errs = r.out_errors;
  i.receive_drop = r.in_discards;
  i.transmit_drop = r.out_discards;
  const std::uint64_t bits = std::max(r.receive_link_speed, r.transmit_link_speed);
  // Windows reports "unknown" as 0 or as all bits set.
  if (bits > 0 && bits != ~std::uint64_t{0}) i.speed_bytes = bits / 8;
  i.operstate = OperState(r.oper_status);
  i.type = ArphrdFromIfType(r.if_type);
  if (r.mtu > 0 && r.mtu != ~std::uint32_t{0}) i.mtu = r.mtu;
  if (!r.physical_address.empty()) {
    std::string mac;
    char b[4];
    for (auto byte : r.physical_address) {
      std::snprintf(b, sizeof b, "%02x", byte);
      if (!mac.empty()) mac += ':';
      mac += b;
    }
    i.address = mac;
  }
  return i;
}

std::map<std::string, std::string> DmiFromBiosKey(const std::map<std::string, std::string>& v) {
  static const std::pair<const char*, const char*> kMap[] = {
      {"BIOSReleaseDate", "bios_date"},
      {"BIOSVendor", "bios_vendor"},
      {"BIOSVersion", "bios_version"},
      {"SystemManufacturer", "sys_vendor"},
      {"SystemProductName", "product_name"},
      {"SystemFamily", "product_family"},
      {"SystemSKU", "product_sku"},
      {"SystemVersion", "product_version"},
      {"BaseBoardManufacturer", "board_vendor"},
      {"BaseBoardProduct", "board_name"},
      {"BaseBoardVersion", "board_version"},
  };
  std::map<std::string, std::string> out;
  for (const auto& [from, to] : kMap) {
    const std::string value = Get(v, from);
    if (!value.empty() && !IsPlaceholderDmiValue(value)) out[to] = value;
  }
  const std::string major = Get(v, "BiosMajorRelease"), minor = Get(v, "BiosMinorRelease");
  // 255.255 means "not given" in SMBIOS.
  if (!major.empty() && !minor.empty() && major != "255") out["bios_release"] = major + "." + minor;
  return out;
}

schema::OsInfo OsInfoFromVersion(const WindowsVersion& v) {
  schema::OsInfo os;
  os.sysname = "Windows_NT";
  std::string build = std::to_string(v.build);
  if (v.ubr) build += "." + std::to_string(*v.ubr);
  os.release = std::to_string(v.major) + "." + std::to_string(v.minor) + "." + build;
  os.machine = v.arch;
  os.nodename = v.hostname;
  const bool eleven = v.major == 10 && v.build >= 22000;
  const std::string version_id = eleven                         ? "11"
                                 : v.major == 10                ? "10"
                                 : v.major == 6 && v.minor == 3 ? "8.1"
                                 : v.major == 6 && v.minor == 2 ? "8"
                                 : v.major == 6 && v.minor == 1 ? "7"
                                                                : std::to_string(v.major);
  // ProductName still says "Windows 10 ..." on Windows 11; keep its edition words.
  std::string product = v.product_name.empty() ? "Windows " + version_id : v.product_name;
  if (eleven && product.rfind("Windows 10", 0) == 0) product.replace(0, 10, "Windows 11");
  os.version = product + (v.display_version.empty() ? "" : " " + v.display_version);
  os.os_release["NAME"] = "Windows";
  os.os_release["ID"] = "windows";
  os.os_release["VERSION_ID"] = version_id;
  if (!v.display_version.empty()) os.os_release["VERSION"] = v.display_version;
  os.os_release["BUILD_ID"] = build;
  if (!v.edition_id.empty()) os.os_release["VARIANT_ID"] = Lower(v.edition_id);
  os.os_release["PRETTY_NAME"] = os.version + " (build " + build + ")";
  os.boot_time_seconds = v.boot_time_seconds;
  return os;
}

std::optional<std::uint64_t> ParseInstallDate(std::string_view s) {
  s = Trim(s);
  if (s.size() != 8) return std::nullopt;
  auto y = ParseU64(s.substr(0, 4)), m = ParseU64(s.substr(4, 2)), d = ParseU64(s.substr(6, 2));
  if (!y || !m || !d || *y < 1980 || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*y)),
                                        std::chrono::month(static_cast<unsigned>(*m)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  const auto days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return static_cast<std::uint64_t>(days) * 86400;
}

std::optional<schema::Package> PackageFromUninstallKey(const std::map<std::string, std::string>& v,
                                                       std::string_view arch) {
  const std::string name = Get(v, "DisplayName");
  if (name.empty()) return std::nullopt;
  if (Get(v, "SystemComponent") == "1") return std::nullopt;
  if (!Get(v, "ParentKeyName").empty()) return std::nullopt;
  const std::string release = Lower(Get(v, "ReleaseType"));
  if (release == "update" || release == "hotfix" || release == "security update") {
    return std::nullopt;
  }
  schema::Package p;
  p.name = name;
  p.version = Get(v, "DisplayVersion");
  p.source = "registry";
  p.arch = std::string(arch);
  p.install_time = ParseInstallDate(Get(v, "InstallDate"));
  return p;
}

ProcessSample ProcessFromRaw(const ProcessRaw& p) {
  ProcessSample s;
  s.pid = p.pid;
  s.start_ticks = p.creation_filetime;
  s.comm = StripExe(p.exe_file);
  if (!p.image_path.empty()) {
    std::string path = p.image_path;
    std::replace(path.begin(), path.end(), '\\', '/');
    s.exe = StripExe(path);
  }
  s.cpu_seconds = Seconds(p.kernel_ticks + p.user_ticks);
  s.start_time = FileTimeToUnixSeconds(p.creation_filetime);
  s.rss_bytes = p.working_set_bytes;
  return s;
}

double IdleSecondsFromTicks(std::uint32_t now_ms, std::uint32_t last_input_ms) {
  return static_cast<double>(static_cast<std::uint32_t>(now_ms - last_input_ms)) / 1000.0;
}

std::map<std::string, std::uint64_t> NetstatFromStats(const NetStats& s) {
  std::map<std::string, std::uint64_t> out;
  if (s.tcp4 || s.tcp6) {
    TcpStats t;
    const bool repeated = s.shared_tcp_mib && s.tcp4;
    for (const auto& f : {s.tcp4, repeated ? std::nullopt : s.tcp6}) {
      if (!f) continue;
      t.active_opens += f->active_opens;
      t.passive_opens += f->passive_opens;
      t.attempt_fails += f->attempt_fails;
      t.estab_resets += f->estab_resets;
      t.curr_estab += f->curr_estab;
      t.in_segs += f->in_segs;
      t.out_segs += f->out_segs;
      t.retrans_segs += f->retrans_segs;
      t.in_errs += f->in_errs;
      t.out_rsts += f->out_rsts;
    }
    out["Tcp_ActiveOpens"] = t.active_opens;
    out["Tcp_PassiveOpens"] = t.passive_opens;
    out["Tcp_AttemptFails"] = t.attempt_fails;
    out["Tcp_EstabResets"] = t.estab_resets;
    out["Tcp_CurrEstab"] = t.curr_estab;
    out["Tcp_InSegs"] = t.in_segs;
    out["Tcp_OutSegs"] = t.out_segs;
    out["Tcp_RetransSegs"] = t.retrans_segs;
    out["Tcp_InErrs"] = t.in_errs;
    out["Tcp_OutRsts"] = t.out_rsts;
  }
  const auto udp = [&](const std::optional<UdpStats>& u, const std::string& p) {
    if (!u) return;
    out[p + "_InDatagrams"] = u->in_datagrams;
    out[p + "_NoPorts"] = u->no_ports;
    out[p + "_InErrors"] = u->in_errors;
    out[p + "_OutDatagrams"] = u->out_datagrams;
  };
  udp(s.udp4, "Udp");
  udp(s.udp6, "Udp6");
  const auto icmp = [&](const std::optional<IcmpCounts>& c, const std::string& p) {
    if (!c) return;
    out[p + "_InMsgs"] = c->in_msgs;
    out[p + "_InErrors"] = c->in_errors;
    out[p + "_OutMsgs"] = c->out_msgs;
  };
  icmp(s.icmp4, "Icmp");
  icmp(s.icmp6, "Icmp6");
  if (s.ip_forwarding) out["Ip_Forwarding"] = *s.ip_forwarding;
  return out;
}

std::string FormatIp(const IpAddress& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.version == 4) {
    ::inet_ntop(AF_INET, a.bytes.data(), buf, sizeof buf);
  } else if (a.version == 6) {
    ::inet_ntop(AF_INET6, a.bytes.data(), buf, sizeof buf);
  }
  return buf;
}

namespace {

bool Unspecified(const IpAddress& a) {
  const std::size_t n = a.version == 4 ? 4 : 16;
  return std::all_of(a.bytes.begin(), a.bytes.begin() + n, [](std::uint8_t b) { return b == 0; });
}

bool LinkLocal6(const IpAddress& a) {
  return a.version == 6 && a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
}

void PushOnce(std::vector<std::string>& list, std::string s) {
  if (!s.empty() && std::find(list.begin(), list.end(), s) == list.end()) {
    list.push_back(std::move(s));
  }
}

}  // namespace

std::vector<std::string> DefaultGatewaysFromRoutes(std::span<const RouteRow> routes) {
  std::vector<const RouteRow*> defaults;
  for (const auto& r : routes) {
    if (r.prefix_length != 0 || !r.interface_up) continue;
    if (r.next_hop.version != 4 && r.next_hop.version != 6) continue;
    if (Unspecified(r.next_hop)) continue;  // on-link default (a VPN's point-to-point link)
    defaults.push_back(&r);
  }
  std::stable_sort(defaults.begin(), defaults.end(), [](const RouteRow* a, const RouteRow* b) {
    if (a->next_hop.version != b->next_hop.version) {
      return a->next_hop.version < b->next_hop.version;
    }
    return a->metric < b->metric;
  });
  std::vector<std::string> out;
  for (const RouteRow* r : defaults) {
    std::string ip = FormatIp(r->next_hop);
    if (LinkLocal6(r->next_hop) && !r->interface_alias.empty()) ip += "%" + r->interface_alias;
    PushOnce(out, std::move(ip));
  }
  return out;
}

std::vector<std::string> DnsServersFromAdapters(std::span<const AdapterDns> adapters) {
  constexpr std::uint32_t kLoopback = 24, kUp = 1;
  std::vector<std::string> out;
  for (const auto& a : adapters) {
    if (a.if_type == kLoopback || a.oper_status != kUp) continue;
    for (const auto& d : a.dns_servers) {
      if (d.version == 6) {
        // fec0:0:0:ffff::1, ::2, ::3
        static constexpr std::uint8_t kSiteLocal[15] = {0xfe, 0xc0, 0, 0, 0, 0, 0xff, 0xff,
                                                        0,    0,    0, 0, 0, 0, 0};
        if (std::equal(std::begin(kSiteLocal), std::end(kSiteLocal), d.bytes.begin()) &&
            d.bytes[15] >= 1 && d.bytes[15] <= 3) {
          continue;
        }
      }
      if (Unspecified(d)) continue;
      PushOnce(out, FormatIp(d));
    }
  }
  return out;
}

std::string PhysicalDriveName(std::uint32_t number) {
  return "PhysicalDrive" + std::to_string(number);
}

schema::DiskStats DiskStatsFromPerformance(const std::string& name, const DiskPerformance& p,
                                           std::uint64_t uptime_ticks) {
  schema::DiskStats d;
  d.device = name;
  d.reads_completed = p.read_count;
  d.read_bytes = p.bytes_read;
  d.read_time_seconds = Seconds(p.read_time);
  d.writes_completed = p.write_count;
  d.written_bytes = p.bytes_written;
  d.write_time_seconds = Seconds(p.write_time);
  d.io_now = p.queue_depth;
  d.io_time_seconds = uptime_ticks > p.idle_time ? Seconds(uptime_ticks - p.idle_time) : 0.0;
  d.io_time_weighted_seconds = Seconds(p.read_time + p.write_time);
  return d;
}

namespace {

constexpr std::uint32_t kBatteryCapacityRelative = 0x40000000;
constexpr std::uint32_t kPowerOnline = 1, kDischarging = 2, kCharging = 4;

std::string Technology(std::string_view chemistry) {
  const std::string c = Lower(Trim(chemistry));
  if (c == "lion" || c == "li-i" || c == "li-ion") return "Li-ion";
  if (c == "lip" || c == "lipo" || c == "li-p") return "Li-poly";
  if (c == "nimh") return "NiMH";
  if (c == "nicd") return "NiCd";
  if (c == "pbac") return "Lead-acid";  // not a word Linux uses, but what it is
  return c.empty() ? "Unknown" : std::string(Trim(chemistry));
}

}  // namespace

schema::Battery BatteryFromDevice(std::string name, const BatteryDevice& d) {
  constexpr std::uint32_t kUnknownCapacity = 0xffffffff;  // BATTERY_UNKNOWN_CAPACITY
  const auto known = [](std::uint32_t v) { return v != 0 && v != kUnknownCapacity; };
  schema::Battery b;
  b.name = std::move(name);
  b.manufacturer = std::string(Trim(d.manufacturer));
  b.model_name = std::string(Trim(d.device_name));
  b.technology = Technology(d.chemistry);
  const bool relative = (d.capabilities & kBatteryCapacityRelative) != 0;
  const bool full_known = known(d.full_charged_capacity);
  const bool remaining_known = d.remaining_capacity && *d.remaining_capacity != kUnknownCapacity;
  if (d.power_state) {
    const std::uint32_t s = *d.power_state;
    if (s & kCharging) {
      b.status = "Charging";
    } else if (s & kDischarging) {
      b.status = "Discharging";
    } else if (s & kPowerOnline) {
      // On mains and neither charging nor discharging: full, or held below full on purpose.
      b.status = remaining_known && full_known && *d.remaining_capacity >= d.full_charged_capacity
                     ? "Full"
                     : "Not charging";
    } else {
      b.status = "Unknown";
    }
  }
  if (remaining_known && full_known) {
    b.capacity_ratio = std::min(1.0, static_cast<double>(*d.remaining_capacity) /
                                         static_cast<double>(d.full_charged_capacity));
  }
  if (!relative) {
    if (full_known) b.energy_full_wh = d.full_charged_capacity / 1000.0;
    if (known(d.designed_capacity)) b.energy_full_design_wh = d.designed_capacity / 1000.0;
    if (full_known && known(d.designed_capacity)) {
      b.wear_ratio = std::clamp(1.0 - static_cast<double>(d.full_charged_capacity) /
                                          static_cast<double>(d.designed_capacity),
                                0.0, 1.0);
    }
  }
  // Firmware that does not count cycles reports 0.
  if (d.cycle_count > 0) b.cycle_count = d.cycle_count;
  return b;
}

std::optional<schema::Battery> BatteryFromPowerStatus(const PowerStatus& p) {
  constexpr std::uint8_t kNoBattery = 128, kUnknown = 255, kChargingFlag = 8;
  if (p.battery_flag == kUnknown || (p.battery_flag & kNoBattery) != 0) return std::nullopt;
  schema::Battery b;
  b.name = "BAT0";
  if (p.life_percent <= 100) b.capacity_ratio = p.life_percent / 100.0;
  if (p.battery_flag & kChargingFlag) {
    b.status = "Charging";
  } else if (p.ac_line == 0) {
    b.status = "Discharging";
  } else if (p.ac_line == 1) {
    b.status = p.life_percent == 100 ? "Full" : "Not charging";
  } else {
    b.status = "Unknown";
  }
  return b;
}

namespace {

// Seconds between two moments; nullopt unless both were seen and in order.
std::optional<double> Between(double from, double to) {
  if (from < 0 || to < 0 || to < from) return std::nullopt;
  return to - from;
}

std::optional<std::map<std::string, double>> PhasesFromRequestTimes(const WinHttpTiming& t) {
  namespace w = winhttp_time;
  const auto& rt = t.request_times;
  if (rt.size() < w::kCount || t.qpc_frequency == 0) return std::nullopt;
  const double hz = static_cast<double>(t.qpc_frequency);
  auto span = [&](std::size_t a, std::size_t b) -> std::optional<double> {
    if (rt[a] == 0 || rt[b] == 0 || rt[b] < rt[a]) return std::nullopt;
    return static_cast<double>(rt[b] - rt[a]) / hz;
  };
  const auto connect = span(w::kConnectionEstablishmentStart, w::kConnectionEstablishmentEnd);
  const auto head = w::kReceiveResponseHeadersEnd;
  if (!connect || rt[head] == 0) return std::nullopt;  // incomplete: use the callbacks
  std::map<std::string, double> p;
  // An IP address or a cached name: WinHTTP may skip resolution; that is 0 s, as curl says.
  p["dns"] = span(w::kNameResolutionStart, w::kNameResolutionEnd).value_or(0.0);
  std::optional<double> tls;
  std::size_t ready = w::kConnectionEstablishmentEnd;
  if (t.secure) {
    // The last handshake leg that ended (a resumed session needs fewer legs).
    for (std::size_t end = w::kTlsLeg3End; end > w::kTlsLeg1Start; end -= 2) {
      if ((tls = span(w::kTlsLeg1Start, end))) {
        if (rt[end] > rt[ready]) ready = end;
        break;
      }
    }
  }
  double c = *connect;
  // If this Windows counts the handshake inside connection establishment, do not count it twice.
  if (tls && rt[w::kTlsLeg1Start] >= rt[w::kConnectionEstablishmentStart] &&
      rt[w::kTlsLeg1Start] < rt[w::kConnectionEstablishmentEnd]) {
    c = std::max(0.0, c - *tls);
  }
  p["connect"] = c;
  if (tls) p["tls"] = *tls;
  if (auto fb = span(ready, head)) p["first_byte"] = *fb;
  p["total"] = t.total;
  return p;
}

}  // namespace

std::map<std::string, double> ProbePhasesFromWinHttp(const WinHttpTiming& t) {
  if (auto from_times = PhasesFromRequestTimes(t)) return *from_times;
  std::map<std::string, double> p;
  if (auto dns = Between(t.resolving, t.resolved)) p["dns"] = *dns;
  if (auto connect = Between(t.connecting, t.connected)) p["connect"] = *connect;
  if (auto fb = Between(t.connected, t.response_received)) p["first_byte"] = *fb;
  p["total"] = t.total;
  return p;
}

namespace {

std::uint32_t LoadU32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | static_cast<std::uint32_t>(b[at + 1]) << 8 |
         static_cast<std::uint32_t>(b[at + 2]) << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

std::string RegistersText(std::initializer_list<std::uint32_t> regs) {
  std::string out;
  for (std::uint32_t r : regs) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((r >> (8 * i)) & 0xff);
  }
  return out;
}

std::string TrimmedText(std::string s) {
  if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
  return std::string(Trim(s));
}

}  // namespace

Result<CpuTopology> ParseLogicalProcessorInformationEx(std::span<const std::uint8_t> b) {
  constexpr std::uint32_t kCore = 0, kPackage = 3;
  CpuTopology t;
  for (std::size_t at = 0, n = 0; at < b.size(); ++n) {
    const std::string where =
        "processor information record " + std::to_string(n) + " at byte " + std::to_string(at);
    if (at + 8 > b.size()) return MakeError(where + " is cut off");
    const std::uint32_t relationship = LoadU32(b, at), size = LoadU32(b, at + 4);
    if (size < 8 || at + size > b.size()) {
      return MakeError(where + " has bad size " + std::to_string(size));
    }
    if (relationship == kPackage) ++t.packages;
    if (relationship == kCore) {
      ++t.cores;
      if (size < 32) return MakeError(where + ": core record shorter than 32 bytes");
      const std::uint32_t groups = b[at + 30] | (b[at + 31] << 8);
      if (32 + 16 * static_cast<std::size_t>(groups) > size) {
        return MakeError(where + ": " + std::to_string(groups) + " group masks do not fit");
      }
      for (std::uint32_t g = 0; g < groups; ++g) {
        const std::size_t mask_at = at + 32 + 16 * g;
        const std::uint64_t mask =
            LoadU32(b, mask_at) | static_cast<std::uint64_t>(LoadU32(b, mask_at + 4)) << 32;
        t.threads += static_cast<std::uint32_t>(std::popcount(mask));
      }
    }
    at += size;
  }
  return t;
}

schema::CpuInfo CpuInfoFromCpuid(const Cpuid& id, const CpuTopology& topology,
                                 std::optional<std::uint32_t> registry_mhz,
                                 std::span<const std::uint32_t> current_mhz) {
  schema::CpuInfo c;
  c.vendor = TrimmedText(RegistersText({id.leaf0.ebx, id.leaf0.edx, id.leaf0.ecx}));
  std::string brand;
  for (const auto& l : id.brand) brand += RegistersText({l.eax, l.ebx, l.ecx, l.edx});
  c.model_name = TrimmedText(brand);
  const std::uint32_t sig = id.leaf1.eax;
  c.family = (sig >> 8) & 0xf;
  if (c.family == 0xf) c.family += (sig >> 20) & 0xff;
  c.model = (sig >> 4) & 0xf;
  if (c.family >= 6) c.model += ((sig >> 16) & 0xf) << 4;
  c.stepping = sig & 0xf;
  auto bit = [](std::uint32_t reg, int n) { return ((reg >> n) & 1u) != 0; };
  const bool osxsave = bit(id.leaf1.ecx, 27);
  const std::map<std::string_view, bool> has = {
      {"sse4_2", bit(id.leaf1.ecx, 20)},
      {"aes", bit(id.leaf1.ecx, 25)},
      {"avx", osxsave && bit(id.leaf1.ecx, 28)},
      {"avx2", osxsave && bit(id.leaf7.ebx, 5)},
      {"avx512f", osxsave && bit(id.leaf7.ebx, 16)},
  };
  for (std::string_view f : kGenerationFlags) {
    if (auto it = has.find(f); it != has.end() && it->second) c.flags.emplace_back(f);
  }
  c.sockets = std::max<std::uint32_t>(1, topology.packages);
  c.cores = topology.cores;
  c.threads = topology.threads;
  const std::uint32_t leaf16_base = id.leaf16 ? (id.leaf16->eax & 0xffff) : 0;
  const std::uint32_t leaf16_max = id.leaf16 ? (id.leaf16->ebx & 0xffff) : 0;
  if (leaf16_base > 0) {
    c.base_hertz = leaf16_base * 1e6;
  } else if (registry_mhz && *registry_mhz > 0) {
    c.base_hertz = *registry_mhz * 1e6;
  }
  if (leaf16_max > 0) c.max_hertz = leaf16_max * 1e6;
  if (std::any_of(current_mhz.begin(), current_mhz.end(), [](auto m) { return m > 0; })) {
    for (std::uint32_t m : current_mhz) c.current_hertz.push_back(m * 1e6);
  }
  return c;
}

Result<std::string_view> SmbiosTableFromRsmb(std::string_view raw) {
  if (raw.size() < 8) {
    return MakeError("RawSMBIOSData of " + std::to_string(raw.size()) +
                     " bytes is shorter than its 8-byte header");
  }
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
  const std::uint32_t length = LoadU32(bytes, 4);
  if (length > raw.size() - 8) {
    return MakeError("RawSMBIOSData says " + std::to_string(length) + " table bytes, has " +
                     std::to_string(raw.size() - 8));
  }
  return raw.substr(8, length);
}

Result<std::optional<std::uint32_t>> SmbiosChassisType(std::string_view t) {
  constexpr std::uint8_t kChassis = 3, kEndOfTable = 127;
  std::size_t at = 0;
  while (at + 4 <= t.size()) {
    const auto type = static_cast<std::uint8_t>(t[at]);
    const auto len = static_cast<std::uint8_t>(t[at + 1]);
    if (len < 4 || at + len > t.size()) {
      return MakeError("SMBIOS table: structure type " + std::to_string(type) + " at byte " +
                       std::to_string(at) + " has bad length " + std::to_string(len));
    }
    if (type == kEndOfTable) break;
    if (type == kChassis && len > 5) {
      return std::optional<std::uint32_t>(static_cast<std::uint8_t>(t[at + 5]) & 0x7f);
    }
    const std::size_t end = t.find(std::string_view("\0\0", 2), at + len);
    if (end == std::string_view::npos) {
      return MakeError("SMBIOS table: strings of structure type " + std::to_string(type) +
                       " at byte " + std::to_string(at) + " are not terminated");
    }
    at = end + 2;
  }
  return std::optional<std::uint32_t>();
}

}  // namespace wardwatch::agent::winconv
