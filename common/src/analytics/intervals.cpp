// Interval samples from consecutive reports, hourly machine rollups and site WAN buckets.
#include "wardwatch/analytics/intervals.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "wardwatch/analytics/local_time.h"

namespace wardwatch::analytics {

namespace {

// Delta of a cumulative counter; a decrease means it restarted from zero.
template <typename T>
T Delta(T prev, T cur) {
  return cur >= prev ? cur - prev : cur;
}

void CpuSums(const Report& r, double& busy, double& total) {
  busy = total = 0;
  for (const schema::CpuTimes& t : r.system.cpus) {
    const double b = t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
    busy += b;
    total += b + t.idle + t.iowait;
  }
}

std::string BootDiskName(const Report& r) {
  if (r.hardware) {
    for (const schema::Disk& d : r.hardware->disks) {
      if (d.boot) return d.name;
    }
    if (!r.hardware->diskstats.empty()) return r.hardware->diskstats.front().device;
  }
  return {};
}

const schema::DiskStats* FindDiskStats(const Report& r, const std::string& name) {
  if (!r.hardware || name.empty()) return nullptr;
  for (const schema::DiskStats& d : r.hardware->diskstats) {
    if (d.device == name) return &d;
  }
  return nullptr;
}

std::uint64_t Vmstat(const Report& r, const char* key) {
  if (!r.hardware) return 0;
  auto it = r.hardware->vmstat.find(key);
  return it == r.hardware->vmstat.end() ? 0 : it->second;
}

std::uint64_t Throttle(const Report& r) {
  if (!r.hardware || !r.hardware->cpu) return 0;
  return r.hardware->cpu->core_throttle_total.value_or(0) +
         r.hardware->cpu->package_throttle_total.value_or(0);
}

bool IsLoopback(const schema::NetInterface& i) { return i.type == 772 || i.name == "lo"; }

const schema::NetInterface* PrimaryNic(const Report& r) {
  const schema::NetInterface* best = nullptr;
  for (const schema::NetInterface& i : r.network.interfaces) {
    if (IsLoopback(i)) continue;
    if (best == nullptr ||
        i.receive_bytes + i.transmit_bytes > best->receive_bytes + best->transmit_bytes) {
      best = &i;
    }
  }
  return best;
}

const schema::NetInterface* FindNic(const Report& r, const std::string& name) {
  for (const schema::NetInterface& i : r.network.interfaces) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::uint64_t ClassTotal(const std::map<std::string, std::uint64_t>& m, const char* cls) {
  auto it = m.find(cls);
  return it == m.end() ? 0 : it->second;
}

bool HasCapture(const Report& r) {
  return r.network.traffic && r.network.traffic->capture_error.empty() &&
         (!r.network.traffic->receive_bytes_total.empty() ||
          !r.network.traffic->transmit_bytes_total.empty());
}

std::optional<std::uint64_t> Reallocated(const Report& r) {
  if (!r.hardware) return std::nullopt;
  for (const schema::Disk& d : r.hardware->disks) {
    if (!d.boot) continue;
    for (const schema::SmartAttribute& a : d.attributes) {
      if (a.id == 5) return a.raw;
    }
  }
  return std::nullopt;
}

}  // namespace

IntervalSample MakeInterval(const Report* prev, const Report& cur, const SiteConfig& c) {
  IntervalSample s;
  s.end = static_cast<std::int64_t>(cur.collected_at_ms / 1000);
  if (prev != nullptr && prev->collected_at_ms >= cur.collected_at_ms) prev = nullptr;
  s.start = prev != nullptr ? static_cast<std::int64_t>(prev->collected_at_ms / 1000)
                            : s.end - static_cast<std::int64_t>(cur.interval_seconds);
  // After a reboot (or a night off) the counters started at boot, not at the last report.
  if (prev != nullptr && cur.system.os && cur.system.os->boot_time_seconds) {
    const auto boot = static_cast<std::int64_t>(*cur.system.os->boot_time_seconds);
    if (boot > s.start && boot < s.end) s.start = boot;
  }
  s.office = IsOfficeTime(s.start + (s.end - s.start) / 2, c);
  s.smart_reallocated = Reallocated(cur);

  // Per-interval facts the report already carries as deltas.
  if (cur.software) {
    for (const schema::AppUsage& a : cur.software->apps) {
      AppSample& as = s.apps[a.app];
      as.cpu_seconds += a.cpu_seconds;
      as.running_seconds += a.running_seconds;
      as.office_running_seconds += a.office_running_seconds;
      as.foreground_seconds += a.foreground_seconds;
      as.office_foreground_seconds += a.office_foreground_seconds;
    }
  }
  if (cur.network.traffic) {
    for (const schema::TrafficEntry& e : cur.network.traffic->apps) {
      s.apps[e.key].wan_bytes += e.receive_bytes + e.transmit_bytes;
    }
    for (const schema::TrafficEntry& e : cur.network.traffic->remote_hosts) {
      if (e.traffic_class == "wan" || e.traffic_class.empty()) {
        s.wan_hosts[e.key] += e.receive_bytes + e.transmit_bytes;
      }
    }
  }
  for (const schema::ProbeTarget& p : cur.network.probes) {
    if (p.name != c.portal_probe) continue;
    s.probe_attempts += p.attempts;
    s.probe_failures += p.failures;
    for (const schema::ProbePhase& ph : p.phases) {
      if (ph.phase == "total" && ph.count > 0) s.probe_latency_seconds = ph.p50;
    }
  }
  if (const schema::NetInterface* nic = PrimaryNic(cur); nic && nic->speed_bytes) {
    s.nic_capacity_bytes_per_second = static_cast<double>(*nic->speed_bytes);
  }
  if (prev == nullptr) return s;

  // Deltas of cumulative counters.
  if (prev->system.cpus.size() == cur.system.cpus.size()) {
    double pb = 0, pt = 0, cb = 0, ct = 0;
    CpuSums(*prev, pb, pt);
    CpuSums(cur, cb, ct);
    if (ct >= pt && cb >= pb) {
      s.cpu_busy_seconds = cb - pb;
      s.cpu_total_seconds = ct - pt;
    } else {  // reboot: the current totals are since boot
      s.cpu_busy_seconds = cb;
      s.cpu_total_seconds = ct;
    }
  }
  if (cur.hardware && prev->hardware) {
    const auto& ph = *prev->hardware;
    const auto& chw = *cur.hardware;
    if (ph.pressure && chw.pressure) {
      if (ph.pressure->memory_some_seconds && chw.pressure->memory_some_seconds) {
        s.memory_some_seconds =
            Delta(*ph.pressure->memory_some_seconds, *chw.pressure->memory_some_seconds);
      }
      if (ph.pressure->io_some_seconds && chw.pressure->io_some_seconds) {
        s.io_some_seconds = Delta(*ph.pressure->io_some_seconds, *chw.pressure->io_some_seconds);
      }
    }
    const std::string disk = BootDiskName(cur);
    const schema::DiskStats* pd = FindDiskStats(*prev, disk);
    const schema::DiskStats* cd = FindDiskStats(cur, disk);
    if (pd && cd) s.disk_busy_seconds = Delta(pd->io_time_seconds, cd->io_time_seconds);
    s.swap_in_pages = Delta(Vmstat(*prev, "pswpin"), Vmstat(cur, "pswpin"));
    s.swap_out_pages = Delta(Vmstat(*prev, "pswpout"), Vmstat(cur, "pswpout"));
    s.hard_fault_reads = Delta(Vmstat(*prev, "pgmajfault"), Vmstat(cur, "pgmajfault"));
    s.throttle_events = Delta(Throttle(*prev), Throttle(cur));
  }
  if (HasCapture(cur) && HasCapture(*prev)) {
    const auto& pt = *prev->network.traffic;
    const auto& ct = *cur.network.traffic;
    s.wan_rx =
        Delta(ClassTotal(pt.receive_bytes_total, "wan"), ClassTotal(ct.receive_bytes_total, "wan"));
    s.wan_tx = Delta(ClassTotal(pt.transmit_bytes_total, "wan"),
                     ClassTotal(ct.transmit_bytes_total, "wan"));
    s.lan_rx =
        Delta(ClassTotal(pt.receive_bytes_total, "lan"), ClassTotal(ct.receive_bytes_total, "lan"));
    s.lan_tx = Delta(ClassTotal(pt.transmit_bytes_total, "lan"),
                     ClassTotal(ct.transmit_bytes_total, "lan"));
  } else if (!HasCapture(cur)) {
    // No capture: every non-loopback byte is counted as WAN (an upper bound, flagged).
    s.wan_from_interfaces = true;
    for (const schema::NetInterface& i : cur.network.interfaces) {
      if (IsLoopback(i)) continue;
      const schema::NetInterface* p = FindNic(*prev, i.name);
      if (p == nullptr) continue;
      s.wan_rx += Delta(p->receive_bytes, i.receive_bytes);
      s.wan_tx += Delta(p->transmit_bytes, i.transmit_bytes);
    }
  }
  if (const schema::NetInterface* nic = PrimaryNic(cur)) {
    if (const schema::NetInterface* p = FindNic(*prev, nic->name)) {
      s.nic_bytes = Delta(p->receive_bytes, nic->receive_bytes) +
                    Delta(p->transmit_bytes, nic->transmit_bytes);
    }
  }
  return s;
}

void AddToHour(MachineHour& h, const IntervalSample& s, const SiteConfig& c) {
  const double secs = static_cast<double>(s.end - s.start);
  h.seconds += secs;
  h.cpu_busy_seconds += s.cpu_busy_seconds;
  h.cpu_total_seconds += s.cpu_total_seconds;
  h.memory_some_seconds += s.memory_some_seconds;
  h.io_some_seconds += s.io_some_seconds;
  h.disk_busy_seconds += s.disk_busy_seconds;
  h.swap_in_pages += s.swap_in_pages;
  h.swap_out_pages += s.swap_out_pages;
  h.wan_rx += s.wan_rx;
  h.wan_tx += s.wan_tx;
  h.lan_rx += s.lan_rx;
  h.lan_tx += s.lan_tx;
  h.nic_bytes += s.nic_bytes;
  h.nic_capacity_bytes_per_second =
      std::max(h.nic_capacity_bytes_per_second, s.nic_capacity_bytes_per_second);
  if (s.nic_capacity_bytes_per_second > 0 && secs > 0 &&
      static_cast<double>(s.nic_bytes) / secs >=
          c.thresholds.lan_nic_busy_ratio * s.nic_capacity_bytes_per_second) {
    ++h.nic_busy_intervals;
  }
  h.throttle_events += s.throttle_events;
  h.probe_attempts += s.probe_attempts;
  h.probe_failures += s.probe_failures;
  if (s.probe_latency_seconds && h.probe_latencies.size() < kMaxHourLatencies) {
    h.probe_latencies.push_back(*s.probe_latency_seconds);
  }
  if (s.smart_reallocated) {
    h.smart_reallocated_max = std::max(h.smart_reallocated_max, *s.smart_reallocated);
    h.has_smart = true;
  }
  if (s.office) {
    h.office_seconds += secs;
    h.office_cpu_busy_seconds += s.cpu_busy_seconds;
    h.office_cpu_total_seconds += s.cpu_total_seconds;
    if (s.cpu_total_seconds > 0) {
      ++h.office_intervals;
      if (s.cpu_busy_seconds / s.cpu_total_seconds >= c.thresholds.cpu_saturated_busy) {
        ++h.office_saturated_intervals;
      }
    }
    h.office_memory_some_seconds += s.memory_some_seconds;
    h.office_io_some_seconds += s.io_some_seconds;
    h.office_swap_in_pages += s.swap_in_pages;
    h.office_hard_fault_reads += s.hard_fault_reads;
    h.office_throttle_events += s.throttle_events;
  }
  for (const auto& [name, a] : s.apps) {
    AppSample& t = h.apps[name];
    t.cpu_seconds += a.cpu_seconds;
    t.running_seconds += a.running_seconds;
    t.office_running_seconds += a.office_running_seconds;
    t.foreground_seconds += a.foreground_seconds;
    t.office_foreground_seconds += a.office_foreground_seconds;
    t.wan_bytes += a.wan_bytes;
  }
  for (const auto& [name, b] : s.wan_hosts) h.wan_hosts[name] += b;
}

void MergeHour(MachineHour& into, const MachineHour& f) {
  into.seconds += f.seconds;
  into.office_seconds += f.office_seconds;
  into.cpu_busy_seconds += f.cpu_busy_seconds;
  into.cpu_total_seconds += f.cpu_total_seconds;
  into.office_cpu_busy_seconds += f.office_cpu_busy_seconds;
  into.office_cpu_total_seconds += f.office_cpu_total_seconds;
  into.office_intervals += f.office_intervals;
  into.office_saturated_intervals += f.office_saturated_intervals;
  into.memory_some_seconds += f.memory_some_seconds;
  into.office_memory_some_seconds += f.office_memory_some_seconds;
  into.io_some_seconds += f.io_some_seconds;
  into.office_io_some_seconds += f.office_io_some_seconds;
  into.disk_busy_seconds += f.disk_busy_seconds;
  into.swap_in_pages += f.swap_in_pages;
  into.swap_out_pages += f.swap_out_pages;
  into.office_swap_in_pages += f.office_swap_in_pages;
  into.office_hard_fault_reads += f.office_hard_fault_reads;
  into.wan_rx += f.wan_rx;
  into.wan_tx += f.wan_tx;
  into.lan_rx += f.lan_rx;
  into.lan_tx += f.lan_tx;
  into.nic_bytes += f.nic_bytes;
  into.nic_capacity_bytes_per_second =
      std::max(into.nic_capacity_bytes_per_second, f.nic_capacity_bytes_per_second);
  into.nic_busy_intervals += f.nic_busy_intervals;
  into.throttle_events += f.throttle_events;
  into.office_throttle_events += f.office_throttle_events;
  into.probe_attempts += f.probe_attempts;
  into.probe_failures += f.probe_failures;
  for (double l : f.probe_latencies) {
    if (into.probe_latencies.size() < kMaxHourLatencies) into.probe_latencies.push_back(l);
  }
  if (f.has_smart) {
    into.smart_reallocated_max = std::max(into.smart_reallocated_max, f.smart_reallocated_max);
    into.has_smart = true;
  }
  for (const auto& [name, a] : f.apps) {
    AppSample& t = into.apps[name];
    t.cpu_seconds += a.cpu_seconds;
    t.running_seconds += a.running_seconds;
    t.office_running_seconds += a.office_running_seconds;
    t.foreground_seconds += a.foreground_seconds;
    t.office_foreground_seconds += a.office_foreground_seconds;
    t.wan_bytes += a.wan_bytes;
  }
  for (const auto& [name, b] : f.wan_hosts) into.wan_hosts[name] += b;
}

nlohmann::json MachineHourToJson(const MachineHour& h) {
  nlohmann::json apps = nlohmann::json::object();
  for (const auto& [name, a] : h.apps) {
    apps[name] = {a.cpu_seconds,        a.running_seconds,           a.office_running_seconds,
                  a.foreground_seconds, a.office_foreground_seconds, a.wan_bytes};
  }
  return {{"hour_start", h.hour_start},
          {"seconds", h.seconds},
          {"office_seconds", h.office_seconds},
          {"cpu_busy_seconds", h.cpu_busy_seconds},
          {"cpu_total_seconds", h.cpu_total_seconds},
          {"office_cpu_busy_seconds", h.office_cpu_busy_seconds},
          {"office_cpu_total_seconds", h.office_cpu_total_seconds},
          {"office_intervals", h.office_intervals},
          {"office_saturated_intervals", h.office_saturated_intervals},
          {"memory_some_seconds", h.memory_some_seconds},
          {"office_memory_some_seconds", h.office_memory_some_seconds},
          {"io_some_seconds", h.io_some_seconds},
          {"office_io_some_seconds", h.office_io_some_seconds},
          {"disk_busy_seconds", h.disk_busy_seconds},
          {"swap_in_pages", h.swap_in_pages},
          {"swap_out_pages", h.swap_out_pages},
          {"office_swap_in_pages", h.office_swap_in_pages},
          {"office_hard_fault_reads", h.office_hard_fault_reads},
          {"wan_rx_bytes", h.wan_rx},
          {"wan_tx_bytes", h.wan_tx},
          {"lan_rx_bytes", h.lan_rx},
          {"lan_tx_bytes", h.lan_tx},
          {"nic_bytes", h.nic_bytes},
          {"nic_capacity_bytes_per_second", h.nic_capacity_bytes_per_second},
          {"nic_busy_intervals", h.nic_busy_intervals},
          {"throttle_events", h.throttle_events},
          {"office_throttle_events", h.office_throttle_events},
          {"probe_attempts", h.probe_attempts},
          {"probe_failures", h.probe_failures},
          {"probe_latencies_seconds", h.probe_latencies},
          {"smart_reallocated_max",
           h.has_smart ? nlohmann::json(h.smart_reallocated_max) : nlohmann::json(nullptr)},
          {"apps", apps},
          {"wan_hosts", h.wan_hosts}};
}

namespace {

// JSON numbers for a stored hour: an integer field must hold a JSON integer in its type's
// range (nlohmann's get<> of 1e132 into an integer is undefined behaviour, found by fuzzing).
template <class T>
T IntOf(const nlohmann::json& v, const std::string& what) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (std::is_signed_v<T> && i >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
        i <= static_cast<std::int64_t>(std::numeric_limits<T>::max())) {
      return static_cast<T>(i);
    }
  }
  throw std::invalid_argument(what + " is not an integer in range");
}

template <class T>
T IntField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() ? T{0} : IntOf<T>(*it, key);
}

