// memory_modules collector for Linux: reads /sys/firmware/dmi/tables/DMI (mode 0400, root).
// Without root the modules are listed in needs_privilege; without the file (VMs, non-x86)
// they are absent.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class MemoryModulesCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const std::string path = ctx.paths.Sys("firmware/dmi/tables/DMI");
    // Opened, not access(2)-checked: access() judges by the real user id without
    // capabilities, so the service with CAP_DAC_READ_SEARCH (docs/delivery.md) would be told
    // "no" for a file it can read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EACCES || err == EPERM) {
        MarkNeedsPrivilege(report, "memory_modules");
        return Status::Ok();
      }
      if (err == ENOENT || err == ENOTDIR) {
        MarkAbsent(report, "memory_modules");
        return Status::Ok();
      }
      return MakeError("cannot open " + path + ": " + std::strerror(err));
    }
    ::close(fd);
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
