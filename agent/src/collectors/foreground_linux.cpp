// X11 foreground probe: opens the display for each sample (so a restarted X server or a new
// login is picked up), reads _NET_ACTIVE_WINDOW on the root window, then _NET_WM_PID on that
// window, and XScreenSaverQueryInfo's idle time. Only a pid and a number leave this file:
// never a window title.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/scrnsaver.h>
#include <dlfcn.h>
// Xlib's "#define Status int" would rename wardwatch::Status in the headers below.
#undef Status

#include <chrono>
#include <cstdlib>
#include <optional>
#include <type_traits>

#include "collectors/foreground.h"
#include "collectors/session_file.h"

namespace wardwatch::agent {
namespace {

struct DlCloser {
  void operator()(void* h) const {
    if (h) ::dlclose(h);
  }
};
using DlHandle = std::unique_ptr<void, DlCloser>;

int IgnoreXError(Display*, XErrorEvent*) { return 0; }  // e.g. BadWindow after a window closed
int QuietIoError(Display*) { return 0; }
void NoExitOnIoError(Display*, void* broken) { *static_cast<bool*>(broken) = true; }

class X11Probe : public ForegroundProbe {
 public:
  explicit X11Probe(std::string display) : display_(std::move(display)) {
    if (display_.empty()) {
      if (const char* d = std::getenv("DISPLAY")) display_ = d;
    }
  }

  ForegroundSample Sample() override {
    ForegroundSample s;
    if (display_.empty()) {
      s.unavailable_reason = std::getenv("WAYLAND_DISPLAY")
                                 ? "Wayland session without an X11 display (DISPLAY not set)"
                                 : "no X11 display: DISPLAY is not set for the agent";
      return s;
    }
    if (!Load(s.unavailable_reason)) return s;
    Display* dpy = open_display_(display_.c_str());
    if (!dpy) {
      s.unavailable_reason = "cannot open X11 display " + display_;
      return s;
    }
    bool broken = false;
    if (set_io_exit_handler_) set_io_exit_handler_(dpy, &NoExitOnIoError, &broken);
    const Window root = default_root_window_(dpy);
    const Atom active_atom = intern_atom_(dpy, "_NET_ACTIVE_WINDOW", True);
    const Atom pid_atom = intern_atom_(dpy, "_NET_WM_PID", True);
    if (active_atom == None) {
      s.unavailable_reason = "X11 display " + display_ + " has no EWMH window manager";
    } else {
      s.available = true;
      auto window = ReadCardinal(dpy, root, active_atom, XA_WINDOW);
      if (window && *window != 0 && pid_atom != None) {
        auto pid = ReadCardinal(dpy, static_cast<Window>(*window), pid_atom, XA_CARDINAL);
        if (pid && *pid > 0) s.pid = static_cast<std::int64_t>(*pid);
      }
    }
    if (ss_query_ && ss_alloc_) {
      int event_base = 0, error_base = 0;
      if (ss_query_extension_(dpy, &event_base, &error_base)) {
        if (XScreenSaverInfo* info = ss_alloc_()) {
          if (ss_query_(dpy, root, info)) s.idle_seconds = static_cast<double>(info->idle) / 1000;
          free_(info);
        }
      }
    }
    if (broken) {
      s = ForegroundSample{};
      s.unavailable_reason = "X11 connection to " + display_ + " lost";
    }
    close_display_(dpy);
    return s;
  }

