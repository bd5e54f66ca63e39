// Report section for hardware health: disks and SMART, disk load, pressure, CPU model,
// memory modules, temperatures and fans, battery. Every list may be empty: "not present on
// this machine" is a fact, not an error. Field lists are in Visit() for the JSON codec.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace wardwatch::json {
class Object;
}

namespace wardwatch::schema {

struct SmartAttribute {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t value = 0;  // normalised
  std::uint64_t worst = 0;
  std::uint64_t thresh = 0;
  std::uint64_t raw = 0;  // raw.value as smartctl reports it
  std::string flags;      // smartctl's flags.string, e.g. "PO--CK"
};

struct NvmeHealth {
  std::uint64_t critical_warning = 0;
  std::uint64_t percentage_used = 0;
  std::uint64_t available_spare = 0;
  std::uint64_t available_spare_threshold = 0;
  std::uint64_t media_errors = 0;
  std::uint64_t unsafe_shutdowns = 0;
  std::uint64_t power_on_hours = 0;
  std::uint64_t power_cycles = 0;
  std::optional<double> temperature_celsius;
};

struct Disk {
  std::string name;  // kernel name: sda, nvme0n1
  std::string model, serial, firmware;
  std::uint64_t size_bytes = 0;
  bool rotational = false;  // /sys/block/<name>/queue/rotational
  bool removable = false;
  bool boot = false;  // holds the root filesystem
  // SMART, when smartctl ran ("smart_status" absent = not known).
  std::optional<bool> smart_passed;
  std::string smart_protocol;  // "ATA", "NVMe", "SCSI"
  std::vector<SmartAttribute> attributes;
  std::optional<NvmeHealth> nvme;
  std::optional<std::uint64_t> power_on_hours;
  std::optional<std::uint64_t> power_cycles;
  std::optional<double> temperature_celsius;
  std::optional<std::uint64_t> smart_collected_at_ms;  // SMART runs every few hours
  std::string smart_unavailable;  // why there is no SMART data ("smartctl not installed", ...)
};

// /proc/diskstats, per whole disk. Bytes are sectors * 512.
struct DiskStats {
  std::string device;
  std::uint64_t reads_completed = 0, reads_merged = 0, read_bytes = 0;
  double read_time_seconds = 0;
  std::uint64_t writes_completed = 0, writes_merged = 0, written_bytes = 0;
  double write_time_seconds = 0;
  std::uint64_t io_now = 0;
  double io_time_seconds = 0, io_time_weighted_seconds = 0;
};

// Linux PSI totals in seconds (/proc/pressure/*: total= is in microseconds).
struct Pressure {
  std::optional<double> cpu_some_seconds, cpu_full_seconds;
  std::optional<double> memory_some_seconds, memory_full_seconds;
  std::optional<double> io_some_seconds, io_full_seconds;
};

struct LoadAverage {
  double load1 = 0, load5 = 0, load15 = 0;
};

struct CpuInfo {
  std::string vendor, model_name;
  std::uint32_t family = 0, model = 0, stepping = 0;
  std::uint32_t sockets = 0, cores = 0, threads = 0;
  std::optional<double> base_hertz, max_hertz, min_hertz;
  std::vector<double> current_hertz;  // per logical CPU, when cpufreq is there
  std::vector<std::string> flags;     // generation markers only: sse4_2, avx, avx2, avx512f, aes
  std::optional<std::uint64_t> core_throttle_total;     // sum of core_throttle_count
  std::optional<std::uint64_t> package_throttle_total;  // sum of package_throttle_count
};

struct MemoryModule {
  std::string locator, type, manufacturer, part_number, form_factor;
  std::uint64_t size_bytes = 0;
  std::uint64_t speed_mts = 0;  // MT/s
};

struct TempSensor {
  std::string chip, sensor, label;  // e.g. coretemp / temp1 / "Package id 0"
  double celsius = 0;
  std::optional<double> max_celsius, crit_celsius;
};

struct Fan {
  std::string chip, sensor, label;
  double rpm = 0;
};

struct ThermalZone {
  std::string zone, type;  // thermal_zone0, x86_pkg_temp
  double celsius = 0;
};

struct Battery {
  std::string name, status, technology, manufacturer, model_name;
  std::optional<double> capacity_ratio;  // capacity / 100
  std::optional<double> energy_full_wh, energy_full_design_wh;
  std::optional<double> charge_full_ah, charge_full_design_ah;
  std::optional<std::uint64_t> cycle_count;
  std::optional<double> wear_ratio;  // 1 - full / full_design, 0..1
};

struct HardwareSection {
  std::vector<Disk> disks;
  std::vector<DiskStats> diskstats;
  std::optional<Pressure> pressure;
  std::map<std::string, std::uint64_t> vmstat;  // pswpin, pswpout, pgmajfault, ...
  std::optional<LoadAverage> load;
  std::optional<CpuInfo> cpu;
  std::vector<MemoryModule> memory_modules;
  std::optional<std::uint32_t> memory_slots;
  std::vector<TempSensor> temperatures;
  std::vector<Fan> fans;
  std::vector<ThermalZone> thermal_zones;
  std::vector<Battery> batteries;
  std::optional<std::uint32_t> chassis_type;  // SMBIOS code: 3 desktop, 9/10 laptop, 1 other
  // Signals this machine does not have (no battery, no hwmon) and signals that need more
  // privilege (SMART, memory modules without root): names, for the officer to read.
  std::vector<std::string> absent;
  std::vector<std::string> needs_privilege;
};

nlohmann::json EncodeHardware(const HardwareSection& s);
void DecodeHardware(json::Object& o, HardwareSection& s);

template <class V>
void Visit(V& v, SmartAttribute& a) {
  v("id", a.id, true);
  v("name", a.name);
  v("value", a.value);
  v("worst", a.worst);
  v("thresh", a.thresh);
  v("raw", a.raw);
  v("flags", a.flags);
}

template <class V>
void Visit(V& v, NvmeHealth& n) {
  v("critical_warning", n.critical_warning);
  v("percentage_used", n.percentage_used);
  v("available_spare", n.available_spare);
  v("available_spare_threshold", n.available_spare_threshold);
  v("media_errors", n.media_errors);
  v("unsafe_shutdowns", n.unsafe_shutdowns);
  v("power_on_hours", n.power_on_hours);
  v("power_cycles", n.power_cycles);
  v("temperature_celsius", n.temperature_celsius);
}

template <class V>
void Visit(V& v, Disk& d) {
  v("name", d.name, true);
  v("model", d.model);
  v("serial", d.serial);
  v("firmware", d.firmware);
  v("size_bytes", d.size_bytes);
  v("rotational", d.rotational);
  v("removable", d.removable);
  v("boot", d.boot);
  v("smart_passed", d.smart_passed);
  v("smart_protocol", d.smart_protocol);
  v("attributes", d.attributes);
  v("nvme", d.nvme);
  v("power_on_hours", d.power_on_hours);
  v("power_cycles", d.power_cycles);
  v("temperature_celsius", d.temperature_celsius);
  v("smart_collected_at_ms", d.smart_collected_at_ms);
  v("smart_unavailable", d.smart_unavailable);
}

template <class V>
void Visit(V& v, DiskStats& d) {
  v("device", d.device, true);
  v("reads_completed", d.reads_completed);
  v("reads_merged", d.reads_merged);
  v("read_bytes", d.read_bytes);
  v("read_time_seconds", d.read_time_seconds);
  v("writes_completed", d.writes_completed);
  v("writes_merged", d.writes_merged);
  v("written_bytes", d.written_bytes);
  v("write_time_seconds", d.write_time_seconds);
  v("io_now", d.io_now);
  v("io_time_seconds", d.io_time_seconds);
  v("io_time_weighted_seconds", d.io_time_weighted_seconds);
}

template <class V>
void Visit(V& v, Pressure& p) {
  v("cpu_some_seconds", p.cpu_some_seconds);
  v("cpu_full_seconds", p.cpu_full_seconds);
  v("memory_some_seconds", p.memory_some_seconds);
  v("memory_full_seconds", p.memory_full_seconds);
  v("io_some_seconds", p.io_some_seconds);
  v("io_full_seconds", p.io_full_seconds);
}

template <class V>
void Visit(V& v, LoadAverage& l) {
  v("load1", l.load1, true);
  v("load5", l.load5, true);
  v("load15", l.load15, true);
}

template <class V>
void Visit(V& v, CpuInfo& c) {
  v("vendor", c.vendor);
  v("model_name", c.model_name);
  v("family", c.family);
  v("model", c.model);
  v("stepping", c.stepping);
  v("sockets", c.sockets);
  v("cores", c.cores);
  v("threads", c.threads);
  v("base_hertz", c.base_hertz);
  v("max_hertz", c.max_hertz);
  v("min_hertz", c.min_hertz);
  v("current_hertz", c.current_hertz);
  v("flags", c.flags);
  v("core_throttle_total", c.core_throttle_total);
  v("package_throttle_total", c.package_throttle_total);
}

template <class V>
void Visit(V& v, MemoryModule& m) {
  v("locator", m.locator);
  v("type", m.type);
  v("manufacturer", m.manufacturer);
  v("part_number", m.part_number);
  v("form_factor", m.form_factor);
  v("size_bytes", m.size_bytes);
  v("speed_mts", m.speed_mts);
}

template <class V>
void Visit(V& v, TempSensor& t) {
  v("chip", t.chip, true);
  v("sensor", t.sensor, true);
  v("label", t.label);
  v("celsius", t.celsius, true);
  v("max_celsius", t.max_celsius);
  v("crit_celsius", t.crit_celsius);
}

template <class V>
void Visit(V& v, Fan& f) {
  v("chip", f.chip, true);
  v("sensor", f.sensor, true);
  v("label", f.label);
  v("rpm", f.rpm, true);
}

template <class V>
void Visit(V& v, ThermalZone& z) {
  v("zone", z.zone, true);
  v("type", z.type);
  v("celsius", z.celsius, true);
}

template <class V>
void Visit(V& v, Battery& b) {
  v("name", b.name, true);
  v("status", b.status);
  v("technology", b.technology);
  v("manufacturer", b.manufacturer);
  v("model_name", b.model_name);
  v("capacity_ratio", b.capacity_ratio);
  v("energy_full_wh", b.energy_full_wh);
  v("energy_full_design_wh", b.energy_full_design_wh);
  v("charge_full_ah", b.charge_full_ah);
  v("charge_full_design_ah", b.charge_full_design_ah);
  v("cycle_count", b.cycle_count);
  v("wear_ratio", b.wear_ratio);
}

template <class V>
void Visit(V& v, HardwareSection& h) {
  v("disks", h.disks);
  v("diskstats", h.diskstats);
  v("pressure", h.pressure);
  v("vmstat", h.vmstat);
  v("load", h.load);
  v("cpu", h.cpu);
  v("memory_modules", h.memory_modules);
  v("memory_slots", h.memory_slots);
  v("temperatures", h.temperatures);
  v("fans", h.fans);
  v("thermal_zones", h.thermal_zones);
  v("batteries", h.batteries);
  v("chassis_type", h.chassis_type);
  v("absent", h.absent);
  v("needs_privilege", h.needs_privilege);
}

}  // namespace wardwatch::schema
