// wardwatch-session: runs inside a desktop session as the logged-in user (Linux: XDG
// autostart; Windows: the HKLM ...\CurrentVersion\Run value), who can see the desktop the
// system agent's service cannot. Every few seconds it writes the pid owning the focused window
// and the user's idle time (never a window title, command line or file name) to <dir>/<uid>
// (Windows: <dir>\<user SID>), where the agent reads it (collectors/session_file.h).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "collectors/foreground.h"
#include "collectors/session_file.h"
#include "platform.h"

namespace {

constexpr const char* kUsage =
    "Usage: wardwatch-session [--dir DIR] [--interval SECONDS] [--display NAME] [--once]\n\n"
    "Started in each desktop session (Linux: /etc/xdg/autostart/wardwatch-session.desktop;\n"
    "Windows: HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run). Tells the WardWatch\n"
    "agent service which process owns the focused window and how long the user has been idle,\n"
    "by writing DIR/<uid> (Windows: DIR\\<user SID>) every SECONDS (default 5); DIR defaults to\n"
    "/run/wardwatch-agent (Windows: %ProgramData%\\WardWatch\\sessions). No window titles,\n"
    "command lines or file names. On X11, exits when the display has been gone for a minute\n"
    "(the session ended).\n";

void Log(const std::string& line) { std::cerr << "wardwatch-session: " << line << std::endl; }

}  // namespace

int main(int argc, char** argv) {
  using namespace wardwatch::agent;
  std::string dir = DefaultSessionDir();
  std::string display;
  unsigned interval = kSessionHelperIntervalSeconds;
  bool once = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--once") {
      once = true;
    } else if (a == "--dir" || a == "--display" || a == "--interval") {
      const char* v = value();
      if (!v) {
        std::cerr << "wardwatch-session: " << a << " needs a value\n" << kUsage;
        return 2;
      }
      if (a == "--dir") dir = v;
      if (a == "--display") display = v;
      if (a == "--interval") {
        char* end = nullptr;
        const unsigned long n = std::strtoul(v, &end, 10);
        if (*v == '\0' || *end != '\0' || n < 1 || n > 3600) {
          std::cerr << "wardwatch-session: --interval must be 1..3600 seconds\n";
          return 2;
        }
        interval = static_cast<unsigned>(n);
      }
    } else {
      std::cerr << "wardwatch-session: unknown option " << a << "\n" << kUsage;
      return 2;
    }
  }
  std::atomic<bool> stop{false};
  InstallStopHandlers(&stop);  // SIGTERM, SIGINT, SIGHUP (logout); Windows: console events

  const auto name = OwnSessionFileName();
  if (!name) {
    Log(name.error());
    return 1;
  }
  auto probe = NewForegroundProbe(display);  // X11 only: never read other helpers' files
  std::string last_error;
  int display_gone = 0;
  const int give_up_after = static_cast<int>(60 / interval) + 1;
  for (;;) {
    const ForegroundSample s = probe->Sample();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto written = WriteSessionFile(dir, *name, FormatSessionFile(s, now));
    const std::string error = written ? std::string() : written.error();
    if (error != last_error && !error.empty()) Log(error);  // said once, not every 5 s
    last_error = error;
    // The X server went away (logout) and the session did not end us: stop, so no file of a
    // finished session says "cannot open the display" forever.
    const bool gone =
        !s.available && (s.unavailable_reason.find("cannot open") != std::string::npos ||
                         s.unavailable_reason.find("lost") != std::string::npos);
    display_gone = gone ? display_gone + 1 : 0;
    if (once || stop || display_gone > give_up_after) break;
    // One wake-up per sample (no polling); a stop request ends the sleep early.
    SleepUntilStop(std::chrono::steady_clock::now() + std::chrono::seconds(interval), stop);
    if (stop) break;
  }
  if (!once) RemoveSessionFile(dir, *name);  // the agent then says "no helper file", not "stale"
  if (once) return last_error.empty() ? 0 : 1;
  return 0;
}
