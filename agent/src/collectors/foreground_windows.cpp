// foreground for Windows: the process owning GetForegroundWindow() and the user's idle time
// from GetLastInputInfo. A service runs in session 0 and sees no desktop: it reads what each
// logged-on user's wardwatch-session helper wrote instead (session_file_windows.cpp). Without
// either, a sample with available = false and the reason, not an error.
#include <chrono>

#include "collectors/foreground.h"
#include "collectors/session_file.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

// False in a service's non-interactive window station (session 0): there is no desktop to ask,
// and asking can block (Wine waits for a desktop window that never comes).
bool InteractiveWindowStation() {
  HWINSTA station = ::GetProcessWindowStation();
  USEROBJECTFLAGS flags{};
  if (station == nullptr ||
      !::GetUserObjectInformationW(station, UOI_FLAGS, &flags, sizeof flags, nullptr)) {
    return true;  // unknown: try the desktop
  }
  return (flags.dwFlags & WSF_VISIBLE) != 0;
}

class WindowsForegroundProbe : public ForegroundProbe {
 public:
  explicit WindowsForegroundProbe(std::string session_dir) : session_dir_(std::move(session_dir)) {}

  // As on Linux: the agent's own desktop first, then the session helpers' files.
  ForegroundSample Sample() override {
    ForegroundSample own;
    own.unavailable_reason = "no interactive desktop: running as a service (session 0)";
    if (interactive_) own = DesktopSample();
    if (own.available || session_dir_.empty()) return own;
    return HelperSample(own.unavailable_reason);
  }

 private:
  ForegroundSample DesktopSample() {
    ForegroundSample s;
    LASTINPUTINFO last{};
    last.cbSize = sizeof last;
    const bool have_input = ::GetLastInputInfo(&last) != 0;
    HWND w = ::GetForegroundWindow();
    DWORD pid = 0;
    if (w != nullptr) ::GetWindowThreadProcessId(w, &pid);
    if (!have_input && pid == 0) {
      s.unavailable_reason = "no interactive desktop in this session (service in session 0?)";
      return s;
    }
    s.available = true;
    if (pid != 0) s.pid = static_cast<std::int64_t>(pid);
    if (have_input) s.idle_seconds = winconv::IdleSecondsFromTicks(::GetTickCount(), last.dwTime);
    return s;
  }

  // The session helpers' files, as on Linux (the fresh file with the least idle time wins).
  // The service gives the folder its ACL at the first sample (its start), once.
  ForegroundSample HelperSample(const std::string& own_reason) {
    if (!interactive_ && !prepared_) {
      prepared_ = true;
      if (auto made = PrepareSessionDir(session_dir_); !made) prepare_error_ = made.error();
    }
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    ForegroundSample helper = ReadSessionDir(session_dir_, now);
    if (helper.available) return helper;
    helper.unavailable_reason = own_reason + "; " + helper.unavailable_reason;
    if (!prepare_error_.empty()) helper.unavailable_reason += "; " + prepare_error_;
    return helper;
  }

  bool interactive_ = InteractiveWindowStation();
  std::string session_dir_;
  bool prepared_ = false;
  std::string prepare_error_;
};

}  // namespace

// `display` means nothing on Windows. `session_dir` is read when the agent's own desktop says
// nothing (the service in session 0); empty: never (the helper itself).
std::unique_ptr<ForegroundProbe> NewForegroundProbe(std::string, std::string session_dir) {
  return std::make_unique<WindowsForegroundProbe>(std::move(session_dir));
}

}  // namespace wardwatch::agent
