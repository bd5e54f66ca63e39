// Report sections for the host basics: CPU times, memory, filesystems, DMI, operating system.
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

// Cumulative CPU seconds per mode for one logical CPU (/proc/stat).
struct CpuTimes {
  std::uint32_t cpu = 0;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
};

struct Filesystem {
  std::string device, mountpoint, fstype;
  std::uint64_t size_bytes = 0, free_bytes = 0, avail_bytes = 0, files = 0, files_free = 0;
  bool readonly = false;
};

struct OsInfo {
  // uname(2)
  std::string sysname, release, version, machine, nodename;
  // /etc/os-release keys as written there (NAME, ID, VERSION_ID, PRETTY_NAME, ...).
  std::map<std::string, std::string> os_release;
  std::optional<double> boot_time_seconds;
};

struct SystemSection {
  std::vector<CpuTimes> cpus;
  // /proc/meminfo in bytes, keys in node_exporter's form (MemTotal, Active_anon, ...).
  std::map<std::string, std::uint64_t> meminfo;
  std::vector<Filesystem> filesystems;
  // /sys/class/dmi/id file name -> value (bios_date, product_name, sys_vendor, ...).
  std::map<std::string, std::string> dmi;
  std::optional<OsInfo> os;
};

nlohmann::json EncodeSystem(const SystemSection& s);
void DecodeSystem(json::Object& o, SystemSection& s);

}  // namespace wardwatch::schema
