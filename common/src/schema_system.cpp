// JSON codec for the system section (CPU, memory, filesystems, DMI, OS).
#include <nlohmann/json.hpp>

#include "wardwatch/json_decode.h"
#include "wardwatch/schema/system.h"

namespace wardwatch::schema {

nlohmann::json EncodeSystem(const SystemSection& s) {
  nlohmann::json j;
  auto& cpus = j["cpus"] = nlohmann::json::array();
  for (const auto& c : s.cpus) {
    cpus.push_back({{"cpu", c.cpu},
                    {"user", c.user},
                    {"nice", c.nice},
                    {"system", c.system},
                    {"idle", c.idle},
                    {"iowait", c.iowait},
                    {"irq", c.irq},
                    {"softirq", c.softirq},
                    {"steal", c.steal}});
  }
  j["meminfo"] = s.meminfo;
  auto& fss = j["filesystems"] = nlohmann::json::array();
  for (const auto& f : s.filesystems) {
    fss.push_back({{"device", f.device},
                   {"mountpoint", f.mountpoint},
                   {"fstype", f.fstype},
                   {"size_bytes", f.size_bytes},
                   {"free_bytes", f.free_bytes},
                   {"avail_bytes", f.avail_bytes},
                   {"files", f.files},
                   {"files_free", f.files_free},
                   {"readonly", f.readonly}});
  }
  j["dmi"] = s.dmi;
  if (s.os) {
    nlohmann::json os = {{"sysname", s.os->sysname},   {"release", s.os->release},
                         {"version", s.os->version},   {"machine", s.os->machine},
                         {"nodename", s.os->nodename}, {"os_release", s.os->os_release}};
    if (s.os->boot_time_seconds) os["boot_time_seconds"] = *s.os->boot_time_seconds;
    j["os"] = std::move(os);
  }
  return j;
}

void DecodeSystem(json::Object& o, SystemSection& s) {
  o.ObjectArray("cpus", s.cpus, [](json::Object& e, CpuTimes& c) {
    std::uint64_t cpu = 0;
    e.Required("cpu", cpu);
    if (cpu > 65535) e.decoder().Fail(json::JoinPath(e.path(), "cpu"), "cpu index out of range");
    c.cpu = static_cast<std::uint32_t>(cpu);
    e.Required("user", c.user);
    e.Required("nice", c.nice);
    e.Required("system", c.system);
    e.Required("idle", c.idle);
    e.Default("iowait", c.iowait);
    e.Default("irq", c.irq);
    e.Default("softirq", c.softirq);
    e.Default("steal", c.steal);
  });
  o.Map("meminfo", s.meminfo);
  o.ObjectArray("filesystems", s.filesystems, [](json::Object& e, Filesystem& f) {
    e.Required("device", f.device);
    e.Required("mountpoint", f.mountpoint);
    e.Required("fstype", f.fstype);
    e.Required("size_bytes", f.size_bytes);
    e.Required("free_bytes", f.free_bytes);
    e.Required("avail_bytes", f.avail_bytes);
    e.Default("files", f.files);
    e.Default("files_free", f.files_free);
    e.Default("readonly", f.readonly);
  });
  o.Map("dmi", s.dmi);
  o.Nested("os", [&s](json::Object& e) {
    OsInfo os;
    e.Required("sysname", os.sysname);
    e.Required("release", os.release);
    e.Default("version", os.version);
    e.Default("machine", os.machine);
    e.Default("nodename", os.nodename);
    e.Map("os_release", os.os_release);
    e.Optional("boot_time_seconds", os.boot_time_seconds);
    s.os = std::move(os);
  });
}

}  // namespace wardwatch::schema
