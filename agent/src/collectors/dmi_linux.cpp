// dmi collector for Linux: /sys/class/dmi/id/*. A machine without DMI (some VMs, ARM boards)
// reports an empty section and "dmi" in hardware.absent; that is not an error. The serial numbers
// and UUID are root-only (mode 0400): without root they are listed once as "dmi_serial" in
// needs_privilege.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "collectors/dmi.h"
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

class DmiCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string dir = ctx.paths.Sys("class/dmi/id/");
    if (!Exists(dir)) {
      MarkAbsent(report, "dmi");  // no firmware tables (some VMs, ARM boards)
      return Status::Ok();
    }
    for (std::string_view name : kDmiFiles) {
      const std::string path = dir + std::string(name);
      auto v = ReadTrimmed(path);
      if (v && !IsPlaceholderDmiValue(*v)) report.system.dmi[std::string(name)] = *v;
      if (!v && IsSerial(name) && PermissionDenied(path)) {
        MarkNeedsPrivilege(report, "dmi_serial");
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDmiCollector() { return std::make_unique<DmiCollector>(); }

}  // namespace wardwatch::agent
