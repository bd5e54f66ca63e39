// What differs between platforms around main(): stop requests (signals on Linux, console
// events and the service control manager on Windows) and Windows service commands.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace wardwatch::agent {

// The agent's run loop (main.cpp): parses the options and runs until `stop` is set.
using RunAgentFn = int (*)(int argc, char** argv, std::atomic<bool>& stop);

// Handles commands only this platform has (Windows: --install-service, --uninstall-service,
// --service) and returns their exit code; std::nullopt means "run the agent normally".
std::optional<int> RunPlatformCommand(int argc, char** argv, RunAgentFn run);

// "linux" or "windows": the report's agent.platform.
const char* PlatformName();

// The operating system's own stable machine identity when it has one beyond /etc/machine-id
// (Windows: MachineGuid, kept across agent reinstalls); Linux: none.
std::optional<std::string> PlatformMachineId();

// Sets `*stop` on Ctrl-C / SIGTERM (Linux) or console close / Ctrl-C (Windows).
void InstallStopHandlers(std::atomic<bool>* stop);

// Sleeps until `deadline` or until `stop` is set, whichever comes first. A stop from the
// platform's handlers (a signal, a console event, the service control manager) wakes it at
// once, so an idle agent neither polls the flag nor keeps a service stop waiting.
void SleepUntilStop(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop);

// Hands freed heap memory back to the system; called after each round of reports and
// deliveries. Linux: glibc keeps the pages a report freed below the top of the heap (about
// 1 MiB, bench/README.md "footprint"); malloc_trim(0) returns them. Windows: nothing (the
// process heap decommits free blocks itself).
void ReleaseFreeMemory();

}  // namespace wardwatch::agent
