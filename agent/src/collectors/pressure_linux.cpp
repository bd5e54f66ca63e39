// pressure collector for Linux: /proc/pressure/{cpu,memory,io}. Kernels without PSI (before
// 4.20, or booted with psi=0) have no such files: reported as absent.
#include <cerrno>

#include "collectors/hardware_common.h"
#include "collectors/pressure.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class PressureCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    schema::Pressure p;
    bool any = false;
    for (std::string_view resource : {"cpu", "memory", "io"}) {
      const std::string path = ctx.paths.Proc("pressure/" + std::string(resource));
      if (!Exists(path)) continue;
      auto text = ReadFile(path, 4096);
      // With psi=0 the files exist but reading fails with EOPNOTSUPP: PSI is off.
      if (!text) continue;
      auto totals = ParsePressure(*text, resource);
      if (!totals) return MakeError(totals.error());
      any = true;
      if (resource == "cpu") {
        p.cpu_some_seconds = totals->some_seconds;
        p.cpu_full_seconds = totals->full_seconds;
      } else if (resource == "memory") {
        p.memory_some_seconds = totals->some_seconds;
        p.memory_full_seconds = totals->full_seconds;
      } else {
        p.io_some_seconds = totals->some_seconds;
        p.io_full_seconds = totals->full_seconds;
      }
    }
    if (any) {
      HardwareOf(report).pressure = p;
    } else {
      MarkAbsent(report, "pressure");
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewPressureCollector() { return std::make_unique<PressureCollector>(); }

}  // namespace wardwatch::agent
