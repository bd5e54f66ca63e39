// Linux: SIGINT/SIGTERM stop the agent; no platform-only commands (systemd runs the service).
#include <csignal>

#include "platform.h"

namespace wardwatch::agent {
namespace {

std::atomic<bool>* g_stop = nullptr;

void OnSignal(int) {
  if (g_stop != nullptr) *g_stop = true;
}

}  // namespace

const char* PlatformName() { return "linux"; }

std::optional<std::string> PlatformMachineId() { return std::nullopt; }

std::optional<int> RunPlatformCommand(int, char**, RunAgentFn) { return std::nullopt; }

void InstallStopHandlers(std::atomic<bool>* stop) {
  g_stop = stop;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace wardwatch::agent
