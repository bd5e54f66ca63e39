// memory_modules collector for Windows: SMBIOS memory devices (type 17) from
// GetSystemFirmwareTable('RSMB') through the parser Linux uses on
// /sys/firmware/dmi/tables/DMI. Unlike Linux it needs no administrator rights. Without SMBIOS
// or populated slots: absent.
#include "collectors/hardware_common.h"
#include "collectors/memory_modules.h"
#include "collectors/smbios_windows.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

class MemoryModulesCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto raw = win::ReadRawSmbios();
    if (!raw) return MakeError(raw.error());
    if (!*raw) {
      MarkAbsent(report, "memory_modules");
      return Status::Ok();
    }
    auto table = winconv::SmbiosTableFromRsmb(**raw);
    if (!table) return MakeError(table.error());
    auto inv = ParseSmbiosMemoryDevices(*table);
    if (!inv) return MakeError("GetSystemFirmwareTable('RSMB'): " + inv.error());
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
