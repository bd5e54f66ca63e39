// battery collector for Windows: every battery device (SetupAPI, GUID_DEVCLASS_BATTERY) through
// IOCTL_BATTERY_QUERY_INFORMATION (design and full-charge capacity, cycle count, chemistry,
// names) and IOCTL_BATTERY_QUERY_STATUS; when no device answers, GetSystemPowerStatus alone
// (charge and state, no wear). A desktop has no battery: absent.
// clang-format off
#include <windows.h>
#include <setupapi.h>
#include <winioctl.h>
#include <batclass.h>
// clang-format on

#include <cstring>

#include "collectors/battery.h"
#include "collectors/hardware_common.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

// GUID_DEVCLASS_BATTERY (devguid.h), spelled out so no GUID library is needed.
constexpr GUID kBatteryClass = {
    0x72631e54, 0x78a4, 0x11d0, {0xbc, 0xf7, 0x00, 0xaa, 0x00, 0xb7, 0xb3, 0x2a}};
constexpr int kMaxBatteries = 8;

struct DevInfoDeleter {
  void operator()(void* h) const { ::SetupDiDestroyDeviceInfoList(h); }
};
using UniqueDevInfo = std::unique_ptr<void, DevInfoDeleter>;

// The device paths of the batteries present.
std::vector<std::wstring> BatteryPaths() {
  std::vector<std::wstring> out;
  HDEVINFO raw = ::SetupDiGetClassDevsW(&kBatteryClass, nullptr, nullptr,
                                        DIGCF_PRESENT | DIGCF_DEVICEINTERFACE);
  if (raw == INVALID_HANDLE_VALUE) return out;
  UniqueDevInfo info(raw);
  for (DWORD i = 0; i < kMaxBatteries; ++i) {
    SP_DEVICE_INTERFACE_DATA did{};
    did.cbSize = sizeof did;
    if (!::SetupDiEnumDeviceInterfaces(raw, nullptr, &kBatteryClass, i, &did)) break;
    DWORD need = 0;
    ::SetupDiGetDeviceInterfaceDetailW(raw, &did, nullptr, 0, &need, nullptr);
    if (need < sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W)) continue;
    std::vector<std::uint64_t> buf((need + 7) / 8);  // aligned for the struct
    auto* detail = reinterpret_cast<SP_DEVICE_INTERFACE_DETAIL_DATA_W*>(buf.data());
    detail->cbSize = sizeof(SP_DEVICE_INTERFACE_DETAIL_DATA_W);
    if (::SetupDiGetDeviceInterfaceDetailW(raw, &did, detail, need, nullptr, nullptr)) {
      out.emplace_back(detail->DevicePath);
    }
  }
  return out;
}

template <class T>
bool Query(HANDLE h, DWORD code, const void* in, DWORD in_size, T& out) {
  DWORD returned = 0;
  return ::DeviceIoControl(h, code, const_cast<void*>(in), in_size, &out, sizeof out, &returned,
                           nullptr) &&
         returned >= sizeof out;
}

std::string QueryText(HANDLE h, ULONG tag, BATTERY_QUERY_INFORMATION_LEVEL level) {
  BATTERY_QUERY_INFORMATION q{};
  q.BatteryTag = tag;
  q.InformationLevel = level;
  wchar_t text[128] = {};
  DWORD returned = 0;
  if (!::DeviceIoControl(h, IOCTL_BATTERY_QUERY_INFORMATION, &q, sizeof q, text,
                         sizeof text - sizeof(wchar_t), &returned, nullptr)) {
    return {};
  }
  return win::ToUtf8(text);
}

std::optional<winconv::BatteryDevice> ReadBattery(const std::wstring& path) {
  win::UniqueHandle h(::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                                    FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                    FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!h) return std::nullopt;
  ULONG wait = 0, tag = 0;
  if (!Query(h.get(), IOCTL_BATTERY_QUERY_TAG, &wait, sizeof wait, tag) || tag == 0) {
    return std::nullopt;  // the slot is empty (a removable battery taken out)
  }
  BATTERY_QUERY_INFORMATION q{};
  q.BatteryTag = tag;
  q.InformationLevel = BatteryInformation;
  BATTERY_INFORMATION info{};
  if (!Query(h.get(), IOCTL_BATTERY_QUERY_INFORMATION, &q, sizeof q, info)) return std::nullopt;
  // UPS units register as batteries too; only the machine's own battery is wanted.
  if ((info.Capabilities & BATTERY_SYSTEM_BATTERY) == 0) return std::nullopt;
  winconv::BatteryDevice d;
  d.capabilities = info.Capabilities;
  d.technology = info.Technology;
  const auto* chem = reinterpret_cast<const char*>(info.Chemistry);
  d.chemistry.assign(chem, ::strnlen(chem, sizeof info.Chemistry));  // NUL-padded, or not
  d.designed_capacity = info.DesignedCapacity;
  d.full_charged_capacity = info.FullChargedCapacity;
  d.cycle_count = info.CycleCount;
  d.manufacturer = QueryText(h.get(), tag, BatteryManufactureName);
  d.device_name = QueryText(h.get(), tag, BatteryDeviceName);
  BATTERY_WAIT_STATUS ws{};
  ws.BatteryTag = tag;
  BATTERY_STATUS st{};
  if (Query(h.get(), IOCTL_BATTERY_QUERY_STATUS, &ws, sizeof ws, st)) {
    d.power_state = st.PowerState;
    d.remaining_capacity = st.Capacity;
  }
  return d;
}

class BatteryCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto& hw = HardwareOf(report);
    for (const std::wstring& path : BatteryPaths()) {
      if (auto d = ReadBattery(path)) {
        hw.batteries.push_back(
            winconv::BatteryFromDevice("BAT" + std::to_string(hw.batteries.size()), *d));
      }
    }
    if (hw.batteries.empty()) {
      SYSTEM_POWER_STATUS s{};
      if (::GetSystemPowerStatus(&s)) {
        if (auto b = winconv::BatteryFromPowerStatus(
                {s.ACLineStatus, s.BatteryFlag, s.BatteryLifePercent})) {
          hw.batteries.push_back(std::move(*b));
        }
      }
    }
    if (hw.batteries.empty()) MarkAbsent(report, "battery");
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewBatteryCollector() { return std::make_unique<BatteryCollector>(); }

}  // namespace wardwatch::agent
