// Windows: Ctrl-C / console close stop the agent, and the agent runs as a Windows service.
//   wardwatch-agent --install-service [agent options...]  registers "WardWatchAgent" (automatic
//       start, LocalSystem, restart on failure) to run `wardwatch-agent --service <options>`,
//       starts it, and has wardwatch-session.exe (beside the agent) started at every user's
//       logon (HKLM ...\CurrentVersion\Run, value WardWatchSession);
//   wardwatch-agent --uninstall-service                    stops and removes both;
//   wardwatch-agent --service <options>                    what the service control manager runs.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "platform.h"
#include "win32.h"
#include "win_registry.h"

namespace wardwatch::agent {
namespace {

constexpr wchar_t kServiceName[] = L"WardWatchAgent";
constexpr wchar_t kDisplayName[] = L"WardWatch agent";
// The session helper's logon entry; the MSI writes the same value (wardwatch-agent.wxs).
constexpr wchar_t kRunKey[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\Run";
constexpr wchar_t kRunValue[] = L"WardWatchSession";
constexpr wchar_t kDescription[] =
    L"Collects this PC's hardware health, network speed and software usage and sends it to the "
    L"office's WardWatch collector.";

std::atomic<bool>* g_stop = nullptr;
// Signalled with every stop request (console event, service control); SleepUntilStop waits on
// it. Made once, before any handler can run, and kept for the life of the process.
win::UniqueHandle g_wake;

void MakeWakeEvent() {
  if (!g_wake) g_wake.reset(::CreateEventW(nullptr, /*bManualReset=*/TRUE, FALSE, nullptr));
}

void Wake() {
  if (g_wake) ::SetEvent(g_wake.get());
}

BOOL WINAPI OnConsoleEvent(DWORD) {
  if (g_stop != nullptr) *g_stop = true;
  Wake();
  return TRUE;
}

// Quotes one argument for a Windows command line (CommandLineToArgvW rules).
std::wstring QuoteArg(const std::wstring& a) {
  if (!a.empty() && a.find_first_of(L" \t\"") == std::wstring::npos) return a;
  std::wstring out = L"\"";
  std::size_t backslashes = 0;
  for (wchar_t c : a) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    if (c == L'"')
      out.append(backslashes * 2 + 1, L'\\');
    else
      out.append(backslashes, L'\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, L'\\');
  return out + L"\"";
}

void Say(const std::string& line) {
  std::fputs(("wardwatch-agent: " + line + "\n").c_str(), stderr);
}

int Fail(const std::string& what) {
  Say(what + ": " + win::ErrorText(::GetLastError()));
  return 1;
}

// Restart after 10 s, 60 s, 5 min when the agent exits unexpectedly; the count resets after a
// day without failures. `svc` needs SERVICE_CHANGE_CONFIG and SERVICE_START.
bool SetRestartOnFailure(SC_HANDLE svc) {
  SC_ACTION actions[3] = {
      {SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 60000}, {SC_ACTION_RESTART, 300000}};
  SERVICE_FAILURE_ACTIONSW fail{};
  fail.dwResetPeriod = 86400;
  fail.cActions = 3;
  fail.lpsaActions = actions;
  return ::ChangeServiceConfig2W(svc, SERVICE_CONFIG_FAILURE_ACTIONS, &fail) != FALSE;
}

// The service sees no desktop: wardwatch-session.exe, started in each user's session at logon,
// tells it the focused application and idle time. Sessions open now get it at their next logon.
void RegisterSessionHelper(const std::wstring& agent_exe, int argc, char** argv) {
  const std::wstring folder = agent_exe.substr(0, agent_exe.find_last_of(L"\\/") + 1);
  const std::wstring helper = folder + L"wardwatch-session.exe";
  if (::GetFileAttributesW(helper.c_str()) == INVALID_FILE_ATTRIBUTES) {
    Say("wardwatch-session.exe is not beside the agent: no foreground time under the service");
    return;
  }
  std::wstring command = QuoteArg(helper);
  for (int i = 2; i < argc; ++i) {  // the agent's own --session-dir, if given on the command line
    const std::string a = argv[i];
    std::string dir;
    if (a == "--session-dir" && i + 1 < argc) dir = argv[i + 1];
    if (a.rfind("--session-dir=", 0) == 0) dir = a.substr(14);
    if (!dir.empty()) command += L" --dir " + QuoteArg(win::ToWide(dir));
  }
  win::UniqueHkey key;
  LONG rc = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, kRunKey, 0, nullptr, 0,
                              KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr, key.put(), nullptr);
  if (rc == ERROR_SUCCESS) {
    rc = ::RegSetValueExW(key.get(), kRunValue, 0, REG_SZ,
                          reinterpret_cast<const BYTE*>(command.c_str()),
                          static_cast<DWORD>((command.size() + 1) * sizeof(wchar_t)));
  }
  if (rc != ERROR_SUCCESS) {
    Say("cannot have wardwatch-session.exe started at logon: " + win::ErrorText(rc));
    return;
  }
  Say("wardwatch-session.exe starts at every user's logon: " + win::ToUtf8(command));
}

void UnregisterSessionHelper() {
  win::UniqueHkey key;
  if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kRunKey, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, key.put()) ==
      ERROR_SUCCESS) {
    ::RegDeleteValueW(key.get(), kRunValue);  // fine if it was not there
  }
}

int InstallService(int argc, char** argv) {
  wchar_t exe[MAX_PATH * 2] = {};
  if (::GetModuleFileNameW(nullptr, exe, MAX_PATH * 2) == 0) return Fail("cannot find own path");
  std::wstring command = QuoteArg(exe) + L" --service";
  for (int i = 2; i < argc; ++i) command += L" " + QuoteArg(win::ToWide(argv[i]));
  win::UniqueScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE));
  if (!scm) return Fail("cannot open the service control manager (run as administrator)");
  win::UniqueScHandle svc(::CreateServiceW(
      scm.get(), kServiceName, kDisplayName, SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
      SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, command.c_str(), nullptr, nullptr, nullptr,
      nullptr /* LocalSystem */, nullptr));
  if (!svc) return Fail("cannot create service WardWatchAgent");
  SERVICE_DESCRIPTIONW desc{const_cast<wchar_t*>(kDescription)};
  ::ChangeServiceConfig2W(svc.get(), SERVICE_CONFIG_DESCRIPTION, &desc);
  SetRestartOnFailure(svc.get());
  RegisterSessionHelper(exe, argc, argv);
  if (!::StartServiceW(svc.get(), 0, nullptr)) {
    return Fail("service WardWatchAgent installed but did not start");
  }
  Say("service WardWatchAgent installed and started: " + win::ToUtf8(command));
  return 0;
}