 private:
  bool Load(std::string& reason) {
    if (x11_) return true;
    if (!load_error_.empty()) {
      reason = load_error_;
      return false;
    }
    x11_.reset(::dlopen("libX11.so.6", RTLD_NOW | RTLD_LOCAL));
    if (!x11_) {
      load_error_ = "libX11.so.6 not installed";
      reason = load_error_;
      return false;
    }
    auto sym = [&](auto& fn, void* lib, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      return fn != nullptr;
    };
    void* x = x11_.get();
    using SetErrorHandler = XErrorHandler (*)(XErrorHandler);
    using SetIoErrorHandler = XIOErrorHandler (*)(XIOErrorHandler);
    SetErrorHandler set_error = nullptr;
    SetIoErrorHandler set_io_error = nullptr;
    if (!sym(open_display_, x, "XOpenDisplay") || !sym(close_display_, x, "XCloseDisplay") ||
        !sym(intern_atom_, x, "XInternAtom") || !sym(get_property_, x, "XGetWindowProperty") ||
        !sym(free_, x, "XFree") || !sym(default_root_window_, x, "XDefaultRootWindow") ||
        !sym(set_error, x, "XSetErrorHandler") || !sym(set_io_error, x, "XSetIOErrorHandler")) {
      x11_.reset();
      load_error_ = "libX11.so.6 lacks a needed function";
      reason = load_error_;
      return false;
    }
    sym(set_io_exit_handler_, x, "XSetIOErrorExitHandler");  // libX11 >= 1.7; else Xlib exits
    // Process-wide handlers: the agent has no other X11 use. Without them a window closing
    // between the two reads (BadWindow) would end the agent.
    set_error(&IgnoreXError);
    set_io_error(&QuietIoError);
    xss_.reset(::dlopen("libXss.so.1", RTLD_NOW | RTLD_LOCAL));
    if (xss_) {
      void* s = xss_.get();
      if (!sym(ss_query_extension_, s, "XScreenSaverQueryExtension") ||
          !sym(ss_alloc_, s, "XScreenSaverAllocInfo") ||
          !sym(ss_query_, s, "XScreenSaverQueryInfo")) {
        ss_query_ = nullptr;
        ss_alloc_ = nullptr;
      }
    }
    return true;
  }

  // A 32-bit property (CARDINAL or WINDOW); Xlib returns format-32 items as longs.
  std::optional<unsigned long> ReadCardinal(Display* dpy, Window w, Atom prop, Atom type) {
    Atom actual_type = None;
    int actual_format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    const int rc = get_property_(dpy, w, prop, 0, 1, False, type, &actual_type, &actual_format,
                                 &items, &after, &data);
    std::optional<unsigned long> out;
    if (rc == Success && data && actual_format == 32 && items >= 1) {
      out = *reinterpret_cast<unsigned long*>(data);
    }
    if (data) free_(data);
    return out;
  }

  std::string display_;
  std::string load_error_;
  DlHandle x11_, xss_;
  Display* (*open_display_)(const char*) = nullptr;
  int (*close_display_)(Display*) = nullptr;
  Atom (*intern_atom_)(Display*, const char*, Bool) = nullptr;
  int (*get_property_)(Display*, Window, Atom, long, long, Bool, Atom, Atom*, int*, unsigned long*,
                       unsigned long*, unsigned char**) = nullptr;
  int (*free_)(void*) = nullptr;
  Window (*default_root_window_)(Display*) = nullptr;
  void (*set_io_exit_handler_)(Display*, XIOErrorExitHandler, void*) = nullptr;
  Bool (*ss_query_extension_)(Display*, int*, int*) = nullptr;
  XScreenSaverInfo* (*ss_alloc_)() = nullptr;
  int (*ss_query_)(Display*, Drawable, XScreenSaverInfo*) = nullptr;  // Xlib Status
};

// The agent's own X11 connection first (a root agent with DISPLAY, or `--print` in a desktop
// terminal); without one, the session helpers' files. Unavailable says why for both.
class SessionOrX11Probe : public ForegroundProbe {
 public:
  SessionOrX11Probe(std::string display, std::string session_dir)
      : x11_(std::move(display)), session_dir_(std::move(session_dir)) {}

  ForegroundSample Sample() override {
    ForegroundSample s = x11_.Sample();
    if (s.available) return s;
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    ForegroundSample helper = ReadSessionDir(session_dir_, now);
    if (helper.available) return helper;
    helper.unavailable_reason = s.unavailable_reason + "; " + helper.unavailable_reason;
    return helper;
  }

 private:
  X11Probe x11_;
  std::string session_dir_;
};

}  // namespace

std::unique_ptr<ForegroundProbe> NewForegroundProbe(std::string display, std::string session_dir) {
  if (session_dir.empty()) return std::make_unique<X11Probe>(std::move(display));
  return std::make_unique<SessionOrX11Probe>(std::move(display), std::move(session_dir));
}

}  // namespace wardwatch::agent
