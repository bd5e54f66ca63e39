#!/usr/bin/env python3
"""The packaged agent's foreground time, end to end with real processes and users.

As the unit and the XDG autostart entry arrange it on an office PC:
  - a session folder owned by the agent's user, mode 1733 (RuntimeDirectory of the unit);
  - an X server (Xvfb, with an MIT cookie) belonging to the desktop user `daemon`;
  - in that session, ww_focus_app (a window with _NET_WM_PID, made the active window) and
    wardwatch-session, both as `daemon`;
  - wardwatch-agent --print as `nobody`, with DISPLAY pointing at the server but no cookie (it
    cannot open the display, as the real service cannot), reading the helper's file.
Checked: the agent cannot use X11 itself; while xdotool moves the mouse the focused
application ww_focus_app gets foreground seconds and the reported idle time is small; once the
mouse stops, the idle time grows; when the helper stops, its file goes and the agent says
there is no helper file; a file of `daemon` named after another uid is removed by the agent.

Usage: session_helper_test.py WARDWATCH_AGENT WARDWATCH_SESSION WW_FOCUS_APP
Exits 77 (skipped) when not root or without Xvfb, xauth or xdotool.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HELPER_USER = ("daemon", 1, 1)
AGENT_USER = ("nobody", 65534, 65534)
FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def as_user(user, argv):
    _, uid, gid = user
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"] + argv


class Reports:
    """Reads the pretty-printed JSON reports an agent --print writes, one after another."""

    def __init__(self, stream):
        self.items, self.cond = [], threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        decoder, buf = json.JSONDecoder(), ""
        for line in stream:
            buf += line
            try:
                obj, end = decoder.raw_decode(buf.strip())
            except ValueError:
                continue
            buf = ""
            with self.cond:
                self.items.append(obj)
                self.cond.notify_all()

    def next_after(self, count, timeout=30):
        deadline = time.time() + timeout
        with self.cond:
            while len(self.items) <= count:
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(f"no report #{count + 1} within {timeout} s")
                self.cond.wait(left)
            return self.items[count]


def software(report):
    return report.get("software", {})


def app(report, name):
    for a in software(report).get("apps", []):
        if a["app"] == name:
            return a
    return None


def main():
    agent, helper, focus_app = sys.argv[1:4]
    if os.geteuid() != 0:
        print("skipped: needs root (the helper and the agent run as two other users)")
        return 77
    for tool in ("Xvfb", "xauth", "xdotool", "setpriv"):
        if not shutil.which(tool):
            print(f"skipped: {tool} not installed")
            return 77
    work = tempfile.mkdtemp(prefix="ww-session-e2e-")
    os.chmod(work, 0o755)
    procs = []
    try:
        session_dir = os.path.join(work, "run")
        os.mkdir(session_dir)
        os.chown(session_dir, AGENT_USER[1], AGENT_USER[2])
        os.chmod(session_dir, 0o1733)
        state_dir = os.path.join(work, "state")
        os.mkdir(state_dir, 0o700)
        os.chown(state_dir, AGENT_USER[1], AGENT_USER[2])
        # The helper user's X server and cookie.
        cookie = os.path.join(work, "Xauthority")
        display_no = 70 + os.getpid() % 20
        display = f":{display_no}"
        mcookie = os.urandom(16).hex()
        subprocess.run(["xauth", "-q", "-f", cookie, "add", display, ".", mcookie], check=True,
                       stderr=subprocess.DEVNULL)
        os.chown(cookie, HELPER_USER[1], HELPER_USER[2])
        os.chmod(cookie, 0o600)
        rfd, wfd = os.pipe()  # Xvfb writes its display number there once it accepts clients
        xvfb = subprocess.Popen(as_user(HELPER_USER, ["Xvfb", display, "-auth", cookie,
                                                       "-displayfd", str(wfd), "-nolisten", "tcp",
                                                       "-screen", "0", "320x240x24"]),
                                pass_fds=(wfd,), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        procs.append(xvfb)
        os.close(wfd)
        with os.fdopen(rfd) as f:
            number = f.readline().strip()
        check(number == str(display_no), f"Xvfb accepts clients on {display} ({number!r})")
        session_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DISPLAY": display,
                       "XAUTHORITY": cookie}
        focus = subprocess.Popen(as_user(HELPER_USER, [focus_app]), env=session_env,
                                 stdout=subprocess.PIPE, text=True)
        procs.append(focus)
        ready = focus.stdout.readline().split()
        check(ready[:1] == ["ready"], f"ww_focus_app has the focus ({ready})")
        session = subprocess.Popen(as_user(HELPER_USER, [helper, "--dir", session_dir,
                                                         "--interval", "1"]),
                                   env=session_env, stderr=subprocess.PIPE, text=True)
        procs.append(session)
        helper_file = os.path.join(session_dir, str(HELPER_USER[1]))
        for _ in range(100):
            if os.path.exists(helper_file):
                break
            time.sleep(0.1)
        check(os.path.exists(helper_file), f"wardwatch-session wrote {helper_file}")
        st = os.lstat(helper_file)
        check(st.st_uid == HELPER_USER[1] and (st.st_mode & 0o7777) == 0o644,
              f"the file is the helper user's, mode 0644 (uid {st.st_uid}, {oct(st.st_mode)})")
        with open(helper_file) as f:
            text = f.read()
        check(text.startswith("wardwatch-session 1\n") and f"pid {ready[1]}\n" in text,
              f"the file names the focused pid and nothing else: {text!r}")

        # Another user's file under someone else's uid: the agent (folder owner) removes it.
        squat = os.path.join(session_dir, "4000000000")
        subprocess.run(as_user(HELPER_USER, ["sh", "-c", f"echo junk > {squat}"]), check=True)

        # Input while the agent measures: the mouse moves every 0.3 s.
        moving = threading.Event()
        moving.set()

        def mouse():
            x = 0
            while moving.is_set():
                x = (x + 7) % 200
                subprocess.run(as_user(HELPER_USER, ["xdotool", "mousemove", str(x + 10), "20"]),
                               env=session_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                time.sleep(0.3)
        mover = threading.Thread(target=mouse, daemon=True)
        mover.start()

        agent_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DISPLAY": display}
        agent_proc = subprocess.Popen(
            as_user(AGENT_USER, [agent, "--print", "--interval", "3", "--apps-sample-interval",
                                 "1", "--session-dir", session_dir, "--state-dir", state_dir,
                                 "--office-hours", "Mon-Sun 00:00-24:00"]),
            env=agent_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(agent_proc)
        reports = Reports(agent_proc.stdout)
        first = reports.next_after(0)
        check(software(first).get("foreground_available") is True,
              f"the agent (nobody, no cookie) uses the helper's file: "
              f"{software(first).get('foreground_unavailable_reason', '')!r}")
        second = reports.next_after(1)
        sw = software(second)
        fa = app(second, "ww_focus_app")
        interval = sw.get("interval_seconds", 0)
        check(fa is not None and fa["foreground_seconds"] >= 0.5 * interval > 0,
              f"ww_focus_app gets foreground time while the mouse moves "
              f"({fa and fa['foreground_seconds']} s of {interval} s)")
        check(fa is not None
              and abs(fa["office_foreground_seconds"] - fa["foreground_seconds"]) < 0.01,
              f"all of it in office hours (Mon-Sun 00:00-24:00): "
              f"{fa and fa['office_foreground_seconds']} s")
        idle = sw.get("user_idle_seconds")
        check(idle is not None and idle < 2, f"idle time small while the mouse moves ({idle} s)")
        check(not os.path.exists(squat), "the agent removed a file named after another uid")

        moving.clear()
        mover.join()
        # Reports already printed were measured while the mouse moved: look only at later ones.
        stopped = len(reports.items)
        still, idles = None, []
        for n in range(stopped, stopped + 8):
            r = reports.next_after(n)
            idle = software(r).get("user_idle_seconds")
            idles.append(idle)
            if idle is not None and idle >= 3:
                still = r
                break
        check(still is not None, f"idle time grows once the mouse stops ({idles} s)")
        if still is not None:
            fa = app(still, "ww_focus_app")
            check(fa is None or fa["foreground_seconds"] < software(still)["interval_seconds"],
                  f"less foreground time than the interval when idle "
                  f"({fa and fa['foreground_seconds']} s)")

        # The helper stops: its file goes and the agent says why foreground is unavailable.
        session.send_signal(signal.SIGTERM)
        session.wait(timeout=10)
        check(not os.path.exists(helper_file), "the helper removed its file when stopped")
        count = len(reports.items)
        gone = reports.next_after(count + 1)
        reason = software(gone).get("foreground_unavailable_reason", "")
        check(software(gone).get("foreground_available") is False
              and "cannot open X11 display" in reason and "no session helper file" in reason,
              f"without the helper: unavailable, saying why ({reason!r})")
        stderr = session.stderr.read()
        check(stderr == "", f"the helper logged nothing ({stderr!r})")
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
