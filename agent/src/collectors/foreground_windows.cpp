// foreground for Windows: the process owning GetForegroundWindow() and the user's idle time
// from GetLastInputInfo. A service runs in session 0 and sees no desktop: that is a sample
// with available = false and the reason, not an error.
#include "collectors/foreground.h"
#include "collectors/windows_convert.h"
#include "win32.h"

namespace wardwatch::agent {
namespace {

class WindowsForegroundProbe : public ForegroundProbe {
 public:
  ForegroundSample Sample() override {
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
};

}  // namespace

std::unique_ptr<ForegroundProbe> NewForegroundProbe(std::string) {
  return std::make_unique<WindowsForegroundProbe>();
}

}  // namespace wardwatch::agent
