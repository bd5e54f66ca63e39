// The X11 foreground probe: without a display it says why; under a real Xvfb server it finds
// the pid of the window named by _NET_ACTIVE_WINDOW and reads the idle time.
#include "collectors/foreground.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#ifdef WARDWATCH_TEST_X11
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#undef Status
#endif

using namespace wardwatch::agent;

extern char** environ;

TEST_CASE("foreground: no display is 'unavailable' with the reason") {
  const char* saved = std::getenv("DISPLAY");
  std::string keep = saved ? saved : "";
  ::unsetenv("DISPLAY");
  auto none = NewForegroundProbe("")->Sample();
  CHECK_FALSE(none.available);
  CHECK(none.unavailable_reason.find("DISPLAY") != std::string::npos);
  CHECK_FALSE(none.pid);
  if (saved) ::setenv("DISPLAY", keep.c_str(), 1);

  auto closed = NewForegroundProbe(":87")->Sample();  // no server on :87
  CHECK_FALSE(closed.available);
  CHECK(closed.unavailable_reason.find(":87") != std::string::npos);
}

#ifdef WARDWATCH_TEST_X11
TEST_CASE("foreground: Xvfb with an active window owned by this process") {
  const char* xvfb = "/usr/bin/Xvfb";
  if (::access(xvfb, X_OK) != 0) {
    MESSAGE("Xvfb not installed: skipped");
    return;
  }
  const std::string display = ":" + std::to_string(90 + ::getpid() % 9);
  const std::string socket = "/tmp/.X11-unix/X" + display.substr(1);
  std::vector<std::string> args{xvfb, display, "-nolisten", "tcp", "-screen", "0", "320x240x24"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t server = 0;
  REQUIRE(::posix_spawn(&server, xvfb, nullptr, nullptr, argv.data(), environ) == 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{server};

  Display* dpy = nullptr;
  for (int i = 0; i < 100 && !dpy; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::filesystem::exists(socket)) dpy = XOpenDisplay(display.c_str());
  }
  REQUIRE_MESSAGE(dpy, "Xvfb did not start on " << display);
  // No window manager: play its part by setting the EWMH properties ourselves.
  auto probe = NewForegroundProbe(display);
  auto before = probe->Sample();
  CHECK_FALSE(before.available);  // no _NET_ACTIVE_WINDOW atom yet: no EWMH manager
  CHECK(before.unavailable_reason.find("window manager") != std::string::npos);

  const Window root = DefaultRootWindow(dpy);
  const Window w = XCreateSimpleWindow(dpy, root, 0, 0, 10, 10, 0, 0, 0);
  const Atom pid_atom = XInternAtom(dpy, "_NET_WM_PID", False);
  const Atom active_atom = XInternAtom(dpy, "_NET_ACTIVE_WINDOW", False);
  const unsigned long pid = static_cast<unsigned long>(::getpid());
  XChangeProperty(dpy, w, pid_atom, XA_CARDINAL, 32, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(&pid), 1);
  XChangeProperty(dpy, root, active_atom, XA_WINDOW, 32, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(&w), 1);
  XSync(dpy, False);

  auto s = probe->Sample();
  CHECK(s.available);
  REQUIRE(s.pid);
  CHECK(*s.pid == ::getpid());
  REQUIRE(s.idle_seconds);  // Xvfb has the MIT-SCREEN-SAVER extension
  CHECK(*s.idle_seconds >= 0);

  // The focused window disappears (BadWindow on the next read): no crash, no pid.
  XDestroyWindow(dpy, w);
  XSync(dpy, False);
  auto gone = probe->Sample();
  CHECK(gone.available);
  CHECK_FALSE(gone.pid);
  XCloseDisplay(dpy);
}
#endif
