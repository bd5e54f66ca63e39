// wireless collector for Windows: the Native Wifi API. For each Wi-Fi interface that is
// connected, the signal quality (WlanQueryInterface, current connection) and the RSSI in dBm
// (wlan_intf_opcode_rssi), attached to netdev's interface of the same alias (GUID -> LUID ->
// alias). wlanapi.dll is loaded at run time: Windows Server without the WLAN service has none.
// No Wi-Fi, no WLAN service or no connection: nothing to add, not an error.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <wlanapi.h>
// clang-format on

#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "collectors/windows_convert.h"
#include "collectors/wireless.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

struct LibraryDeleter {
  void operator()(HMODULE m) const {
    if (m != nullptr) ::FreeLibrary(m);
  }
};

// The five functions the collector uses, from wlanapi.dll.
struct WlanApi {
  std::unique_ptr<std::remove_pointer_t<HMODULE>, LibraryDeleter> dll;
  decltype(&::WlanOpenHandle) open = nullptr;
  decltype(&::WlanCloseHandle) close = nullptr;
  decltype(&::WlanEnumInterfaces) enumerate = nullptr;
  decltype(&::WlanQueryInterface) query = nullptr;
  decltype(&::WlanFreeMemory) free = nullptr;

  bool Load() {
    dll.reset(::LoadLibraryW(L"wlanapi.dll"));
    if (!dll) return false;
    auto get = [this](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          reinterpret_cast<void*>(::GetProcAddress(dll.get(), name)));
      return fn != nullptr;
    };
    return get(open, "WlanOpenHandle") && get(close, "WlanCloseHandle") &&
           get(enumerate, "WlanEnumInterfaces") && get(query, "WlanQueryInterface") &&
           get(free, "WlanFreeMemory");
  }
};

// Memory the API allocated, given back with WlanFreeMemory.
template <class T>
struct WlanMemory {
  const WlanApi& api;
  T* p = nullptr;
  explicit WlanMemory(const WlanApi& a) : api(a) {}
  WlanMemory(const WlanMemory&) = delete;
  WlanMemory& operator=(const WlanMemory&) = delete;
  ~WlanMemory() {
    if (p != nullptr) api.free(p);
  }
};

std::optional<std::string> AliasOf(const GUID& guid) {
  NET_LUID luid{};
  if (::ConvertInterfaceGuidToLuid(&guid, &luid) != NO_ERROR) return std::nullopt;
  wchar_t alias[IF_MAX_STRING_SIZE + 1] = {};
  if (::ConvertInterfaceLuidToAlias(&luid, alias, IF_MAX_STRING_SIZE + 1) != NO_ERROR) {
    return std::nullopt;
  }
  return win::ToUtf8(alias);
}

class WirelessCollector : public Collector {
 public:
  ~WirelessCollector() override {
    if (client_ != nullptr) api_.close(client_, nullptr);
  }

  Status Collect(const CollectContext&, Report& report) override {
    if (!Open()) return Status::Ok();
    WlanMemory<WLAN_INTERFACE_INFO_LIST> list(api_);
    if (api_.enumerate(client_, nullptr, &list.p) != ERROR_SUCCESS || list.p == nullptr) {
      return Status::Ok();  // the WLAN service stopped: no Wi-Fi to report
    }
    for (DWORD i = 0; i < list.p->dwNumberOfItems; ++i) {
      const WLAN_INTERFACE_INFO& info = list.p->InterfaceInfo[i];
      if (info.isState != wlan_interface_state_connected) continue;
      DWORD size = 0;
      WlanMemory<WLAN_CONNECTION_ATTRIBUTES> conn(api_);
      if (api_.query(client_, &info.InterfaceGuid, wlan_intf_opcode_current_connection, nullptr,
                     &size, reinterpret_cast<void**>(&conn.p), nullptr) != ERROR_SUCCESS ||
          conn.p == nullptr) {
        continue;
      }
      std::optional<std::int32_t> rssi;
      WlanMemory<LONG> rssi_value(api_);
      if (api_.query(client_, &info.InterfaceGuid, wlan_intf_opcode_rssi, nullptr, &size,
                     reinterpret_cast<void**>(&rssi_value.p), nullptr) == ERROR_SUCCESS &&
          rssi_value.p != nullptr && size >= sizeof(LONG)) {
        rssi = static_cast<std::int32_t>(*rssi_value.p);
      }
      const auto alias = AliasOf(info.InterfaceGuid);
      if (!alias) continue;
      for (auto& iface : report.network.interfaces) {
        if (iface.name == *alias) {
          iface.wireless =
              winconv::WirelessFromWlan(conn.p->wlanAssociationAttributes.wlanSignalQuality, rssi);
        }
      }
    }
    return Status::Ok();
  }

 private:
  // Loads the API once and opens a client handle; false when this PC has no Native Wifi. The
  // handle is tried again each time until it opens: the agent's service may start before the
  // WLAN AutoConfig service does.
  bool Open() {
    if (client_ != nullptr) return true;
    if (!loaded_) {
      if (load_tried_) return false;
      load_tried_ = true;
      loaded_ = api_.Load();
      if (!loaded_) return false;
    }
    DWORD version = 0;
    if (api_.open(2, nullptr, &version, &client_) != ERROR_SUCCESS) client_ = nullptr;
    return client_ != nullptr;
  }

  WlanApi api_;
  HANDLE client_ = nullptr;
  bool load_tried_ = false, loaded_ = false;
};

}  // namespace

std::unique_ptr<Collector> NewWirelessCollector() { return std::make_unique<WirelessCollector>(); }

}  // namespace wardwatch::agent
