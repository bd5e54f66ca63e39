// processes for Windows: one CreateToolhelp32Snapshot sweep, with per process
// GetProcessTimes, QueryFullProcessImageName and GetProcessMemoryInfo (working set). Processes
// of other users that cannot be opened keep their name and lose path, CPU and memory; the
// System Idle Process (pid 0) is left out like kernel threads on Linux.
// <windows.h> must come before the API headers.
// clang-format off
#include <windows.h>
#include <psapi.h>
#include <tlhelp32.h>
// clang-format on

#include <algorithm>

#include "collectors/processes.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

std::uint64_t Ticks(const FILETIME& f) {
  return (static_cast<std::uint64_t>(f.dwHighDateTime) << 32) | f.dwLowDateTime;
}

}  // namespace

// `previous` is not used: the process handle opened for the times gives the image name too.
Result<ProcessSweep> SweepProcesses(const std::string&, const SweepOptions& options, double now,
                                    const ProcessSweep*) {
  win::UniqueHandle snap(::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  if (!snap)
    return MakeError("CreateToolhelp32Snapshot failed: " + win::ErrorText(::GetLastError()));
  ProcessSweep sweep;
  sweep.time = now;
  PROCESSENTRY32W e{};
  e.dwSize = sizeof e;
  for (BOOL ok = ::Process32FirstW(snap.get(), &e); ok; ok = ::Process32NextW(snap.get(), &e)) {
    if (e.th32ProcessID == 0) {
      ++sweep.kernel_threads;
      continue;
    }
    if (sweep.processes.size() >= options.max_processes) {
      ++sweep.dropped;
      continue;
    }
    winconv::ProcessRaw raw;
    raw.pid = e.th32ProcessID;
    raw.exe_file = win::ToUtf8(e.szExeFile);
    win::UniqueHandle proc(
        ::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, e.th32ProcessID));
    if (proc) {
      FILETIME created{}, exited{}, kernel{}, user{};
      if (::GetProcessTimes(proc.get(), &created, &exited, &kernel, &user)) {
        raw.creation_filetime = Ticks(created);
        raw.kernel_ticks = Ticks(kernel);
        raw.user_ticks = Ticks(user);
      }
      wchar_t path[MAX_PATH * 4];
      DWORD len = MAX_PATH * 4;
      if (::QueryFullProcessImageNameW(proc.get(), 0, path, &len)) {
        raw.image_path = win::ToUtf8(std::wstring_view(path, len));
      }
      PROCESS_MEMORY_COUNTERS pmc{};
      if (::GetProcessMemoryInfo(proc.get(), &pmc, sizeof pmc))
        raw.working_set_bytes = pmc.WorkingSetSize;
    } else if (::GetLastError() == ERROR_INVALID_PARAMETER) {
      ++sweep.vanished;  // exited between the snapshot and now
      continue;
    }
    sweep.processes.push_back(winconv::ProcessFromRaw(raw));
  }
  std::sort(sweep.processes.begin(), sweep.processes.end(),
            [](const ProcessSample& a, const ProcessSample& b) { return a.pid < b.pid; });
  return sweep;
}

}  // namespace wardwatch::agent
