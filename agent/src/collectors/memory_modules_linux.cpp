// memory_modules collector for Linux: reads /sys/firmware/dmi/tables/DMI (mode 0400, root).
// Without root the modules are listed in needs_privilege; without the file (VMs, non-x86)
// they are absent.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class MemoryModulesCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string path = ctx.paths.Sys("firmware/dmi/tables/DMI");
    if (::access(path.c_str(), F_OK) != 0) {
      MarkAbsent(report, "memory_modules");
      return Status::Ok();
    }
    if (::access(path.c_str(), R_OK) != 0 && (errno == EACCES || errno == EPERM)) {
      MarkNeedsPrivilege(report, "memory_modules");
      return Status::Ok();
    }
    auto table = ReadFile(path, 1 << 20);
    if (!table) return MakeError(table.error());
    auto inv = ParseSmbiosMemoryDevices(*table);
    if (!inv) return MakeError(path + ": " + inv.error());
    auto& hw = HardwareOf(report);
    hw.memory_modules = std::move(inv->modules);
    if (inv->slots > 0) hw.memory_slots = inv->slots;
    if (hw.memory_modules.empty()) MarkAbsent(report, "memory_modules");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewMemoryModulesCollector() {
  return std::make_unique<MemoryModulesCollector>();
}

}  // namespace wardwatch::agent
