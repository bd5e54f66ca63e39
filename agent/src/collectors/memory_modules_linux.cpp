// memory_modules collector for Linux: reads /sys/firmware/dmi/tables/DMI (mode 0400, root).
// Without root the modules are listed in needs_privilege; without the file (VMs, non-x86)
// they are absent. The table is read once and every kFactRefreshPeriod (collectors/fact_cache.h):
// the kernel copies it from the firmware at boot.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "collectors/fact_cache.h"
#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

// What the SMBIOS table says, kept: the kernel copies the table from the firmware at boot.
struct MemoryFacts {
  enum class Kind { kModules, kNeedsPrivilege, kAbsent } kind = Kind::kAbsent;
  std::vector<schema::MemoryModule> modules;
  std::uint32_t slots = 0;
};

class MemoryModulesCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    const SteadyTime now = ctx.Now();
    const MemoryFacts* facts = cache_.Get({}, now);
    if (!facts) {
      auto read = Read(ctx.paths.Sys("firmware/dmi/tables/DMI"));
      if (!read) return MakeError(read.error());
      facts = &cache_.Put({}, std::move(*read), now);
    }
    switch (facts->kind) {
      case MemoryFacts::Kind::kNeedsPrivilege:
        MarkNeedsPrivilege(report, "memory_modules");
        return Status::Ok();
      case MemoryFacts::Kind::kAbsent:
        MarkAbsent(report, "memory_modules");
        return Status::Ok();
      case MemoryFacts::Kind::kModules:
        break;
    }
    auto& hw = HardwareOf(report);
    hw.memory_modules = facts->modules;
    if (facts->slots > 0) hw.memory_slots = facts->slots;
    if (hw.memory_modules.empty()) MarkAbsent(report, "memory_modules");
    return Status::Ok();
  }

 private:
  static Result<MemoryFacts> Read(const std::string& path) {
    // Opened, not access(2)-checked: access() judges by the real user id without
    // capabilities, so the service with CAP_DAC_READ_SEARCH (docs/delivery.md) would be told
    // "no" for a file it can read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EACCES || err == EPERM)
        return MemoryFacts{.kind = MemoryFacts::Kind::kNeedsPrivilege};
      if (err == ENOENT || err == ENOTDIR) return MemoryFacts{.kind = MemoryFacts::Kind::kAbsent};
      return MakeError("cannot open " + path + ": " + std::strerror(err));
    }
    ::close(fd);
    auto table = ReadFile(path, 1 << 20);
    if (!table) return MakeError(table.error());
    auto inv = ParseSmbiosMemoryDevices(*table);
    if (!inv) return MakeError(path + ": " + inv.error());
    return MemoryFacts{MemoryFacts::Kind::kModules, std::move(inv->modules), inv->slots};
  }

  FactCache<std::monostate, MemoryFacts> cache_;
};

}  // namespace

std::unique_ptr<Collector> NewMemoryModulesCollector() {
  return std::make_unique<MemoryModulesCollector>();
}

}  // namespace wardwatch::agent
