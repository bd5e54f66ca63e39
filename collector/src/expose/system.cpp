// Exposes the system section (CPU times, memory, filesystems, DMI, uname, os-release, boot
// time) with node_exporter's names and labels.
#include <cctype>
#include <charconv>
#include <string>

#include "expose/expose.h"

namespace wardwatch::collector::expose {
namespace {

void ExposeCpu(const MachineContext& m, FamilySet& out) {
  struct Mode {
    const char* name;
    double schema::CpuTimes::*field;
  };
  static constexpr Mode kModes[] = {
      {"idle", &schema::CpuTimes::idle},       {"iowait", &schema::CpuTimes::iowait},
      {"irq", &schema::CpuTimes::irq},         {"nice", &schema::CpuTimes::nice},
      {"softirq", &schema::CpuTimes::softirq}, {"steal", &schema::CpuTimes::steal},
      {"system", &schema::CpuTimes::system},   {"user", &schema::CpuTimes::user},
  };
  for (const auto& cpu : m.report.system.cpus) {
    const std::string index = std::to_string(cpu.cpu);
    for (const auto& mode : kModes) {
      m.Counter(out, "node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                {{"cpu", index}, {"mode", mode.name}}, cpu.*mode.field);
    }
  }
}

void ExposeMemory(const MachineContext& m, FamilySet& out) {
  for (const auto& [key, bytes] : m.report.system.meminfo) {
    // Keys are node_exporter-normalised by the agent (MemTotal, Active_anon); the decoder only
    // admits [A-Za-z0-9_.:-], so replace what Prometheus names cannot hold.
    std::string name = "node_memory_" + key + "_bytes";
    for (char& c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
    }
    m.Gauge(out, name, "Memory information field " + key + "_bytes.", {},
            static_cast<double>(bytes));
  }
}

void ExposeFilesystems(const MachineContext& m, FamilySet& out) {
  for (const auto& fs : m.report.system.filesystems) {
    const LabelList labels = {
        {"device", fs.device}, {"fstype", fs.fstype}, {"mountpoint", fs.mountpoint}};
    m.Gauge(out, "node_filesystem_size_bytes", "Filesystem size in bytes.", labels,
            static_cast<double>(fs.size_bytes));
    m.Gauge(out, "node_filesystem_free_bytes", "Filesystem free space in bytes.", labels,
            static_cast<double>(fs.free_bytes));
    m.Gauge(out, "node_filesystem_avail_bytes",
            "Filesystem space available to non-root users in bytes.", labels,
            static_cast<double>(fs.avail_bytes));
    m.Gauge(out, "node_filesystem_files", "Filesystem total file nodes.", labels,
            static_cast<double>(fs.files));
    m.Gauge(out, "node_filesystem_files_free", "Filesystem total free file nodes.", labels,
            static_cast<double>(fs.files_free));
    m.Gauge(out, "node_filesystem_readonly", "Filesystem read-only status.", labels,
            fs.readonly ? 1 : 0);
  }
}

void ExposeDmi(const MachineContext& m, FamilySet& out) {
  // /sys/class/dmi/id file -> node_exporter label. Serial numbers and UUIDs stay out of labels.
  static constexpr std::pair<const char*, const char*> kLabels[] = {
      {"bios_date", "bios_date"},
      {"bios_release", "bios_release"},
      {"bios_vendor", "bios_vendor"},
      {"bios_version", "bios_version"},
      {"board_name", "board_name"},
      {"board_vendor", "board_vendor"},
      {"board_version", "board_version"},
      {"chassis_vendor", "chassis_vendor"},
      {"chassis_version", "chassis_version"},
      {"product_family", "product_family"},
      {"product_name", "product_name"},
      {"product_sku", "product_sku"},
      {"product_version", "product_version"},
      {"sys_vendor", "system_vendor"},
  };
  std::vector<prometheus::ClientMetric::Label> labels;
  for (const auto& [file, label] : kLabels) {
    auto it = m.report.system.dmi.find(file);
    if (it != m.report.system.dmi.end() && !it->second.empty()) {
      labels.push_back({label, it->second});
    }
  }
  if (labels.empty()) return;
  m.GaugeDynamic(out, "node_dmi_info",
                 "A metric with a constant '1' value labeled by bios_date, bios_release, "
                 "bios_vendor, bios_version, board_name, board_vendor, board_version, "
                 "chassis_vendor, chassis_version, product_family, product_name, product_sku, "
                 "product_version, system_vendor if provided by DMI.",
                 std::move(labels), 1);
}

// node_exporter's node_os_version: the leading "MAJOR[.MINOR]" of VERSION_ID, else 0.
double NumericVersion(const std::string& version_id) {
  std::size_t end = 0;
  while (end < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[end]))) {
    ++end;
  }
  if (end == 0) return 0;
  if (end < version_id.size() && version_id[end] == '.') {
    ++end;
    while (end < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[end]))) {
      ++end;
    }
  }
  double value = 0;
  auto r = std::from_chars(version_id.data(), version_id.data() + end, value);
  return r.ec == std::errc() ? value : 0;
}

void ExposeOs(const MachineContext& m, FamilySet& out) {
  if (!m.report.system.os) return;
  const auto& os = *m.report.system.os;
  m.Gauge(out, "node_uname_info",
          "Labeled system information as provided by the uname system call.",
          {{"sysname", os.sysname},
           {"release", os.release},
           {"version", os.version},
           {"machine", os.machine},
           {"nodename", os.nodename}},
          1);
  if (os.boot_time_seconds) {
    m.Gauge(out, "node_boot_time_seconds", "Node boot time, in unixtime.", {},
            *os.boot_time_seconds);
  }
  if (os.os_release.empty()) return;
  auto get = [&os](const char* key) -> std::string_view {
    auto it = os.os_release.find(key);
    return it == os.os_release.end() ? std::string_view() : std::string_view(it->second);
  };
  m.Gauge(out, "node_os_info",
          "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
          "image_version, name, pretty_name, variant, variant_id, version, version_codename, "
          "version_id.",
          // node_exporter's full label set: BUILD_ID carries the Windows build (19045.3693)
          // and rolling distributions' builds, VARIANT_ID the Windows edition.
          {{"build_id", get("BUILD_ID")},
           {"id", get("ID")},
           {"id_like", get("ID_LIKE")},
           {"image_id", get("IMAGE_ID")},
           {"image_version", get("IMAGE_VERSION")},
           {"name", get("NAME")},
           {"pretty_name", get("PRETTY_NAME")},
           {"variant", get("VARIANT")},
           {"variant_id", get("VARIANT_ID")},
           {"version", get("VERSION")},
           {"version_codename", get("VERSION_CODENAME")},
           {"version_id", get("VERSION_ID")}},
          1);
  m.Gauge(out, "node_os_version", "Metric containing the major.minor part of the OS version.",
          {{"id", get("ID")}, {"id_like", get("ID_LIKE")}, {"name", get("NAME")}},
          NumericVersion(std::string(get("VERSION_ID"))));
}

}  // namespace

void ExposeSystem(const MachineContext& m, FamilySet& out) {
  ExposeCpu(m, out);
  ExposeMemory(m, out);
  ExposeFilesystems(m, out);
  ExposeDmi(m, out);
  ExposeOs(m, out);
}

}  // namespace wardwatch::collector::expose
