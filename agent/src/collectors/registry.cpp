// The one table of collectors. Add a collector: write <name>.h/.cpp (pure parser) and
// <name>_<os>.cpp (reads the machine), then add one line here.
#include "collector.h"
#include "collectors/cpu.h"
#include "collectors/dmi.h"
#include "collectors/filesystem.h"
#include "collectors/meminfo.h"
#include "collectors/netdev.h"
#include "collectors/os.h"

namespace wardwatch::agent {
namespace {

const CollectorEntry kCollectors[] = {
    {"cpu", true, &NewCpuCollector, "CPU seconds per CPU and mode"},
    {"meminfo", true, &NewMeminfoCollector, "memory and swap"},
    {"filesystem", true, &NewFilesystemCollector, "filesystem size and free space"},
    {"netdev", true, &NewNetdevCollector, "network interface counters and link speed"},
    {"dmi", true, &NewDmiCollector, "vendor, model, BIOS version and date"},
    {"os", true, &NewOsCollector, "kernel, distribution, boot time"},
};

}  // namespace

std::span<const CollectorEntry> AllCollectors() { return kCollectors; }

}  // namespace wardwatch::agent
