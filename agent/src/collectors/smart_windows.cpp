// smart collector for Windows: for each disk the disks collector found, at most once per
// --smart-interval (default 6 h), SATA/ATA disks through SMART_RCV_DRIVE_DATA (READ DATA,
// READ THRESHOLDS) and SMART_SEND_DRIVE_COMMAND (RETURN STATUS), which need administrator
// rights; NVMe disks through their SMART / Health log (IOCTL_STORAGE_QUERY_PROPERTY,
// StorageDeviceProtocolSpecificProperty). The answers are parsed by windows_ioctl.cpp. A disk
// that does not answer is "not present" or "needs privilege", never a collector error.
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <map>

#include "collectors/hardware_common.h"
#include "collectors/physical_drive_windows.h"
#include "collectors/smart.h"
#include "options.h"

namespace wardwatch::agent {
namespace {

static_assert(StorageDeviceProtocolSpecificProperty == 50 && ProtocolTypeNvme == 3 &&
              NVMeDataTypeLogPage == 2);
static_assert(offsetof(SENDCMDOUTPARAMS, bBuffer) == 16);

constexpr DWORD kNvmeHealthLogPage = 2;
constexpr DWORD kNvmeLogBytes = 512;

SmartResult Unavailable(std::string why, bool denied = false) {
  SmartResult r;
  r.unavailable = std::move(why);
  r.permission_denied = denied;
  return r;
}

// One ATA SMART command (SMART_CMD with `feature` in the features register); the 512-byte
// answer, or the error.
win::IoctlAnswer AtaSmart(HANDLE drive, std::uint32_t number, BYTE feature, DWORD code,
                          DWORD answer_bytes) {
  SENDCMDINPARAMS in{};
  // The data size for the commands that read a sector; 0 for RETURN STATUS (as smartmontools).
  in.cBufferSize = code == SMART_RCV_DRIVE_DATA ? answer_bytes : 0;
  in.irDriveRegs.bFeaturesReg = feature;
  in.irDriveRegs.bSectorCountReg = 1;
  in.irDriveRegs.bSectorNumberReg = 1;
  in.irDriveRegs.bCylLowReg = SMART_CYL_LOW;
  in.irDriveRegs.bCylHighReg = SMART_CYL_HI;
  in.irDriveRegs.bDriveHeadReg = static_cast<BYTE>(0xA0 | ((number & 1) << 4));
  in.irDriveRegs.bCommandReg = SMART_CMD;
  in.bDriveNumber = static_cast<BYTE>(number);
  return win::Ioctl(drive, code, &in, sizeof in - 1,
                    offsetof(SENDCMDOUTPARAMS, bBuffer) + answer_bytes);
}

std::span<const std::uint8_t> Payload(const win::IoctlAnswer& a) {
  constexpr std::size_t at = offsetof(SENDCMDOUTPARAMS, bBuffer);
  if (a.bytes.size() <= at) return {};
  return std::span(a.bytes).subspan(at);
}

SmartResult QueryAta(std::uint32_t number) {
  win::UniqueHandle drive = win::OpenPhysicalDrive(number, GENERIC_READ | GENERIC_WRITE);
  if (!drive) {
    const DWORD e = ::GetLastError();
    if (e == ERROR_ACCESS_DENIED) return Unavailable("SMART needs administrator rights", true);
    return Unavailable("cannot open the disk for SMART: " + win::ErrorText(e));
  }
  auto data = AtaSmart(drive.get(), number, READ_ATTRIBUTES, SMART_RCV_DRIVE_DATA,
                       READ_ATTRIBUTE_BUFFER_SIZE);
  if (!data) {
    return Unavailable(
        "SMART READ DATA failed (SMART off or not supported): " + win::ErrorText(data.error),
        data.error == ERROR_ACCESS_DENIED);
  }
  auto thresholds = AtaSmart(drive.get(), number, READ_THRESHOLDS, SMART_RCV_DRIVE_DATA,
                             READ_THRESHOLD_BUFFER_SIZE);
  auto parsed = winconv::ParseAtaSmartData(Payload(data), Payload(thresholds));
  if (!parsed) return Unavailable("SMART data not understood: " + parsed.error());
  // RETURN STATUS answers in the task-file registers (an IDEREGS after DRIVERSTATUS).
  auto status =
      AtaSmart(drive.get(), number, RETURN_SMART_STATUS, SMART_SEND_DRIVE_COMMAND, sizeof(IDEREGS));
  if (auto regs = Payload(status); regs.size() >= sizeof(IDEREGS)) {
    parsed->passed = winconv::AtaSmartStatus(regs[offsetof(IDEREGS, bCylLowReg)],
                                             regs[offsetof(IDEREGS, bCylHighReg)]);
  }
  return std::move(*parsed);
}

SmartResult QueryNvme(std::uint32_t number) {
  win::UniqueHandle drive = win::OpenPhysicalDrive(number, 0);
  if (!drive) return Unavailable("cannot open the disk: " + win::ErrorText(::GetLastError()));
  // STORAGE_PROPERTY_QUERY whose AdditionalParameters is a STORAGE_PROTOCOL_SPECIFIC_DATA
  // naming the log page, followed by room for the page.
  constexpr std::size_t kHeader = offsetof(STORAGE_PROPERTY_QUERY, AdditionalParameters);
  std::vector<std::uint8_t> in(kHeader + sizeof(STORAGE_PROTOCOL_SPECIFIC_DATA) + kNvmeLogBytes);
  STORAGE_PROPERTY_QUERY q{};
  q.PropertyId = StorageDeviceProtocolSpecificProperty;
  q.QueryType = PropertyStandardQuery;
  std::memcpy(in.data(), &q, kHeader);
  STORAGE_PROTOCOL_SPECIFIC_DATA p{};
  p.ProtocolType = ProtocolTypeNvme;
  p.DataType = NVMeDataTypeLogPage;
  p.ProtocolDataRequestValue = kNvmeHealthLogPage;
  p.ProtocolDataOffset = sizeof(STORAGE_PROTOCOL_SPECIFIC_DATA);
  p.ProtocolDataLength = kNvmeLogBytes;
  std::memcpy(in.data() + kHeader, &p, sizeof p);
  auto a = win::Ioctl(drive.get(), IOCTL_STORAGE_QUERY_PROPERTY, in.data(),
                      static_cast<DWORD>(in.size()), static_cast<DWORD>(in.size()));
  if (!a) {
    return Unavailable("the NVMe driver did not return the health log: " + win::ErrorText(a.error),
                       a.error == ERROR_ACCESS_DENIED);
  }
  auto log = winconv::ProtocolSpecificPayload(a.bytes);
  if (!log) return Unavailable("NVMe health log not understood: " + log.error());
  auto parsed = winconv::ParseNvmeHealthLog(*log);
  if (!parsed) return Unavailable("NVMe health log not understood: " + parsed.error());
  return std::move(*parsed);
}

SmartResult Query(const std::string& disk_name) {
  constexpr std::string_view kPrefix = "PhysicalDrive";
  if (disk_name.rfind(kPrefix, 0) != 0) return Unavailable("not a physical drive");
  std::uint32_t number = 0;
  const char* digits = disk_name.data() + kPrefix.size();
  const char* end = disk_name.data() + disk_name.size();
  if (auto [p, ec] = std::from_chars(digits, end, number); ec != std::errc() || p != end) {
    return Unavailable("not a physical drive");
  }
  win::UniqueHandle drive = win::OpenPhysicalDrive(number, 0);
  if (!drive) return Unavailable("cannot open the disk: " + win::ErrorText(::GetLastError()));
  auto desc = win::QueryStorageDescriptor(drive.get());
  if (!desc) return Unavailable(desc.error());
  const std::string protocol = winconv::SmartProtocolForBus(desc->bus_type);
  SmartResult r;
  if (protocol == "ATA") {
    r = QueryAta(number);
  } else if (protocol == "NVMe") {
    r = QueryNvme(number);
  } else {
    r = Unavailable("SMART is not read over " + winconv::BusTypeName(desc->bus_type));
  }
  if (r.protocol.empty()) r.protocol = protocol;
  return r;
}

}  // namespace

std::unique_ptr<Collector> NewSmartCollector() {
  return NewSmartCollectorWith(
      [](const AgentOptions&, const std::string& disk) -> Result<SmartResult> {
        return Query(disk);
      });
}

}  // namespace wardwatch::agent
