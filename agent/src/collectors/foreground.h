// foreground: which application owns the focused window and how long the user has been idle
// (X11: _NET_ACTIVE_WINDOW -> _NET_WM_PID, and the MIT-SCREEN-SAVER extension). Xlib is loaded
// with dlopen, so the agent runs on machines without a display or without libX11. Without a
// display of its own the agent reads what the session helper wrote (session_file.h).
#pragma once

#include <memory>
#include <string>

#include "collectors/apps.h"

namespace wardwatch::agent {

class ForegroundProbe {
 public:
  virtual ~ForegroundProbe() = default;
  // Never fails: "no display" is a sample with available = false and the reason.
  virtual ForegroundSample Sample() = 0;
};

// `display`: X11 display name; empty means $DISPLAY. `session_dir` (Linux): when the agent has
// no X11 display of its own (the packaged service), the folder where each desktop session's
// wardwatch-session helper writes the focused pid and idle time (session_file.h); empty: none.
// Windows ignores both.
std::unique_ptr<ForegroundProbe> NewForegroundProbe(std::string display,
                                                    std::string session_dir = "");

}  // namespace wardwatch::agent
