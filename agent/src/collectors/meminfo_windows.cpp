// meminfo collector for Windows: GlobalMemoryStatusEx (+ the system cache from
// GetPerformanceInfo).
// <windows.h> must come before the API headers.
// clang-format off
#include <windows.h>
#include <psapi.h>
// clang-format on

#include "collectors/meminfo.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

class MeminfoCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    MEMORYSTATUSEX ms{};
    ms.dwLength = sizeof ms;
    if (!::GlobalMemoryStatusEx(&ms)) {
      return MakeError("GlobalMemoryStatusEx failed: " + win::ErrorText(::GetLastError()));
    }
    winconv::MemoryStatus m;
    m.total_phys = ms.ullTotalPhys;
    m.avail_phys = ms.ullAvailPhys;
    m.total_page_file = ms.ullTotalPageFile;
    m.avail_page_file = ms.ullAvailPageFile;
    PERFORMANCE_INFORMATION pi{};
    if (::GetPerformanceInfo(&pi, sizeof pi)) {
      m.system_cache_bytes = static_cast<std::uint64_t>(pi.SystemCache) * pi.PageSize;
    }
    report.system.meminfo = winconv::MeminfoFromStatus(m);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewMeminfoCollector() { return std::make_unique<MeminfoCollector>(); }

}  // namespace wardwatch::agent
