// vmstat collector for Windows: paging counters from NtQuerySystemInformation
// (SystemPerformanceInformation), the memory manager's counts since boot that the "Memory"
// performance counters (Page Faults/sec, Page Reads/sec, Pages Output/sec) are rates of. They
// are 32-bit; the collector widens them across wraps. Where the system counts no faults (Wine)
// vmstat is reported absent.
// clang-format off
#include <windows.h>
#include <winternl.h>
// clang-format on

#include <cstddef>
#include <vector>

#include "collectors/hardware_common.h"
#include "collectors/vmstat.h"
#include "collectors/windows_convert.h"

namespace wardwatch::agent {
namespace {

// The offsets ParseSystemPerformanceInformation reads, as mingw-w64 lays the structure out.
static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PageFaults) == 60);
static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PagesRead) == 80);
static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PageReadIos) == 84);
static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PagefilePagesWritten) == 96);
static_assert(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PagefilePageWriteIos) == 100);

class VmstatCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    // Newer Windows versions append fields: a roomy buffer, and the length Windows filled.
    std::vector<std::uint8_t> buf(4096);
    ULONG got = 0;
    const NTSTATUS rc = ::NtQuerySystemInformation(SystemPerformanceInformation, buf.data(),
                                                   static_cast<ULONG>(buf.size()), &got);
    if (rc < 0) {
      return MakeError("NtQuerySystemInformation(SystemPerformanceInformation): NTSTATUS 0x" +
                       Hex(static_cast<unsigned long>(rc)));
    }
    buf.resize(got);
    auto p = winconv::ParseSystemPerformanceInformation(buf);
    if (!p) return MakeError(p.error());
    auto vmstat =
        winconv::VmstatFromPaging(faults_.Next(p->page_faults), read_ios_.Next(p->page_read_ios),
                                  pagefile_written_.Next(p->pagefile_pages_written));
    if (vmstat.empty()) {
      MarkAbsent(report, "vmstat");
      return Status::Ok();
    }
    HardwareOf(report).vmstat = std::move(vmstat);
    return Status::Ok();
  }

 private:
  static std::string Hex(unsigned long v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = kDigits[v & 0xf];
    return s;
  }

  winconv::CounterWidener faults_, read_ios_, pagefile_written_;
};

}  // namespace

std::unique_ptr<Collector> NewVmstatCollector() { return std::make_unique<VmstatCollector>(); }

}  // namespace wardwatch::agent
