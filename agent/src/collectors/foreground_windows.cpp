// foreground for Windows: the process owning GetForegroundWindow() and the user's idle time
// from GetLastInputInfo. A service runs in session 0 and sees no desktop: that is a sample
// with available = false and the reason, not an error.
#include "collectors/foreground.h"
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
  ForegroundSample Sample() override {
    ForegroundSample s;
    if (!interactive_) {
      s.unavailable_reason = "no interactive desktop: running as a service (session 0)";
      return s;
    }
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

 private:
  bool interactive_ = InteractiveWindowStation();
};

}  // namespace

std::unique_ptr<ForegroundProbe> NewForegroundProbe(std::string, std::string) {
  return std::make_unique<WindowsForegroundProbe>();
}

}  // namespace wardwatch::agent
