// cpuinfo collector for Windows: CPUID (vendor, brand string, family/model/stepping,
// generation flags, leaf 0x16 frequencies), GetLogicalProcessorInformationEx (packages,
// cores, threads), the registry's HARDWARE\DESCRIPTION\System\CentralProcessor\0 ~MHz and
// CallNtPowerInformation(ProcessorInformation) for each CPU's current MHz. Throttle counts
// are a Linux thermal_throttle fact: absent.
// clang-format off
#include <windows.h>
#include <powrprof.h>
#include <cpuid.h>
// clang-format on

#include <vector>

#include "collectors/cpuinfo.h"
#include "collectors/hardware_common.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

static_assert(offsetof(PROCESSOR_RELATIONSHIP, GroupCount) == 22);
static_assert(offsetof(PROCESSOR_RELATIONSHIP, GroupMask) == 24);
static_assert(offsetof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX, Processor) == 8);
static_assert(sizeof(GROUP_AFFINITY) == 16);

winconv::CpuidLeaf Leaf(unsigned leaf, unsigned subleaf = 0) {
  winconv::CpuidLeaf l;
  __cpuid_count(leaf, subleaf, l.eax, l.ebx, l.ecx, l.edx);
  return l;
}

winconv::Cpuid ReadCpuid() {
  winconv::Cpuid id;
  id.leaf0 = Leaf(0);
  const unsigned max_leaf = id.leaf0.eax;
  if (max_leaf >= 1) id.leaf1 = Leaf(1);
  if (max_leaf >= 7) id.leaf7 = Leaf(7, 0);
  if (max_leaf >= 0x16) id.leaf16 = Leaf(0x16);
  if (Leaf(0x80000000).eax >= 0x80000004) {
    for (unsigned i = 0; i < 3; ++i) id.brand[i] = Leaf(0x80000002 + i);
  }
  return id;
}

Result<winconv::CpuTopology> ReadTopology() {
  DWORD size = 0;
  ::GetLogicalProcessorInformationEx(RelationAll, nullptr, &size);
  if (::GetLastError() != ERROR_INSUFFICIENT_BUFFER || size == 0) {
    return MakeError("GetLogicalProcessorInformationEx: " + win::ErrorText(::GetLastError()));
  }
  std::vector<std::uint8_t> buf(size);
  if (!::GetLogicalProcessorInformationEx(
          RelationAll, reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(buf.data()),
          &size)) {
    return MakeError("GetLogicalProcessorInformationEx: " + win::ErrorText(::GetLastError()));
  }
  buf.resize(size);
  return winconv::ParseLogicalProcessorInformationEx(buf);
}

std::optional<std::uint32_t> RegistryMhz() {
  DWORD mhz = 0;
  DWORD size = sizeof mhz;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0",
                     L"~MHz", RRF_RT_REG_DWORD, nullptr, &mhz, &size) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  return mhz;
}

// PROCESSOR_POWER_INFORMATION as documented (powrprof; not in every SDK's headers).
struct ProcessorPowerInformation {
  ULONG Number, MaxMhz, CurrentMhz, MhzLimit, MaxIdleState, CurrentIdleState;
};

std::vector<std::uint32_t> CurrentMhz(std::uint32_t cpus) {
  std::vector<ProcessorPowerInformation> info(cpus);
  const auto bytes = static_cast<ULONG>(info.size() * sizeof(ProcessorPowerInformation));
  if (cpus == 0 ||
      ::CallNtPowerInformation(ProcessorInformation, nullptr, 0, info.data(), bytes) != 0) {
    return {};
  }
  std::vector<std::uint32_t> mhz;
  for (const auto& p : info) mhz.push_back(p.CurrentMhz);
  return mhz;
}

class CpuinfoCollector : public Collector {
 public:
  Status Collect(const CollectContext&, Report& report) override {
    auto topology = ReadTopology();
    if (!topology) return MakeError(topology.error());
    const auto current = CurrentMhz(topology->threads);
    auto info = winconv::CpuInfoFromCpuid(ReadCpuid(), *topology, RegistryMhz(), current);
    if (!info.base_hertz && !info.max_hertz && info.current_hertz.empty()) {
      MarkAbsent(report, "cpu_frequency");
    }
    MarkAbsent(report, "cpu_throttle");
    HardwareOf(report).cpu = std::move(info);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Collector> NewCpuinfoCollector() { return std::make_unique<CpuinfoCollector>(); }

}  // namespace wardwatch::agent