double DoubleField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (!it->is_number()) throw std::invalid_argument(std::string(key) + " is not a number");
  return it->get<double>();
}

}  // namespace

Result<MachineHour> MachineHourFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return MakeError("machine hour: expected an object");
  MachineHour h;
  try {
    if (!j.contains("hour_start")) return MakeError("machine hour: no hour_start");
    h.hour_start = IntField<std::int64_t>(j, "hour_start");
    h.seconds = DoubleField(j, "seconds");
    h.office_seconds = DoubleField(j, "office_seconds");
    h.cpu_busy_seconds = DoubleField(j, "cpu_busy_seconds");
    h.cpu_total_seconds = DoubleField(j, "cpu_total_seconds");
    h.office_cpu_busy_seconds = DoubleField(j, "office_cpu_busy_seconds");
    h.office_cpu_total_seconds = DoubleField(j, "office_cpu_total_seconds");
    h.office_intervals = IntField<std::uint32_t>(j, "office_intervals");
    h.office_saturated_intervals = IntField<std::uint32_t>(j, "office_saturated_intervals");
    h.memory_some_seconds = DoubleField(j, "memory_some_seconds");
    h.office_memory_some_seconds = DoubleField(j, "office_memory_some_seconds");
    h.io_some_seconds = DoubleField(j, "io_some_seconds");
    h.office_io_some_seconds = DoubleField(j, "office_io_some_seconds");
    h.disk_busy_seconds = DoubleField(j, "disk_busy_seconds");
    h.swap_in_pages = IntField<std::uint64_t>(j, "swap_in_pages");
    h.swap_out_pages = IntField<std::uint64_t>(j, "swap_out_pages");
    h.office_swap_in_pages = IntField<std::uint64_t>(j, "office_swap_in_pages");
    h.office_hard_fault_reads = IntField<std::uint64_t>(j, "office_hard_fault_reads");
    h.wan_rx = IntField<std::uint64_t>(j, "wan_rx_bytes");
    h.wan_tx = IntField<std::uint64_t>(j, "wan_tx_bytes");
    h.lan_rx = IntField<std::uint64_t>(j, "lan_rx_bytes");
    h.lan_tx = IntField<std::uint64_t>(j, "lan_tx_bytes");
    h.nic_bytes = IntField<std::uint64_t>(j, "nic_bytes");
    h.nic_capacity_bytes_per_second = DoubleField(j, "nic_capacity_bytes_per_second");
    h.nic_busy_intervals = IntField<std::uint32_t>(j, "nic_busy_intervals");
    h.throttle_events = IntField<std::uint64_t>(j, "throttle_events");
    h.office_throttle_events = IntField<std::uint64_t>(j, "office_throttle_events");
    h.probe_attempts = IntField<std::uint64_t>(j, "probe_attempts");
    h.probe_failures = IntField<std::uint64_t>(j, "probe_failures");
    if (j.contains("probe_latencies_seconds")) {
      h.probe_latencies = j["probe_latencies_seconds"].get<std::vector<double>>();
      if (h.probe_latencies.size() > kMaxHourLatencies) h.probe_latencies.resize(kMaxHourLatencies);
    }
    if (j.contains("smart_reallocated_max") && !j["smart_reallocated_max"].is_null()) {
      h.smart_reallocated_max = IntField<std::uint64_t>(j, "smart_reallocated_max");
      h.has_smart = true;
    }
    if (j.contains("apps")) {
      for (auto it = j["apps"].begin(); it != j["apps"].end(); ++it) {
        const auto& a = it.value();
        AppSample s;
        s.cpu_seconds = a.at(0).get<double>();
        s.running_seconds = a.at(1).get<double>();
        s.office_running_seconds = a.at(2).get<double>();
        s.foreground_seconds = a.at(3).get<double>();
        s.office_foreground_seconds = a.at(4).get<double>();
        s.wan_bytes = IntOf<std::uint64_t>(a.at(5), "apps wan bytes");
        h.apps[it.key()] = s;
      }
    }
    if (j.contains("wan_hosts")) {
      const auto& hosts = j["wan_hosts"];
      if (!hosts.is_object()) return MakeError("machine hour: wan_hosts is not an object");
      for (auto it = hosts.begin(); it != hosts.end(); ++it) {
        h.wan_hosts[it.key()] = IntOf<std::uint64_t>(it.value(), "wan_hosts bytes");
      }
    }
  } catch (const std::exception& e) {  // nlohmann's type errors and the checks above
    return MakeError(std::string("machine hour: ") + e.what());
  }
  return h;
}

