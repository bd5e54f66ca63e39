// dmi collector for Linux: /sys/class/dmi/id/*. A machine without DMI (some VMs, ARM boards)
// reports an empty section and "dmi" in hardware.absent; that is not an error. The serial numbers
// and UUID are root-only (mode 0400): without root they are listed once as "dmi_serial" in
// needs_privilege. What it reads is kept (collectors/fact_cache.h): the kernel copies it from the
// firmware at boot.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <variant>

#include "collectors/dmi.h"
#include "collectors/fact_cache.h"
#include "collectors/hardware_common.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

// Opened, not access(2)-checked: access() ignores the capabilities of a service that is not
// root (CAP_DAC_READ_SEARCH, docs/delivery.md).
bool PermissionDenied(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return false;
  }
  return errno == EACCES || errno == EPERM;
}

bool IsSerial(std::string_view name) {
  return name == "product_serial" || name == "board_serial" || name == "chassis_serial" ||
         name == "product_uuid";
}

// What /sys/class/dmi/id shows: the kernel copies it from the firmware at boot, so it is read
// once and every kFactRefreshPeriod.
struct DmiFacts {
  bool present = false;
  std::map<std::string, std::string> values;
  bool serials_need_privilege = false;
};

class DmiCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const SteadyTime now = ctx.Now();
    const DmiFacts* facts = cache_.Get({}, now);
    if (!facts) facts = &cache_.Put({}, Read(ctx.paths.Sys("class/dmi/id/")), now);
    if (!facts->present) {
      MarkAbsent(report, "dmi");  // no firmware tables (some VMs, ARM boards)
      return Status::Ok();
    }
    for (const auto& [name, value] : facts->values) report.system.dmi[name] = value;
    if (facts->serials_need_privilege) MarkNeedsPrivilege(report, "dmi_serial");
    return Status::Ok();
  }

 private:
  static DmiFacts Read(const std::string& dir) {
    DmiFacts facts;
    facts.present = Exists(dir);
    if (!facts.present) return facts;
    for (std::string_view name : kDmiFiles) {
      const std::string path = dir + std::string(name);
      auto v = ReadTrimmed(path);
      if (v && !IsPlaceholderDmiValue(*v)) facts.values[std::string(name)] = *v;
      if (!v && IsSerial(name) && PermissionDenied(path)) facts.serials_need_privilege = true;
    }
    return facts;
  }

  FactCache<std::monostate, DmiFacts> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewDmiCollector() { return std::make_unique<DmiCollector>(); }

}  // namespace wardwatch::agent
