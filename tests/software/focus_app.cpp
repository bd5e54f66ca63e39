// ww_focus_app: an X11 client that plays both an application and its window manager for the
// session helper test: it maps a window carrying its own pid (_NET_WM_PID), names it the
// active window on the root (_NET_ACTIVE_WINDOW), prints "ready" and waits to be killed.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <unistd.h>

#include <cstdio>

int main() {
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) {
    std::fprintf(stderr, "ww_focus_app: cannot open the display\n");
    return 1;
  }
  const Window root = DefaultRootWindow(dpy);
  const Window w = XCreateSimpleWindow(dpy, root, 0, 0, 50, 50, 0, 0, 0);
  XMapWindow(dpy, w);
  const unsigned long pid = static_cast<unsigned long>(::getpid());
  XChangeProperty(dpy, w, XInternAtom(dpy, "_NET_WM_PID", False), XA_CARDINAL, 32, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(&pid), 1);
  XChangeProperty(dpy, root, XInternAtom(dpy, "_NET_ACTIVE_WINDOW", False), XA_WINDOW, 32,
                  PropModeReplace, reinterpret_cast<const unsigned char*>(&w), 1);
  XSync(dpy, False);
  std::printf("ready %lu\n", pid);
  std::fflush(stdout);
  for (;;) ::pause();
}
