// smart: disk health from `smartctl --json -a` (smartmontools >= 7.0; fixtures follow 7.3):
// ATA attributes, overall verdict, NVMe health log. smartctl runs at most every few hours per
// disk; a machine without smartctl, or an agent without root, reports why instead.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector.h"

namespace wardwatch::agent {

// The ATA attributes kept (others are dropped to keep the report and label sets small):
// reallocated (5), power-on hours (9), spin retries (10), power cycles (12), SSD wear (177,
// 231, 233), end-to-end and uncorrectable errors (184, 187, 188), temperature (190, 194),
// reallocation events (196), pending and offline-uncorrectable sectors (197, 198), CRC (199).
inline constexpr std::uint32_t kKeptAtaAttributes[] = {5,   9,   10,  12,  177, 184, 187, 188,
                                                       190, 194, 196, 197, 198, 199, 231, 233};

// What one smartctl run says about one disk.
struct SmartResult {
  std::string model, serial, firmware;
  std::string protocol;  // device.protocol: "ATA", "NVMe", "SCSI"
  std::optional<bool> passed;
  std::vector<schema::SmartAttribute> attributes;
  std::optional<schema::NvmeHealth> nvme;
  std::optional<std::uint64_t> power_on_hours, power_cycles;
  std::optional<double> temperature_celsius;
  std::uint64_t exit_status = 0;
  std::string unavailable;         // non-empty: no SMART data, and why
  bool permission_denied = false;  // the agent needs root to open the device
  bool standby = false;            // disk asleep; smartctl -n standby did not wake it
};

// Parses the JSON smartctl prints with --json. "smartctl could not open the device / the
// device has no SMART" is a result with `unavailable` set; only text that is not smartctl
// JSON is an error.
Result<SmartResult> ParseSmartctlJson(std::string_view text);

// Copies SMART facts onto the disk (model/serial/firmware only where sysfs had none).
void MergeSmart(const SmartResult& smart, std::uint64_t collected_at_ms, schema::Disk& disk);

// One disk's SMART read, the platform's part (smartctl on Linux, DeviceIoControl on Windows).
// "Not readable here" is a result with `unavailable` (and `permission_denied`) set; an error is
// a failed read (the collector fails, and still reports the other disks).
using SmartReader =
    std::function<Result<SmartResult>(const AgentOptions& options, const std::string& disk)>;

// The smart collector around a reader (smart_collector.cpp): each disk the disks collector
// found is read at most once per --smart-interval (a disk in standby again after 15 minutes,
// keeping its last good reading), the last result kept in between; no disks or no SMART data
// is "absent", a denied read "needs privilege".
std::unique_ptr<Collector> NewSmartCollectorWith(SmartReader read);

std::unique_ptr<Collector> NewSmartCollector();  // with this platform's reader

}  // namespace wardwatch::agent