void AddToBuckets(std::map<std::int64_t, SiteBucket>& buckets, const IntervalSample& s) {
  const std::int64_t span = s.end - s.start;
  if (span <= 0) return;
  const double rx = static_cast<double>(s.wan_rx), tx = static_cast<double>(s.wan_tx);
  std::int64_t b = s.start - (((s.start % kBucketSeconds) + kBucketSeconds) % kBucketSeconds);
  for (; b < s.end; b += kBucketSeconds) {
    const std::int64_t lo = std::max(b, s.start), hi = std::min(b + kBucketSeconds, s.end);
    if (hi <= lo) continue;
    const double f = static_cast<double>(hi - lo) / static_cast<double>(span);
    SiteBucket& sb = buckets[b];
    sb.start = b;
    sb.wan_rx += rx * f;
    sb.wan_tx += tx * f;
  }
  const std::int64_t last =
      (s.end - 1) - ((((s.end - 1) % kBucketSeconds) + kBucketSeconds) % kBucketSeconds);
  SiteBucket& lb = buckets[last];
  lb.start = last;
  ++lb.machines;
  if (s.probe_latency_seconds) {
    lb.latency_sum_seconds += *s.probe_latency_seconds;
    ++lb.latency_count;
  }
}

}  // namespace wardwatch::analytics
