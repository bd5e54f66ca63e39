// dmi collector for Windows: HKLM\HARDWARE\DESCRIPTION\System\BIOS, which Windows fills from
// SMBIOS at boot (vendor, model, BIOS version and date). A machine without it (some VMs)
// reports an empty section; that is not an error.
#include "collectors/dmi.h"
#include "collectors/windows_convert.h"
#include "win_registry.h"

namespace wardwatch::agent {
namespace {

class DmiCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto key = win::OpenKey(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\BIOS");
    for (auto& [k, v] : winconv::DmiFromBiosKey(win::ReadValues(key.get()))) {
      report.system.dmi[k] = v;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewDmiCollector() { return std::make_unique<DmiCollector>(); }

}  // namespace wardwatch::agent
