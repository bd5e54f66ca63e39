// apps collector, Linux part: a process sweep reads /proc and needs the boot time (/proc/stat),
// clock ticks per second and the page size. The collector itself is in apps.cpp.
#include <unistd.h>

#include "collectors/apps.h"
#include "collectors/cpu.h"
#include "fsutil.h"

namespace wardwatch::agent {

Result<ProcessSweepSetup> PrepareProcessSweep(const CollectContext& ctx) {
  auto stat = ReadFile(ctx.paths.Proc("stat"));
  if (!stat) return MakeError(stat.error());
  auto boot = ParseBootTime(*stat);
  if (!boot) return MakeError(boot.error());
  const long hz = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  ProcessSweepSetup setup;
  setup.procfs = ctx.paths.Proc("");
  setup.options.boot_time = *boot;
  setup.options.ticks_per_second = hz > 0 ? static_cast<double>(hz) : 100.0;
  setup.options.page_size = page > 0 ? static_cast<std::uint64_t>(page) : 4096;
  return setup;
}

}  // namespace wardwatch::agent
