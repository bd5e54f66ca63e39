"""wardwatch-session.exe under Wine with a real X display (Xvfb): a Windows program with a
window (Wine's notepad) is in the foreground, the helper writes its file, and the agent's
reader (session_file_windows.cpp, run from windows_agent_test.exe) accepts that file and finds
the pid to be notepad.exe in its own process snapshot. The mouse is moved over the window with
xdotool first, so the idle time in the file is that of real (synthetic) input; 3 s later, with
no input, the idle time has grown.

Usage: session_e2e_test.py WINDOWS_AGENT_TEST_EXE SESSION_EXE
Exit 77 = skipped (no wine, Xvfb or xdotool). Runs in the tests' Wine prefix ($WINEPREFIX) and
stops its wineserver before and after, so that Wine's desktop belongs to this test's display.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TEST_EXE, SESSION_EXE = (os.path.abspath(a) for a in sys.argv[1:3])
WINE = shutil.which("wine") or shutil.which("wine64")
PREFIX = os.environ.get("WINEPREFIX", os.path.expanduser("~/.wine"))
DIR_WIN = r"C:\ww-session-e2e"
DIR_UNIX = os.path.join(PREFIX, "drive_c", "ww-session-e2e")


def check(cond, what):
    if not cond:
        print("FAIL", what)
        sys.exit(1)
    print("ok  ", what.splitlines()[0][:200])


def free_display():
    for n in range(91, 140):
        if not os.path.exists("/tmp/.X11-unix/X%d" % n) and not os.path.exists("/tmp/.X%d-lock" % n):
            return ":%d" % n
    raise RuntimeError("no free X display number")


def run(args, env, timeout=120):
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        r = subprocess.run(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, text=True,
                           timeout=timeout, env=env)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, r.returncode, out.read(), err.read())


def main():
    if not WINE or not shutil.which("Xvfb") or not shutil.which("xdotool"):
        print("wine, Xvfb or xdotool missing: skipped")
        return 77
    display = free_display()
    env = dict(os.environ, DISPLAY=display, WINEDEBUG="-all", WINEPREFIX=PREFIX)
    env.pop("WAYLAND_DISPLAY", None)
    run(["wineserver", "-k"], env, timeout=60)  # Wine's desktop must be on this display
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    notepad = None
    try:
        for _ in range(100):
            if os.path.exists("/tmp/.X11-unix/X%s" % display[1:]):
                break
            time.sleep(0.1)
        shutil.rmtree(DIR_UNIX, ignore_errors=True)
        os.makedirs(DIR_UNIX)  # the service makes it with its ACL; Wine enforces none anyway

        notepad = subprocess.Popen([WINE, "notepad"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        window = ""
        deadline = time.time() + 120
        while time.time() < deadline and not window:
            r = run(["xdotool", "search", "--onlyvisible", "--name", "Notepad"], env, timeout=30)
            window = r.stdout.split()[0] if r.stdout.split() else ""
            if not window:
                time.sleep(0.5)
        check(window != "", "Wine's notepad has a window on %s" % display)
        # Focus and input as a user would give them: Wine makes the focused X window its
        # foreground window and counts the pointer motion as input (GetLastInputInfo).
        run(["xdotool", "windowfocus", "--sync", window], env, timeout=30)
        run(["xdotool", "mousemove", "--window", window, "50", "50"], env, timeout=30)
        run(["xdotool", "mousemove", "--window", window, "80", "60"], env, timeout=30)

        r = run([WINE, SESSION_EXE, "--once", "--dir", DIR_WIN], env)
        names = [n for n in os.listdir(DIR_UNIX) if not n.startswith(".")]
        check(r.returncode == 0 and len(names) == 1,
              "wardwatch-session.exe --once wrote one file (exit %d, files %s): %s" %
              (r.returncode, os.listdir(DIR_UNIX), r.stderr[-1000:]))
        check(re.fullmatch(r"S-1-5-21(-\d+)+", names[0]) is not None,
              "the file is named after the user's SID: %s" % names[0])
        with open(os.path.join(DIR_UNIX, names[0])) as f:
            text = f.read()
        print(text, end="")
        m = re.fullmatch(r"wardwatch-session 1\ntime \d+\npid (\d+|-)\nidle_ms (\d+|-)\n", text)
        check(m is not None, "the file has the helper's four lines")
        check(m.group(1) != "-", "the helper saw a foreground window's process")
        check(m.group(2) != "-" and int(m.group(2)) < 60000,
              "the helper read the idle time (%s ms)" % m.group(2))
        check(not [n for n in os.listdir(DIR_UNIX) if n.startswith(".")],
              "no temporary file left behind")

        # No input for 3 s: the idle time grows; the file is replaced in place.
        time.sleep(3)
        r = run([WINE, SESSION_EXE, "--once", "--dir", DIR_WIN], env)
        with open(os.path.join(DIR_UNIX, names[0])) as f:
            again = re.fullmatch(r"wardwatch-session 1\ntime \d+\npid (\d+|-)\nidle_ms (\d+|-)\n",
                                 f.read())
        check(r.returncode == 0 and again is not None and again.group(1) == m.group(1) and
              again.group(2) != "-" and int(again.group(2)) >= 2500,
              "3 s without input: same pid, idle %s ms" % (again.group(2) if again else None))

        # The agent's reader on that file: owner, size, format, freshness; the pid is notepad's
        # in the agent's own process snapshot.
        r = run([WINE, TEST_EXE, "-tc=*wardwatch-session.exe wrote*", "-s"],
                dict(env, WARDWATCH_SESSION_E2E_DIR=DIR_WIN,
                     WARDWATCH_SESSION_E2E_EXE="notepad.exe"), timeout=180)
        print(r.stdout[-1500:])
        check(r.returncode == 0 and "1 passed" in r.stdout,
              "the agent's reader accepts the file and names notepad.exe: %s" % r.stderr[-800:])
    finally:
        run(["wineserver", "-k"], env, timeout=60)
        if notepad:
            try:
                notepad.wait(timeout=30)
            except subprocess.TimeoutExpired:
                notepad.kill()
        xvfb.terminate()
        xvfb.wait(timeout=30)
        shutil.rmtree(DIR_UNIX, ignore_errors=True)
    print("session_e2e_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
