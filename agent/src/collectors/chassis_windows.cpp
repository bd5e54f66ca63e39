// chassis collector for Windows: the SMBIOS chassis structure (type 3) from
// GetSystemFirmwareTable('RSMB'), the same code Linux reads from
// /sys/class/dmi/id/chassis_type. Without SMBIOS or a chassis structure: absent.
#include "collectors/chassis.h"
#include "collectors/hardware_common.h"
#include "collectors/smbios_windows.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

class ChassisCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto raw = win::ReadRawSmbios();
    if (!raw) return MakeError(raw.error());
    if (!*raw) {
      MarkAbsent(report, "chassis_type");
      return Status::Ok();
    }
    auto table = winconv::SmbiosTableFromRsmb(**raw);
    if (!table) return MakeError(table.error());
    auto code = winconv::SmbiosChassisType(*table);
    if (!code) return MakeError(code.error());
    if (!*code) {
      MarkAbsent(report, "chassis_type");
      return Status::Ok();
    }
    HardwareOf(report).chassis_type = **code;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewChassisCollector() { return std::make_unique<ChassisCollector>(); }

}  // namespace wardwatch::agent
