// cpu collector for Windows: per-CPU times from NtQuerySystemInformation
// (SystemProcessorPerformanceInformation), else the machine total from GetSystemTimes.
// <windows.h> must come before the API headers.
// clang-format off
#include <windows.h>
#include <winternl.h>
// clang-format on

#include "collectors/cpu.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

// winternl.h's SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION hides DpcTime and InterruptTime in
// Reserved1; this is the documented layout.
struct ProcessorPerformance {
  LARGE_INTEGER idle, kernel, user, dpc, interrupt;
  ULONG interrupt_count;
};

std::uint64_t Ticks(const FILETIME& f) {
  return (static_cast<std::uint64_t>(f.dwHighDateTime) << 32) | f.dwLowDateTime;
}
std::uint64_t Ticks(const LARGE_INTEGER& v) {
  return v.QuadPart > 0 ? static_cast<std::uint64_t>(v.QuadPart) : 0;
}

class CpuCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    std::vector<winconv::CpuTicks> cpus;
    SYSTEM_INFO si{};
    ::GetSystemInfo(&si);
    std::vector<ProcessorPerformance> perf(si.dwNumberOfProcessors > 0 ? si.dwNumberOfProcessors
                                                                       : 1);
    ULONG got = 0;
    const NTSTATUS rc = ::NtQuerySystemInformation(
        SystemProcessorPerformanceInformation, perf.data(),
        static_cast<ULONG>(perf.size() * sizeof(ProcessorPerformance)), &got);
    if (rc >= 0 && got >= sizeof(ProcessorPerformance)) {
      perf.resize(got / sizeof(ProcessorPerformance));
      for (const auto& p : perf) {
        cpus.push_back(
            {Ticks(p.idle), Ticks(p.kernel), Ticks(p.user), Ticks(p.dpc), Ticks(p.interrupt)});
      }
    } else {
      FILETIME idle{}, kernel{}, user{};
      if (!::GetSystemTimes(&idle, &kernel, &user)) {
        return MakeError("GetSystemTimes failed: " + win::ErrorText(::GetLastError()));
      }
      cpus.push_back({Ticks(idle), Ticks(kernel), Ticks(user), 0, 0});
    }
    report.system.cpus = winconv::CpuTimesFromTicks(cpus);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewCpuCollector() { return std::make_unique<CpuCollector>(); }

}  // namespace wardwatch::agent
