// os collector for Windows: RtlGetVersion (the real version, not the manifest-dependent one
// GetVersionEx gives), HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion (product name,
// 23H2, edition, update build revision), boot time from GetTickCount64.
#include <chrono>

#include "collectors/os.h"
#include "collectors/windows_convert.h"
#include "fsutil.h"
#include "win_registry.h"

// ntdll export (declared only in the driver kit headers); returns an NTSTATUS.
extern "C" LONG NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW);

namespace wardwatch::agent {
namespace {

class OsCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    winconv::WindowsVersion v;
    RTL_OSVERSIONINFOW info{};
    info.dwOSVersionInfoSize = sizeof info;
    if (::RtlGetVersion(&info) < 0) return MakeError("RtlGetVersion failed");
    v.major = info.dwMajorVersion;
    v.minor = info.dwMinorVersion;
    v.build = info.dwBuildNumber;
    auto key = win::OpenKey(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
                            KEY_WOW64_64KEY);
    auto values = win::ReadValues(key.get());
    v.product_name = values["ProductName"];
    v.display_version =
        values.count("DisplayVersion") ? values["DisplayVersion"] : values["ReleaseId"];
    v.edition_id = values["EditionID"];
    if (auto ubr = ParseU64(values["UBR"])) v.ubr = static_cast<std::uint32_t>(*ubr);
    v.hostname = HostName();
    SYSTEM_INFO si{};
    ::GetNativeSystemInfo(&si);
    v.arch = si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64   ? "x86_64"
             : si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_ARM64 ? "aarch64"
             : si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_INTEL ? "i686"
                                                                         : "unknown";
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    v.boot_time_seconds = now - static_cast<double>(::GetTickCount64()) / 1000.0;
    report.system.os = winconv::OsInfoFromVersion(v);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewOsCollector() { return std::make_unique<OsCollector>(); }

}  // namespace wardwatch::agent
