// Exposes the hardware section with the names the ecosystem knows: node_exporter's for disk
// I/O, pressure, vmstat, load, CPU, hwmon, thermal zones and power supplies; smartctl_exporter's
// for SMART; wardwatch_ names only for facts neither has (disk roles, memory modules, battery
// wear, chassis, which signals are absent or need root).
#include <algorithm>
#include <cctype>
#include <string>

#include "expose/expose.h"

namespace wardwatch::collector::expose {
namespace {

using Labels = std::vector<prometheus::ClientMetric::Label>;

// node_exporter exposes /proc/vmstat fields untyped; keep that, so queries carry over.
void Untyped(const MachineContext& m, FamilySet& out, std::string_view name, std::string_view help,
             Labels labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.label.insert(metric.label.end(), m.base_labels.begin(), m.base_labels.end());
  std::sort(metric.label.begin(), metric.label.end());
  metric.untyped.value = value;
  out.Family(name, help, prometheus::MetricType::Untyped).metric.push_back(std::move(metric));
}

void ExposeDisks(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  for (const auto& d : hw.disks) {
    m.Gauge(out, "wardwatch_disk_info",
            "Physical disk: model, whether it spins (rotational) and holds / (boot).",
            {{"device", d.name},
             {"model", d.model},
             {"rotational", d.rotational ? "1" : "0"},
             {"removable", d.removable ? "1" : "0"},
             {"boot", d.boot ? "1" : "0"}},
            1);
    m.Gauge(out, "wardwatch_disk_size_bytes", "Disk size in bytes.", {{"device", d.name}},
            static_cast<double>(d.size_bytes));
    if (!d.smart_unavailable.empty()) {
      m.Gauge(out, "wardwatch_disk_smart_unavailable_info",
              "Why a disk has no SMART data (no smartctl, not root, no SMART on the device).",
              {{"device", d.name}, {"reason", d.smart_unavailable}}, 1);
      continue;
    }
    const LabelList dev = {{"device", d.name}};
    m.Gauge(out, "smartctl_device", "Device info",
            {{"device", d.name},
             {"protocol", d.smart_protocol},
             {"model_name", d.model},
             {"serial_number", d.serial},
             {"firmware_version", d.firmware}},
            1);
    if (d.smart_passed) {
      m.Gauge(out, "smartctl_device_smart_status", "General smart status", dev,
              *d.smart_passed ? 1 : 0);
    }
    if (d.power_on_hours) {
      m.Gauge(out, "smartctl_device_power_on_seconds", "Device power on seconds", dev,
              static_cast<double>(*d.power_on_hours) * 3600);
    }
    if (d.power_cycles) {
      // smartctl_exporter's smartctl_device_power_cycle_count breaks promtool's "_count is for
      // histograms" rule, so this one count gets a wardwatch_ counter name.
      m.Counter(out, "wardwatch_disk_power_cycles_total",
                "Times the disk was powered on (SMART power cycle count).", dev,
                static_cast<double>(*d.power_cycles));
    }
    if (d.temperature_celsius) {
      m.Gauge(out, "smartctl_device_temperature", "Device temperature celsius",
              {{"device", d.name}, {"temperature_type", "current"}}, *d.temperature_celsius);
    }
    if (d.smart_collected_at_ms) {
      m.Gauge(out, "wardwatch_disk_smart_collected_timestamp_seconds",
              "When smartctl last read this disk (it runs every few hours).", dev,
              static_cast<double>(*d.smart_collected_at_ms) / 1000.0);
    }
    for (const auto& a : d.attributes) {
      const std::string id = std::to_string(a.id);
      const std::pair<const char*, std::uint64_t> kinds[] = {
          {"value", a.value}, {"worst", a.worst}, {"thresh", a.thresh}, {"raw", a.raw}};
      for (const auto& [kind, v] : kinds) {
        m.Gauge(out, "smartctl_device_attribute", "Device attributes",
                {{"device", d.name},
                 {"attribute_id", id},
                 {"attribute_name", a.name},
                 {"attribute_flags_short", a.flags},
                 {"attribute_value_type", kind}},
                static_cast<double>(v));
      }
    }
    if (d.nvme) {
      const auto& n = *d.nvme;
      m.Gauge(out, "smartctl_device_percentage_used", "Device write percentage used", dev,
              static_cast<double>(n.percentage_used));
      m.Gauge(out, "smartctl_device_available_spare",
              "Normalized percentage (0 to 100%) of the remaining spare capacity available", dev,
              static_cast<double>(n.available_spare));
      m.Gauge(out, "smartctl_device_available_spare_threshold",
              "When the Available Spare falls below the threshold indicated in this field, an "
              "asynchronous event completion may occur. The value is indicated as a normalized "
              "percentage (0 to 100%)",
              dev, static_cast<double>(n.available_spare_threshold));
      m.Gauge(out, "smartctl_device_media_errors",
              "Contains the number of occurrences where the controller detected an unrecovered "
              "data integrity error.",
              dev, static_cast<double>(n.media_errors));
      m.Gauge(out, "smartctl_device_critical_warning",
              "This field indicates critical warnings for the state of the controller", dev,
              static_cast<double>(n.critical_warning));
      m.Counter(out, "wardwatch_disk_unsafe_shutdowns_total",
                "NVMe unsafe shutdowns (power lost without a clean shutdown).", dev,
                static_cast<double>(n.unsafe_shutdowns));
    }
  }
}

void ExposeDiskstats(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  for (const auto& s : hw.diskstats) {
    const LabelList dev = {{"device", s.device}};
    m.Counter(out, "node_disk_reads_completed_total",
              "The total number of reads completed successfully.", dev,
              static_cast<double>(s.reads_completed));
    m.Counter(out, "node_disk_reads_merged_total", "The total number of reads merged.", dev,
              static_cast<double>(s.reads_merged));
    m.Counter(out, "node_disk_read_bytes_total", "The total number of bytes read successfully.",
              dev, static_cast<double>(s.read_bytes));
    m.Counter(out, "node_disk_read_time_seconds_total",
              "The total number of seconds spent by all reads.", dev, s.read_time_seconds);
    m.Counter(out, "node_disk_writes_completed_total",
              "The total number of writes completed successfully.", dev,
              static_cast<double>(s.writes_completed));
    m.Counter(out, "node_disk_writes_merged_total", "The number of writes merged.", dev,
              static_cast<double>(s.writes_merged));
    m.Counter(out, "node_disk_written_bytes_total",
              "The total number of bytes written successfully.", dev,
              static_cast<double>(s.written_bytes));
    m.Counter(out, "node_disk_write_time_seconds_total",
              "This is the total number of seconds spent by all writes.", dev,
              s.write_time_seconds);
    m.Gauge(out, "node_disk_io_now", "The number of I/Os currently in progress.", dev,
            static_cast<double>(s.io_now));
    m.Counter(out, "node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", dev,
              s.io_time_seconds);
    m.Counter(out, "node_disk_io_time_weighted_seconds_total",
              "The weighted # of seconds spent doing I/Os.", dev, s.io_time_weighted_seconds);
  }
}

void ExposePressure(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  if (!hw.pressure) return;
  const auto& p = *hw.pressure;
  const std::pair<const char*, const std::optional<double>*> rows[] = {
      {"node_pressure_cpu_waiting_seconds_total", &p.cpu_some_seconds},
      {"node_pressure_cpu_stalled_seconds_total", &p.cpu_full_seconds},
      {"node_pressure_memory_waiting_seconds_total", &p.memory_some_seconds},
      {"node_pressure_memory_stalled_seconds_total", &p.memory_full_seconds},
      {"node_pressure_io_waiting_seconds_total", &p.io_some_seconds},
      {"node_pressure_io_stalled_seconds_total", &p.io_full_seconds},
  };
  for (const auto& [name, v] : rows) {
    if (!*v) continue;
    m.Counter(out, name,
              "Total time in seconds that processes have waited (some) or stalled (all "
              "non-idle tasks, full) for this resource (Linux PSI).",
              {}, **v);
  }
}

void ExposeLoadAndVmstat(const MachineContext& m, FamilySet& out,
                         const schema::HardwareSection& hw) {
  if (hw.load) {
    m.Gauge(out, "node_load1", "1m load average.", {}, hw.load->load1);
    m.Gauge(out, "node_load5", "5m load average.", {}, hw.load->load5);
    m.Gauge(out, "node_load15", "15m load average.", {}, hw.load->load15);
  }
  for (const auto& [key, v] : hw.vmstat) {
    // Keys come from the agent's fixed list; keep only Prometheus-safe names anyway.
    bool safe = !key.empty();
    for (char c : key) safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!safe) continue;
    Untyped(m, out, "node_vmstat_" + key, "/proc/vmstat information field " + key + ".", {},
            static_cast<double>(v));
  }
}

void ExposeCpu(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  if (!hw.cpu) return;
  const auto& c = *hw.cpu;
  m.Gauge(out, "node_cpu_info", "CPU information from /proc/cpuinfo.",
          {{"vendor", c.vendor},
           {"family", std::to_string(c.family)},
           {"model", std::to_string(c.model)},
           {"model_name", c.model_name},
           {"stepping", std::to_string(c.stepping)}},
          1);
  for (const auto& f : c.flags) {
    m.Gauge(out, "node_cpu_flag_info", "The `flags` field of CPU information from /proc/cpuinfo.",
            {{"flag", f}}, 1);
  }
  m.Gauge(out, "wardwatch_cpu_sockets", "CPU packages (sockets).", {}, c.sockets);
  m.Gauge(out, "wardwatch_cpu_cores", "Physical CPU cores.", {}, c.cores);
  m.Gauge(out, "wardwatch_cpu_threads", "Logical CPUs (hardware threads).", {}, c.threads);
  if (c.max_hertz) {
    m.Gauge(out, "node_cpu_frequency_max_hertz", "Maximum CPU thread frequency in hertz.", {},
            *c.max_hertz);
  }
  if (c.min_hertz) {
    m.Gauge(out, "node_cpu_frequency_min_hertz", "Minimum CPU thread frequency in hertz.", {},
            *c.min_hertz);
  }
  if (c.base_hertz) {
    m.Gauge(out, "wardwatch_cpu_base_frequency_hertz", "CPU base (non-turbo) frequency.", {},
            *c.base_hertz);
  }
  for (std::size_t i = 0; i < c.current_hertz.size(); ++i) {
    m.Gauge(out, "node_cpu_scaling_frequency_hertz",
            "Current scaled CPU thread frequency in hertz.", {{"cpu", std::to_string(i)}},
            c.current_hertz[i]);
  }
  if (c.core_throttle_total) {
    m.Counter(out, "node_cpu_core_throttles_total",
              "Number of times this CPU core has been throttled (summed over cores).", {},
              static_cast<double>(*c.core_throttle_total));
  }
  if (c.package_throttle_total) {
    m.Counter(out, "node_cpu_package_throttles_total",
              "Number of times this CPU package has been throttled (summed over packages).", {},
              static_cast<double>(*c.package_throttle_total));
  }
}

void ExposeMemoryModules(const MachineContext& m, FamilySet& out,
                         const schema::HardwareSection& hw) {
  for (const auto& mod : hw.memory_modules) {
    m.Gauge(out, "wardwatch_memory_module_info",
            "Installed RAM module from SMBIOS: slot, generation, form factor, maker, part.",
            {{"locator", mod.locator},
             {"type", mod.type},
             {"form_factor", mod.form_factor},
             {"manufacturer", mod.manufacturer},
             {"part_number", mod.part_number}},
            1);
    m.Gauge(out, "wardwatch_memory_module_size_bytes", "RAM module size in bytes.",
            {{"locator", mod.locator}}, static_cast<double>(mod.size_bytes));
    if (mod.speed_mts > 0) {
      m.Gauge(out, "wardwatch_memory_module_speed_transfers_per_second",
              "RAM module rated speed in transfers per second (MT/s * 1e6).",
              {{"locator", mod.locator}}, static_cast<double>(mod.speed_mts) * 1e6);
    }
  }
  if (hw.memory_slots) {
    m.Gauge(out, "wardwatch_memory_slots", "Memory slots on the board, used or not.", {},
            *hw.memory_slots);
  }
}

void ExposeSensors(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  for (const auto& t : hw.temperatures) {
    const LabelList id = {{"chip", t.chip}, {"sensor", t.sensor}};
    m.Gauge(out, "node_hwmon_temp_celsius", "Hardware monitor for temperature (input)", id,
            t.celsius);
    if (t.max_celsius) {
      m.Gauge(out, "node_hwmon_temp_max_celsius", "Hardware monitor for temperature (max)", id,
              *t.max_celsius);
    }
    if (t.crit_celsius) {
      m.Gauge(out, "node_hwmon_temp_crit_celsius", "Hardware monitor for temperature (crit)", id,
              *t.crit_celsius);
    }
    if (!t.label.empty()) {
      m.Gauge(out, "node_hwmon_sensor_label", "Label for given chip and sensor",
              {{"chip", t.chip}, {"sensor", t.sensor}, {"label", t.label}}, 1);
    }
  }
  for (const auto& f : hw.fans) {
    m.Gauge(out, "node_hwmon_fan_rpm", "Hardware monitor for fan revolutions per minute (input)",
            {{"chip", f.chip}, {"sensor", f.sensor}}, f.rpm);
    if (!f.label.empty()) {
      m.Gauge(out, "node_hwmon_sensor_label", "Label for given chip and sensor",
              {{"chip", f.chip}, {"sensor", f.sensor}, {"label", f.label}}, 1);
    }
  }
  for (const auto& z : hw.thermal_zones) {
    std::string zone = z.zone;
    if (zone.rfind("thermal_zone", 0) == 0) zone = zone.substr(12);
    m.Gauge(out, "node_thermal_zone_temp", "Zone temperature in Celsius",
            {{"zone", zone}, {"type", z.type}}, z.celsius);
  }
}

void ExposeBatteries(const MachineContext& m, FamilySet& out, const schema::HardwareSection& hw) {
  for (const auto& b : hw.batteries) {
    const LabelList ps = {{"power_supply", b.name}};
    m.Gauge(out, "node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.",
            {{"power_supply", b.name},
             {"type", "Battery"},
             {"status", b.status},
             {"technology", b.technology},
             {"manufacturer", b.manufacturer},
             {"model_name", b.model_name}},
            1);
    if (b.capacity_ratio) {
      m.Gauge(out, "node_power_supply_capacity",
              "capacity value of /sys/class/power_supply/<power_supply>.", ps,
              *b.capacity_ratio * 100);
    }
    if (b.cycle_count) {
      m.Gauge(out, "node_power_supply_cyclecount",
              "cycle_count value of /sys/class/power_supply/<power_supply>.", ps,
              static_cast<double>(*b.cycle_count));
    }
    const std::pair<const char*, const std::optional<double>*> rows[] = {
        {"node_power_supply_energy_full", &b.energy_full_wh},
        {"node_power_supply_energy_full_design", &b.energy_full_design_wh},
        {"node_power_supply_charge_full", &b.charge_full_ah},
        {"node_power_supply_charge_full_design", &b.charge_full_design_ah},
    };
    for (const auto& [name, v] : rows) {
      if (!*v) continue;
      m.Gauge(out, name,
              "value of /sys/class/power_supply/<power_supply> in watthours (energy) or "
              "amperehours (charge).",
              ps, **v);
    }
    if (b.wear_ratio) {
      m.Gauge(out, "wardwatch_battery_wear_ratio",
              "Battery capacity lost: 1 - full / full_design (0 new, 1 dead).", ps, *b.wear_ratio);
    }
  }
}

// SMBIOS chassis code -> the form an officer thinks in.
std::string_view ChassisForm(std::uint32_t code) {
  switch (code) {
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 13:
    case 15:
    case 16:
    case 24:
    case 35:
    case 36:
      return "desktop";
    case 8:
    case 9:
    case 10:
    case 14:
    case 30:
    case 31:
    case 32:
      return "laptop";
    case 17:
    case 23:
    case 28:
    case 29:
      return "server";
    default:
      return "other";
  }
}

}  // namespace

