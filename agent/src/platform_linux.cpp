// Linux: SIGINT/SIGTERM stop the agent; no platform-only commands (systemd runs the service);
// freed heap memory goes back to the system with malloc_trim.
#include <malloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <thread>

#include "platform.h"

namespace wardwatch::agent {
namespace {

std::atomic<bool>* g_stop = nullptr;
// Made readable by the signal handler (write(2) is async-signal-safe); SleepUntilStop polls
// it. Opened once for the life of the process, like the handlers that use it.
int g_wake_fd = -1;

void OnSignal(int) {
  if (g_stop != nullptr) *g_stop = true;
  if (g_wake_fd >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(g_wake_fd, &one, sizeof one);
  }
}

}  // namespace

const char* PlatformName() { return "linux"; }

std::optional<std::string> PlatformMachineId() { return std::nullopt; }

std::optional<int> RunPlatformCommand(int, char**, RunAgentFn) { return std::nullopt; }

void InstallStopHandlers(std::atomic<bool>* stop) {
  g_stop = stop;
  if (g_wake_fd < 0) g_wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGHUP, OnSignal);  // wardwatch-session at logout; the agent stops cleanly too
  std::signal(SIGPIPE, SIG_IGN);
}

void SleepUntilStop(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop) {
  using namespace std::chrono;
  for (auto t = steady_clock::now(); !stop && t < deadline; t = steady_clock::now()) {
    // Rounded up so the loop never spins on a sub-millisecond remainder.
    const auto ms = std::min<milliseconds::rep>(ceil<milliseconds>(deadline - t).count(),
                                                duration_cast<milliseconds>(hours(1)).count());
    if (g_wake_fd < 0) {  // no handlers installed: a flag set by code, seen within a second
      std::this_thread::sleep_for(std::min<milliseconds>(milliseconds(ms), seconds(1)));
      continue;
    }
    pollfd p{g_wake_fd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(ms));  // EINTR (a signal) just goes round again
  }
}

void ReleaseFreeMemory() { ::malloc_trim(0); }

}  // namespace wardwatch::agent
