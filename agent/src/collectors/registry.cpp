// The one table of collectors. Add a collector: write <name>.h/.cpp (pure parser) and
// <name>_<os>.cpp (reads the machine), then add one line here.
#include "collector.h"
#include "collectors/apps.h"
#include "collectors/battery.h"
#include "collectors/chassis.h"
#include "collectors/cpu.h"
#include "collectors/cpuinfo.h"
#include "collectors/disks.h"
#include "collectors/diskstats.h"
#include "collectors/dmi.h"
#include "collectors/filesystem.h"
#include "collectors/hwmon.h"
#include "collectors/loadavg.h"
#include "collectors/meminfo.h"
#include "collectors/memory_modules.h"
#include "collectors/netdev.h"
#include "collectors/netlink.h"
#include "collectors/netstat.h"
#include "collectors/os.h"
#include "collectors/packages.h"
#include "collectors/pressure.h"
#include "collectors/probes.h"
#include "collectors/routes.h"
#include "collectors/smart.h"
#include "collectors/speedtest.h"
#include "collectors/thermal.h"
#include "collectors/traffic.h"
#include "collectors/vmstat.h"
#include "collectors/wireless.h"

namespace wardwatch::agent {
namespace {

const CollectorEntry kCollectors[] = {
    {"cpu", true, &NewCpuCollector, "CPU seconds per CPU and mode"},
    {"meminfo", true, &NewMeminfoCollector, "memory and swap"},
    {"filesystem", true, &NewFilesystemCollector, "filesystem size and free space"},
    {"netdev", true, &NewNetdevCollector, "network interface counters and link speed"},
    {"netlink", true, &NewNetlinkCollector, "duplex, MTU and carrier changes (after netdev)"},
    {"wireless", true, &NewWirelessCollector, "Wi-Fi link quality and signal (after netdev)"},
    {"netstat", true, &NewNetstatCollector, "TCP/UDP/IP counters: segments, retransmits, resets"},
    {"routes", true, &NewRoutesCollector, "default gateways and DNS resolvers"},
    {"probes", true, &NewProbesCollector, "DNS, connect, TLS and first-byte times to targets"},
    {"speedtest", false, &NewSpeedtestCollector, "LAN download/upload test to the collector"},
    {"traffic", true, &NewTrafficCollector,
     "bytes by class, app and service (Linux: needs --capture-interface or --pcap-file; "
     "Windows: the TCP connection table)"},
    {"dmi", true, &NewDmiCollector, "vendor, model, BIOS version and date"},
    {"os", true, &NewOsCollector, "kernel, distribution, boot time"},
    {"apps", true, &NewAppsCollector, "per-application running, CPU, memory, foreground time"},
    {"packages", true, &NewPackagesCollector, "installed packages, changes, OS install date"},
    // Hardware health (docs/hardware.md). disks runs before smart, which fills its disks.
    {"disks", true, &NewDisksCollector, "physical disks, rotational or solid state, boot disk"},
    {"smart", true, &NewSmartCollector, "disk SMART health via smartctl, every few hours"},
    {"diskstats", true, &NewDiskstatsCollector, "disk I/O counters and time in I/O"},
    {"pressure", true, &NewPressureCollector, "PSI stall time for CPU, memory and I/O"},
    {"vmstat", true, &NewVmstatCollector, "swap in/out and major page faults"},
    {"loadavg", true, &NewLoadavgCollector, "1, 5 and 15 minute load averages"},
    {"cpuinfo", true, &NewCpuinfoCollector, "CPU model, flags, frequencies, throttling"},
    {"memory_modules", true, &NewMemoryModulesCollector, "RAM modules from SMBIOS (root)"},
    {"hwmon", true, &NewHwmonCollector, "temperatures and fans from hwmon"},
    {"thermal", true, &NewThermalCollector, "thermal zone temperatures"},
    {"battery", true, &NewBatteryCollector, "battery capacity, wear and cycle count"},
    {"chassis", true, &NewChassisCollector, "chassis type (desktop, laptop)"},
};

}  // namespace

std::span<const CollectorEntry> AllCollectors() { return kCollectors; }

}  // namespace wardwatch::agent