void ExposeHardware(const MachineContext& m, FamilySet& out) {
  if (!m.report.hardware) return;
  const auto& hw = *m.report.hardware;
  ExposeDisks(m, out, hw);
  ExposeDiskstats(m, out, hw);
  ExposePressure(m, out, hw);
  ExposeLoadAndVmstat(m, out, hw);
  ExposeCpu(m, out, hw);
  ExposeMemoryModules(m, out, hw);
  ExposeSensors(m, out, hw);
  ExposeBatteries(m, out, hw);
  if (hw.chassis_type) {
    m.Gauge(out, "wardwatch_machine_chassis_info",
            "SMBIOS chassis type code and the form it means (desktop, laptop, server, other).",
            {{"chassis_type", std::to_string(*hw.chassis_type)},
             {"form", ChassisForm(*hw.chassis_type)}},
            1);
  }
  for (const auto& s : hw.absent) {
    m.Gauge(out, "wardwatch_hardware_signal_absent",
            "A hardware signal this machine does not have (no battery, no hwmon, no SMART).",
            {{"signal", s}}, 1);
  }
  for (const auto& s : hw.needs_privilege) {
    m.Gauge(out, "wardwatch_hardware_signal_needs_privilege",
            "A hardware signal the agent could not read without root.", {{"signal", s}}, 1);
  }
}

}  // namespace wardwatch::collector::expose
