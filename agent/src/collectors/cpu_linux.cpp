// cpu collector for Linux: reads /proc/stat.
#include <unistd.h>

#include "collectors/cpu.h"
#include "fsutil.h"

namespace wardwatch::agent {
namespace {

class CpuCollector : public Collector {
 public:
  Status Collect(const CollectContext& ctx, Report& report) override {
    auto text = ReadFile(ctx.paths.Proc("stat"));
    if (!text) return MakeError(text.error());
    const long hz = ::sysconf(_SC_CLK_TCK);
    auto cpus = ParseProcStat(*text, hz > 0 ? static_cast<double>(hz) : 100.0);
    if (!cpus) return MakeError(cpus.error());
    report.system.cpus = std::move(*cpus);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewCpuCollector() { return std::make_unique<CpuCollector>(); }

}  // namespace wardwatch::agent