int UninstallService() {
  UnregisterSessionHelper();  // first: it needs no service to go
  win::UniqueScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!scm) return Fail("cannot open the service control manager (run as administrator)");
  win::UniqueScHandle svc(
      ::OpenServiceW(scm.get(), kServiceName, SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
  if (!svc) return Fail("cannot open service WardWatchAgent");
  SERVICE_STATUS status{};
  ::ControlService(svc.get(), SERVICE_CONTROL_STOP, &status);  // fine if already stopped
  if (!::DeleteService(svc.get())) return Fail("cannot remove service WardWatchAgent");
  Say("service WardWatchAgent removed");
  return 0;
}

// --- Running under the service control manager -----------------------------------------

struct ServiceRun {
  RunAgentFn run = nullptr;
  std::vector<std::string> args;  // argv[0] + the agent's options
  SERVICE_STATUS_HANDLE handle = nullptr;
  std::atomic<bool> stop{false};
  int exit_code = 0;
};
ServiceRun* g_service = nullptr;

void Report(DWORD state, DWORD exit_code = NO_ERROR) {
  SERVICE_STATUS s{};
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = state;
  s.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  s.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  s.dwServiceSpecificExitCode = exit_code;
  s.dwWaitHint = state == SERVICE_RUNNING || state == SERVICE_STOPPED ? 0 : 10000;
  ::SetServiceStatus(g_service->handle, &s);
}

DWORD WINAPI OnServiceControl(DWORD control, DWORD, void*, void*) {
  if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
    Report(SERVICE_STOP_PENDING);
    g_service->stop = true;
    Wake();
    return NO_ERROR;
  }
  return control == SERVICE_CONTROL_INTERROGATE ? NO_ERROR : ERROR_CALL_NOT_IMPLEMENTED;
}

