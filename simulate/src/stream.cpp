// One simulated machine's report stream: counters since boot, per-interval usage, probes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>

#include "office.h"
#include "wardwatch/analytics/local_time.h"

namespace wardwatch::simulate {

namespace an = wardwatch::analytics;

namespace {

struct AppUse {
  std::string name;
  double fg_share;   // of foreground time
  double run_share;  // of the interval
  double cpu_share;  // of busy CPU time
  std::uint64_t rss;
};

constexpr std::uint64_t kSwapTotal = 2147483648ULL;

std::uint64_t SwapFree(std::uint64_t pswpout) {
  return kSwapTotal - std::min<std::uint64_t>(pswpout * 4096, 2000000000ULL);
}

// /proc/meminfo counts in kB: every value node_exporter shows is a multiple of 1024.
std::uint64_t Kib(double bytes) {
  return static_cast<std::uint64_t>(std::max(0.0, bytes) / 1024) * 1024;
}

int KernelMajor(const MachinePlan& m) { return std::atoi(m.os_kernel.c_str()); }

// The split of a Linux PC's memory as /proc/meminfo shows it, built around the available
// memory the usage model wants (avail). MemAvailable is then computed as the kernel does
// (si_mem_available): free pages above the reserve, plus the page cache and the reclaimable
// slab, each less what reclaim cannot take without dipping under the low watermark. So
// "RAM used" the Quick way (1 - MemAvailable / MemTotal) and the Memory Basic way
// (MemTotal - MemFree - (Cached + Buffers + SReclaimable)) tell the same story, and Cached
// also holds Shmem (tmpfs, graphics buffers), which is not reclaimable.
std::map<std::string, std::uint64_t> LinuxMeminfo(std::uint64_t total, std::uint64_t avail,
                                                  std::uint64_t pswpout, double n,
                                                  int kernel_major) {
  const double ram = static_cast<double>(total);
  const double reserve = ram * 0.006, wmark_low = ram * 0.003;
  const double shmem = ram * (0.012 + 0.01 * n);
  // free + page cache + reclaimable slab, before the kernel's deductions.
  const double pool = static_cast<double>(avail) + reserve + 2 * wmark_low;
  const double s_reclaimable = std::min(ram * (0.02 + 0.015 * n), pool * 0.4);
  const double s_unreclaim = s_reclaimable * (0.4 + 0.2 * n);
  const double free = (pool - s_reclaimable) * 0.35;
  const double pagecache = pool - s_reclaimable - free;
  const double buffers = pagecache * 0.06;
  std::map<std::string, std::uint64_t> mi = {{"MemTotal", Kib(ram)},
                                             {"MemFree", Kib(free)},
                                             {"Buffers", Kib(buffers)},
                                             {"Cached", Kib(pagecache - buffers + shmem)},
                                             {"Shmem", Kib(shmem)},
                                             {"Slab", Kib(s_reclaimable) + Kib(s_unreclaim)},
                                             {"SReclaimable", Kib(s_reclaimable)},
                                             {"SUnreclaim", Kib(s_unreclaim)},
                                             {"SwapTotal", kSwapTotal},
                                             {"SwapFree", SwapFree(pswpout)}};
  if (kernel_major >= 5) mi["KReclaimable"] = mi["SReclaimable"];  // since Linux 4.20
  const double available = free - reserve + pagecache - std::min(pagecache / 2, wmark_low) +
                           s_reclaimable - std::min(s_reclaimable / 2, wmark_low);
  mi["MemAvailable"] = Kib(std::min(available, ram));
  return mi;
}

// What the Windows agent makes of GlobalMemoryStatusEx and GetPerformanceInfo
// (agent/src/collectors/windows_convert.cpp, MeminfoFromStatus): no Buffers, no slab, MemFree
// is the available memory, Cached the system cache (standby pages are part of it).
std::map<std::string, std::uint64_t> WindowsMeminfo(std::uint64_t total, std::uint64_t avail,
                                                    std::uint64_t pswpout) {
  return {{"MemTotal", total},       {"MemAvailable", avail},   {"MemFree", avail},
          {"Cached", avail * 3 / 5}, {"SwapTotal", kSwapTotal}, {"SwapFree", SwapFree(pswpout)}};
}

// The inventory hash the agent sends in every report: FNV-1a over the sorted list, so the
// collector sees the list change exactly when a package does.
std::string InventoryHash(std::vector<schema::Package> packages) {
  std::sort(packages.begin(), packages.end(), [](const auto& x, const auto& y) {
    return std::tie(x.source, x.name) < std::tie(y.source, y.name);
  });
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const schema::Package& p : packages) {
    for (const std::string* f : {&p.source, &p.name, &p.version, &p.arch}) {
      for (unsigned char c : *f) h = (h ^ c) * 0x100000001b3ULL;
      h = (h ^ 0xff) * 0x100000001b3ULL;
    }
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

MachineStream::MachineStream(const Office& office, int machine)
    : office_(office), m_(office.machines()[static_cast<std::size_t>(machine)]) {}

bool MachineStream::Next(std::int64_t t, Report& r) {
  const Office& o = office_;
  const MachinePlan& m = m_;
  const std::uint64_t seed = o.options().seed;
  const auto mi = static_cast<std::uint64_t>(m.index);
  const std::int64_t step = o.step_seconds();
  const double dt = static_cast<double>(step);
  const std::int64_t b = t - step;
  const auto bu = static_cast<std::uint64_t>(b);
  if (!o.IsOn(m.index, t)) {
    was_on_ = false;
    return false;
  }
  if (!was_on_) {  // boot: every counter starts again
    was_on_ = true;
    boot_time_ = static_cast<double>(b) - 60;
    cpu_busy_.assign(m.threads, 0);
    cpu_idle_.assign(m.threads, 0);
    cpu_iowait_.assign(m.threads, 0);
    mem_some_ = io_some_ = cpu_some_ = 0;
    disk_io_time_ = disk_read_bytes_ = disk_written_bytes_ = 0;
    pswpin_ = pswpout_ = pgmajfault_ = throttle_ = 0;
    win_faults_ = win_hard_reads_ = 0;
    wan_rx_ = wan_tx_ = lan_rx_ = lan_tx_ = 0;
    if_rx_ = if_tx_ = if_rx_pkts_ = if_tx_pkts_ = 0;
    probe_attempts_ = probe_failures_ = retrans_ = 0;
  }
  auto noise = [&](std::uint64_t what) { return Noise(seed, 100 + what, mi, bu); };
  const an::LocalTime lt = an::ToLocal(b, o.options().utc_offset_minutes);
  const int mod = lt.minute_of_day();
  const bool workday = lt.weekday < 5;
  const bool office = workday && ((mod >= 450 && mod < 690) || (mod >= 780 && mod < 1020));
  const bool lunch = workday && mod >= 690 && mod < 780;
  const bool active = office || (lunch && noise(1) < 0.3);

  // CPU.
  double busy = active ? m.cpu_busy_base * (0.6 + 0.8 * noise(2)) : 0.03 + 0.02 * noise(2);
  if (active && noise(3) < m.cpu_saturated_prob) busy = 0.92 + 0.07 * noise(4);
  busy = std::min(busy, 0.99);
  const double iowait = m.hdd ? (active ? 0.04 : 0.005) : 0.002;
  for (std::size_t c = 0; c < m.threads; ++c) {
    const double jitter = 0.9 + 0.2 * Noise(seed, 5, mi, bu, c);
    const double bc = std::min(0.995, busy * jitter);
    cpu_busy_[c] += bc * dt;
    cpu_iowait_[c] += std::min(1 - bc, iowait) * dt;
    cpu_idle_[c] += std::max(0.0, 1 - bc - iowait) * dt;
  }
  // Pressure, disk, swap, throttling.
  const double mem_ratio =
      active ? m.memory_pressure * (0.7 + 0.6 * noise(6)) : m.memory_pressure * 0.1;
  const double io_ratio = active ? m.io_pressure * (0.7 + 0.6 * noise(7)) : m.io_pressure * 0.1;
  mem_some_ += mem_ratio * dt;
  io_some_ += io_ratio * dt;
  cpu_some_ += std::max(0.0, busy - 0.7) * dt;
  const double disk_busy =
      m.hdd ? (active ? 0.25 + 0.35 * noise(8) : 0.03) : (active ? 0.04 : 0.005);
  disk_io_time_ += disk_busy * dt;
  const auto swapin =
      static_cast<std::uint64_t>(active ? m.swap_in_per_interval * (0.5 + noise(11)) : 0);
  pswpin_ += swapin;
  pswpout_ += swapin / 2;
  // About 0.5 MB/s read and 0.25 MB/s written on average while someone works (a few GB a
  // working day), a trickle when idle. The swap partition is on the boot disk: its 4 KiB
  // pages are disk reads and writes too.
  disk_read_bytes_ +=
      (active ? 5e5 : 2e4) * dt * (0.3 + 1.4 * noise(9)) + static_cast<double>(swapin) * 4096;
  disk_written_bytes_ += (active ? 2.5e5 : 1e4) * dt * (0.3 + 1.4 * noise(10)) +
                         static_cast<double>(swapin / 2) * 4096;
  pgmajfault_ += swapin + static_cast<std::uint64_t>(50 * noise(12));
  // Windows counts disk reads for hard faults: program images and cache misses at 0.3-1.5 a
  // second while someone works, plus paging back what a short-of-RAM PC trimmed (10-28 a
  // second on average for the planted ones, well past the classic 5 a second).
  const double hard_reads_per_second =
      active ? 0.3 + 1.2 * noise(12) + m.swap_in_per_interval / 25.0 * (0.5 + noise(11)) : 0.05;
  win_hard_reads_ += hard_reads_per_second * dt;
  win_faults_ += (active ? 1500.0 : 150.0) * (0.5 + noise(27)) * dt + hard_reads_per_second * dt;
  if (m.throttles && active && busy > 0.9)
    throttle_ += 1 + static_cast<std::uint64_t>(4 * noise(13));

  // Network: this machine's share of the site's demand, after the uplink is shared out.
  const Office::Demand want = o.DesiredDemand(m.index, b);
  const auto [sd, su] = o.Scale(b);
  const auto wrx = static_cast<std::uint64_t>(want.down * sd);
  const auto wtx = static_cast<std::uint64_t>(want.up * su);
  const auto lrx = static_cast<std::uint64_t>((active ? 40'000.0 : 2'000.0) * dt * noise(14));
  const auto ltx = static_cast<std::uint64_t>((active ? 15'000.0 : 1'000.0) * dt * noise(15));
  wan_rx_ += wrx;
  wan_tx_ += wtx;
  lan_rx_ += lrx;
  lan_tx_ += ltx;
  if_rx_ += wrx + lrx + 300;
  if_tx_ += wtx + ltx + 200;
  if_rx_pkts_ += (wrx + lrx) / 1200 + 3;
  if_tx_pkts_ += (wtx + ltx) / 900 + 2;
  const double util = o.Utilisation(b);
  retrans_ += static_cast<std::uint64_t>((util > 0.9 ? 40 : 2) * noise(16));

  r = Report{};
  r.machine_id = m.machine_id;
  r.hostname = m.hostname;
  r.agent_version = "0.1.0-sim";
  r.platform = m.platform;
  r.sequence = ++sequence_;
  r.collected_at_ms = static_cast<std::uint64_t>(t) * 1000;
  r.interval_seconds = static_cast<std::uint32_t>(step);
  for (const char* c : {"cpu", "meminfo", "filesystem", "dmi", "os", "netdev", "probes", "traffic",
                        "disks", "pressure", "software"}) {
    r.collectors.push_back({c, true, 0.002, ""});
  }

  // System.
  for (std::size_t c = 0; c < m.threads; ++c) {
    schema::CpuTimes ct;
    ct.cpu = static_cast<std::uint32_t>(c);
    ct.user = cpu_busy_[c] * 0.70;
    ct.system = cpu_busy_[c] * 0.25;
    ct.softirq = cpu_busy_[c] * 0.03;
    ct.irq = cpu_busy_[c] * 0.02;
    ct.idle = cpu_idle_[c];
    ct.iowait = cpu_iowait_[c];
    r.system.cpus.push_back(ct);
  }
  const double used =
      active ? 0.55 + 0.4 * (m.ram_bytes < 5 * 1073741824.0 ? 1 : 0.4) * noise(17) : 0.35;
  const auto avail =
      static_cast<std::uint64_t>(static_cast<double>(m.ram_bytes) * std::max(0.03, 1 - used));
  r.system.meminfo = m.os_id == "windows"
                         ? WindowsMeminfo(m.ram_bytes, avail, pswpout_)
                         : LinuxMeminfo(m.ram_bytes, avail, pswpout_, noise(26), KernelMajor(m));
  schema::Filesystem fs;
  fs.device = m.os_id == "windows" ? "C:" : (m.nvme ? "/dev/nvme0n1p2" : "/dev/sda2");
  fs.mountpoint = m.os_id == "windows" ? "C:\\" : "/";
  fs.fstype = m.os_id == "windows" ? "NTFS" : "ext4";
  fs.size_bytes = m.disk_size_bytes - 1073741824ULL;
  fs.free_bytes = fs.avail_bytes = fs.size_bytes / (m.kind == Kind::kOld ? 8 : 3);
  r.system.filesystems.push_back(fs);
  r.system.dmi = {{"sys_vendor", m.vendor},
                  {"product_name", m.product},
                  {"bios_vendor", m.vendor == "Dell Inc." ? "Dell Inc." : "AMI"},
                  {"chassis_type", m.laptop ? "10" : "3"}};
  if (!m.bios_date.empty()) r.system.dmi["bios_date"] = m.bios_date;
  schema::OsInfo os;
  os.sysname = m.os_id == "windows" ? "Windows" : "Linux";
  os.release = m.os_kernel;
  os.machine = "x86_64";
  os.nodename = m.hostname;
  os.os_release = {{"ID", m.os_id},
                   {"VERSION_ID", m.os_version},
                   {"PRETTY_NAME", m.os_pretty},
                   {"NAME", m.os_id == "windows"  ? "Microsoft Windows"
                            : m.os_id == "ubuntu" ? "Ubuntu"
                                                  : "Debian GNU/Linux"}};
  os.boot_time_seconds = boot_time_;
  r.system.os = os;

  // Network.
  schema::NetInterface lo;
  lo.name = "lo";
  lo.type = 772;
  lo.operstate = "unknown";
  lo.receive_bytes = lo.transmit_bytes =
      static_cast<std::uint64_t>((static_cast<double>(t) - boot_time_) * 50);
  r.network.interfaces.push_back(lo);
  schema::NetInterface nic;
  nic.name = m.wireless ? "wlan0" : "eth0";
  nic.type = 1;
  nic.operstate = "up";
  nic.duplex = m.wireless ? "" : "full";
  char mac[24];
  std::snprintf(mac, sizeof mac, "3c:52:82:%02x:%02x:%02x", static_cast<unsigned>(mi >> 16) & 255,
                static_cast<unsigned>(mi >> 8) & 255, static_cast<unsigned>(mi) & 255);
  nic.address = mac;
  nic.mtu = 1500;
  nic.receive_bytes = if_rx_;
  nic.transmit_bytes = if_tx_;
  nic.receive_packets = if_rx_pkts_;
  nic.transmit_packets = if_tx_pkts_;
  if (m.nic_speed_bytes > 0) nic.speed_bytes = static_cast<std::uint64_t>(m.nic_speed_bytes);
  if (m.wireless)
    nic.wireless = schema::Wireless{std::max(0.0, 70 + (m.wifi_dbm + 40) * 1.2),
                                    m.wifi_dbm + 3 * (noise(18) - 0.5), -92.0};
  r.network.interfaces.push_back(nic);
  r.network.netstat = {
      {"Tcp_RetransSegs", retrans_}, {"Tcp_OutSegs", if_tx_pkts_}, {"Tcp_InSegs", if_rx_pkts_}};
  r.network.default_gateways = {"192.168.1.1"};
  r.network.dns_servers = {"192.168.1.1"};
  // Probes: the public-service portal slows down when the line is full.
  {
    const double factor = 1 + 8 * std::max(0.0, util - 0.85) / 0.15;
    const double p50 = 0.085 * factor * (0.9 + 0.2 * noise(19));
    schema::ProbeTarget p;
    p.name = "portal";
    p.kind = "http";
    p.url = "https://dichvucong.gov.vn/";
    p.attempts = 5;
    p.failures = util > 0.95 && noise(20) < 0.25 ? 1 : 0;
    probe_attempts_ += p.attempts;
    probe_failures_ += p.failures;
    p.attempts_total = probe_attempts_;
    p.failures_total = probe_failures_;
    const std::uint64_t ok = p.attempts - p.failures;
    auto phase = [&](const char* name, double frac) {
      schema::ProbePhase ph;
      ph.phase = name;
      ph.count = ok;
      ph.p50 = p50 * frac;
      ph.p95 = p50 * frac * 1.6;
      ph.max = p50 * frac * 2.2;
      ph.sum = ph.p50 * static_cast<double>(ok) * 1.1;
      return ph;
    };
    p.phases = {phase("dns", 0.05), phase("connect", 0.2), phase("tls", 0.3),
                phase("first_byte", 0.85), phase("total", 1.0)};
    if (p.failures) p.last_error = "timeout after 10 s";
    r.network.probes.push_back(p);
    schema::ProbeTarget g;
    g.name = "gateway";
    g.kind = "tcp";
    g.url = "192.168.1.1:80";
    g.attempts = 5;
    g.attempts_total = probe_attempts_;
    schema::ProbePhase gp;
    gp.phase = "connect";
    gp.count = 5;
    gp.p50 = 0.0008 * (1 + 2 * util);
    gp.p95 = gp.p50 * 2;
    gp.max = gp.p50 * 3;
    gp.sum = gp.p50 * 5;
    // Like the agent's tcp probe: resolving (an address here: a few microseconds), the
    // handshake, and their sum.
    schema::ProbePhase dns = gp, total = gp;
    dns.phase = "dns";
    dns.p50 = dns.p95 = dns.max = 0.000004;
    dns.sum = dns.p50 * 5;
    total.phase = "total";
    total.p50 += dns.p50;
    total.p95 += dns.p95;
    total.max += dns.max;
    total.sum += dns.sum;
    g.phases = {dns, gp, total};
    r.network.probes.push_back(g);
  }
  {
    schema::Traffic tr;
    tr.interval_seconds = dt;
    tr.source = "live:" + nic.name;
    if (m.capture) {
      tr.receive_bytes_total = {{"wan", wan_rx_}, {"lan", lan_rx_}};
      tr.transmit_bytes_total = {{"wan", wan_tx_}, {"lan", lan_tx_}};
      const double total_want = want.down + want.up;
      const double scale = total_want > 0 ? static_cast<double>(wrx + wtx) / total_want : 0;
      auto entries = [&](const std::map<std::string, double>& src,
                         std::vector<schema::TrafficEntry>& out, bool cls) {
        for (const auto& [k, v] : src) {
          const auto bytes = static_cast<std::uint64_t>(v * scale);
          if (bytes == 0) continue;
          schema::TrafficEntry e;
          e.key = k;
          if (cls) e.traffic_class = "wan";
          e.receive_bytes = bytes * 4 / 5;
          e.transmit_bytes = bytes - e.receive_bytes;
          e.receive_packets = e.receive_bytes / 1200;
          e.transmit_packets = e.transmit_bytes / 900 + 1;
          out.push_back(e);
        }
      };
      entries(want.apps, tr.apps, false);
      entries(want.services, tr.remote_hosts, true);
      if (lrx + ltx > 0) {
        schema::TrafficEntry e;
        e.key = "fileserver.ubnd.local";
        e.traffic_class = "lan";
        e.receive_bytes = lrx;
        e.transmit_bytes = ltx;
        tr.remote_hosts.push_back(e);
      }
      tr.packets_total = if_rx_pkts_ + if_tx_pkts_;
    } else {
      tr.capture_error = "no permission to capture on " + nic.name + " (needs CAP_NET_RAW)";
    }
    r.network.traffic = tr;
  }

  // Hardware.
  schema::HardwareSection hw;
  schema::Disk d;
  d.name = m.nvme ? "nvme0n1" : "sda";
  d.model = m.disk_model;
  d.serial = "SIM" + m.machine_id.substr(0, 10);
  d.size_bytes = m.disk_size_bytes;
  d.rotational = m.hdd;
  d.boot = true;
  d.smart_passed = true;
  d.smart_protocol = m.nvme ? "NVMe" : "ATA";
  const double elapsed_days = static_cast<double>(t - o.start()) / 86400;
  const std::uint64_t poh =
      m.power_on_hours_at_start + static_cast<std::uint64_t>(elapsed_days * 24 * 0.42);
  d.power_on_hours = poh;
  d.smart_collected_at_ms = r.collected_at_ms;
  d.temperature_celsius = m.hdd ? 38 + 6 * noise(21) : 34 + 8 * noise(21);
  if (m.nvme) {
    schema::NvmeHealth n;
    n.percentage_used = m.nvme_used_percent;
    n.available_spare = 100;
    n.available_spare_threshold = 10;
    n.power_on_hours = poh;
    n.power_cycles = 400;
    n.temperature_celsius = d.temperature_celsius;
    d.nvme = n;
  } else {
    const std::uint64_t realloc =
        m.failing_disk
            ? m.reallocated_start + static_cast<std::uint64_t>(m.reallocated_per_day * elapsed_days)
            : 0;
    auto attr = [&](std::uint32_t id, const char* name, std::uint64_t raw, std::uint64_t value) {
      d.attributes.push_back({id, name, value, value, id == 5 ? 36u : 0u, raw, "PO--CK"});
    };
    attr(1, "Raw_Read_Error_Rate", 0, 110);
    attr(5, "Reallocated_Sector_Ct", realloc, realloc > 0 ? 99 : 100);
    attr(9, "Power_On_Hours", poh, 60);
    attr(12, "Power_Cycle_Count", 1500 + poh / 10, 98);
    attr(187, "Reported_Uncorrect", 0, 100);
    attr(188, "Command_Timeout", 0, 100);
    attr(194, "Temperature_Celsius", static_cast<std::uint64_t>(*d.temperature_celsius), 60);
    attr(197, "Current_Pending_Sector", m.failing_disk && realloc > 12 ? 2 : 0, 100);
    attr(198, "Offline_Uncorrectable", 0, 100);
  }
  hw.disks.push_back(d);
  schema::DiskStats ds;
  ds.device = d.name;
  ds.read_bytes = static_cast<std::uint64_t>(disk_read_bytes_);
  ds.written_bytes = static_cast<std::uint64_t>(disk_written_bytes_);
  ds.reads_completed = ds.read_bytes / 16384;
  ds.writes_completed = ds.written_bytes / 8192;
  ds.io_time_seconds = disk_io_time_;
  ds.io_time_weighted_seconds = disk_io_time_ * (m.hdd ? 3 : 1.2);
  hw.diskstats.push_back(ds);
  const bool windows = m.os_id == "windows";
  if (windows) {
    // What the Windows agent sends (docs/windows.md): no PSI, no load average, no throttle
    // counts, no temperatures; paging as SystemPerformanceInformation counts it.
    for (const char* a : {"pressure", "loadavg", "cpu_throttle", "hwmon", "thermal"}) {
      hw.absent.push_back(a);
    }
    hw.vmstat = {{"pgfault", static_cast<std::uint64_t>(win_faults_)},
                 {"pgmajfault", static_cast<std::uint64_t>(win_hard_reads_)},
                 {"pswpout", pswpout_}};
  } else {
    schema::Pressure ps;
    ps.cpu_some_seconds = cpu_some_;
    ps.memory_some_seconds = mem_some_;
    ps.memory_full_seconds = mem_some_ * 0.3;
    ps.io_some_seconds = io_some_;
    ps.io_full_seconds = io_some_ * 0.5;
    hw.pressure = ps;
    hw.vmstat = {{"pswpin", pswpin_}, {"pswpout", pswpout_}, {"pgmajfault", pgmajfault_}};
    // KiB read from and written to block devices since boot; the one disk is all of them.
    hw.vmstat["pgpgin"] = ds.read_bytes / 1024;
    hw.vmstat["pgpgout"] = ds.written_bytes / 1024;
    hw.load = schema::LoadAverage{busy * m.threads, busy * m.threads * 0.9, busy * m.threads * 0.8};
  }
  schema::CpuInfo ci;
  ci.vendor = "GenuineIntel";
  ci.model_name = m.cpu_model;
  ci.sockets = 1;
  ci.cores = m.threads > 2 ? m.threads / 2 : m.threads;
  ci.threads = m.threads;
  ci.flags = m.kind == Kind::kOld ? std::vector<std::string>{"sse4_2", "aes", "avx", "avx2"}
                                  : std::vector<std::string>{"sse4_2", "aes", "avx", "avx2"};
  if (!windows) {
    ci.core_throttle_total = throttle_;
    ci.package_throttle_total = 0;
  }
  hw.cpu = ci;
  const std::uint64_t dimm = m.ram_bytes < 5 * 1073741824.0 ? 4294967296ULL : 8589934592ULL;
  hw.memory_modules.push_back({"DIMM1", m.kind == Kind::kOld ? "DDR3" : "DDR4", "Samsung",
                               "M378B5173QH0", "DIMM", dimm, m.kind == Kind::kOld ? 1600u : 2666u});
  if (m.ram_bytes > 12 * 1073741824.0) {
    hw.memory_modules.push_back(hw.memory_modules.back());
    hw.memory_modules.back().locator = "DIMM2";
  }
  hw.memory_slots = m.laptop ? 2 : 4;
  const double pkg = 40 + 30 * busy + (m.throttles ? 20 : 0) + 4 * noise(22);
  if (!windows) hw.temperatures.push_back({"coretemp", "temp1", "Package id 0", pkg, 86.0, 100.0});
  if (m.laptop) {
    schema::Battery bat;
    bat.name = "BAT0";
    bat.status = active ? "Discharging" : "Charging";
    bat.technology = "Li-ion";
    bat.manufacturer = "SMP";
    bat.model_name = "5B10W13930";
    bat.energy_full_design_wh = 45.0;
    bat.energy_full_wh = 45.0 * (1 - m.battery_wear);
    bat.wear_ratio = m.battery_wear;
    bat.cycle_count = 640;
    bat.capacity_ratio = 0.8;
    hw.batteries.push_back(bat);
  } else {
    hw.absent.push_back("battery");
  }
  hw.chassis_type = m.laptop ? 10 : 3;
  r.hardware = hw;

  // Software: what the user did in the interval.
  schema::SoftwareSection sw;
  sw.interval_seconds = dt;
  sw.process_count = 140 + static_cast<std::uint64_t>(60 * noise(23));
  sw.foreground_available = true;
  sw.user_idle_seconds = active ? 20 * noise(24) : dt;
  if (active) {
    std::vector<AppUse> apps = {{m.browser, 0.42, 1.0, 0.45, 900ull << 20},
                                {m.office_suite, 0.22, 0.7, 0.20, 350ull << 20},
                                {"Zalo", 0.12, 1.0, 0.08, 420ull << 20},
                                {m.pdf_reader, 0.08, 0.4, 0.05, 180ull << 20}};
    if (m.department == "Kế toán") apps.push_back({"HTKK", 0.08, 0.5, 0.05, 200ull << 20});
    if (m.department == "Bộ phận Một cửa" || m.department == "Tư pháp - Hộ tịch")
      apps.push_back({"VNPT-CA Plugin", 0.04, 1.0, 0.02, 60ull << 20});
    for (const auto& [app, bytes] : want.apps) {
      if (app == "Zoom" || app == "Microsoft Teams")
        apps.push_back({app, 0.5, 1.0, 0.25, 600ull << 20});
      else if (app == "OneDrive" || app == "Google Drive" || app == "Windows Update" ||
               app == "apt")
        apps.push_back({app, 0.0, 1.0, 0.10, 150ull << 20});
    }
    double fg_total = 0;
    for (const AppUse& a : apps) fg_total += a.fg_share;
    const double busy_cpu = busy * m.threads * dt;
    for (const AppUse& a : apps) {
      schema::AppUsage u;
      u.app = a.name;
      u.instances = 1 + static_cast<std::uint32_t>(4 * noise(25));
      u.running_seconds = dt * a.run_share;
      u.office_running_seconds = office ? u.running_seconds : 0;
      u.foreground_seconds = fg_total > 0 ? dt * 0.85 * a.fg_share / fg_total : 0;
      u.office_foreground_seconds = office ? u.foreground_seconds : 0;
      u.cpu_seconds = busy_cpu * a.cpu_share;
      u.office_cpu_seconds = office ? u.cpu_seconds : 0;
      u.rss_peak_bytes = a.rss;
      u.rss_avg_bytes = a.rss * 4 / 5;
      sw.apps.push_back(u);
    }
  }
  if (inventory_hash_.empty()) inventory_hash_ = InventoryHash(m.packages);
  sw.inventory_hash = inventory_hash_;
  for (const schema::Package& p : m.packages) ++sw.package_counts[p.source];
  if (!sent_packages_) {  // like the agent: the full list in its first report only
    sw.packages = m.packages;
    sent_packages_ = true;
  }
  r.software = sw;
  schema::AgentHealthSection ah;
  ah.reports_sent_total = sent_total_++;
  r.agent_health = ah;
  return true;
}

}  // namespace wardwatch::simulate