void WINAPI ServiceMain(DWORD, wchar_t**) {
  g_service->handle = ::RegisterServiceCtrlHandlerExW(kServiceName, &OnServiceControl, nullptr);
  if (g_service->handle == nullptr) return;
  Report(SERVICE_RUNNING);
  // An installer that cannot write failure actions (the MSI: wixl has no ServiceConfig) leaves
  // the service without restarts; the service sets them on itself (LocalSystem may).
  win::UniqueScHandle scm(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  win::UniqueScHandle self(
      scm ? ::OpenServiceW(scm.get(), kServiceName, SERVICE_CHANGE_CONFIG | SERVICE_START)
          : nullptr);
  if (!self || !SetRestartOnFailure(self.get())) {
    Say("could not set the service's restart-on-failure actions: " +
        win::ErrorText(::GetLastError()));
  }
  std::vector<char*> argv;
  for (auto& a : g_service->args) argv.push_back(a.data());
  argv.push_back(nullptr);
  g_service->exit_code =
      g_service->run(static_cast<int>(argv.size() - 1), argv.data(), g_service->stop);
  Report(SERVICE_STOPPED, static_cast<DWORD>(g_service->exit_code));
}

int RunAsService(int argc, char** argv, RunAgentFn run) {
  ServiceRun service;
  service.run = run;
  service.args.emplace_back(argv[0]);
  for (int i = 2; i < argc; ++i) service.args.emplace_back(argv[i]);
  g_service = &service;
  MakeWakeEvent();
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(kServiceName), &ServiceMain},
                                  {nullptr, nullptr}};
  if (!::StartServiceCtrlDispatcherW(table)) {
    return Fail("--service is for the service control manager; use --install-service");
  }
  return service.exit_code;
}

}  // namespace

const char* PlatformName() { return "windows"; }

std::optional<std::string> PlatformMachineId() {
  auto key =
      win::OpenKey(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", KEY_WOW64_64KEY);
  auto values = win::ReadValues(key.get());
  auto it = values.find("MachineGuid");
  if (it == values.end() || it->second.empty()) return std::nullopt;
  std::string id;
  for (char c : it->second) {
    if (c != '-') id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return id;
}

std::optional<int> RunPlatformCommand(int argc, char** argv, RunAgentFn run) {
  if (argc < 2) return std::nullopt;
  const std::string first = argv[1];
  if (first == "--install-service") return InstallService(argc, argv);
  if (first == "--uninstall-service") return UninstallService();
  if (first == "--service") return RunAsService(argc, argv, run);
  return std::nullopt;
}

void InstallStopHandlers(std::atomic<bool>* stop) {
  g_stop = stop;
  MakeWakeEvent();
  ::SetConsoleCtrlHandler(&OnConsoleEvent, TRUE);
}

void SleepUntilStop(std::chrono::steady_clock::time_point deadline, const std::atomic<bool>& stop) {
  using namespace std::chrono;
  for (auto t = steady_clock::now(); !stop && t < deadline; t = steady_clock::now()) {
    const auto ms = std::min<milliseconds::rep>(ceil<milliseconds>(deadline - t).count(),
                                                duration_cast<milliseconds>(hours(1)).count());
    if (!g_wake) {  // no event: a flag set by code, seen within a second
      ::Sleep(static_cast<DWORD>(std::min<milliseconds::rep>(ms, 1000)));
      continue;
    }
    ::WaitForSingleObject(g_wake.get(), static_cast<DWORD>(ms));
  }
}

void ReleaseFreeMemory() {}

}  // namespace wardwatch::agent
