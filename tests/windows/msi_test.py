"""The Windows agent's MSI (scripts/build-msi, packaging/windows/wardwatch-agent.wxs) under Wine's
msiexec, against a real Linux collector on 127.0.0.1:

- its tables (msiinfo): the agent, the session helper and the config as files, the helper's
  logon entry (HKLM ...\\CurrentVersion\\Run, WardWatchSession), the WardWatchAgent service
  (automatic start, LocalSystem, started at install, stopped and removed at uninstall), the
  launch condition that asks for COLLECTOR;
- without COLLECTOR the install is refused and nothing is installed;
- with COLLECTOR and ENROLL_TOKEN: the files land in Program Files and ProgramData, the service
  is registered with those options, it runs and its report reaches the collector, the logon
  entry names the installed wardwatch-session.exe, and the running service made its session
  folder (ProgramData\\WardWatch\\sessions);
- uninstall removes the service, the program, the helper, its logon entry and the config, and
  keeps the state folder (machine identity and spool) for a reinstall.

The whole test runs in one Wine session (`wineserver -p`), as on a PC that stays on between
install and uninstall: a new session would auto-start the service again at its start-up.
Windows' msiexec waits for the service to stop before it removes files (ServiceControl Wait=1,
which the package sets and the table check asserts); Wine 8's does not wait (dlls/msi/action.c
stop_service only sends the stop), so under Wine the program file would still be in use when
RemoveFiles runs. The test therefore stops the service with `net stop` (which waits) before
`msiexec /x`, the order Windows' msiexec itself follows.

Usage: msi_test.py BUILD_DIR LINUX_COLLECTOR    (exit 77 = skipped: no wine, wixl or msiinfo)
Uses its own Wine prefix (BUILD_DIR/msi-wineprefix), made afresh each run, so the other Windows
tests are untouched.
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from wwtest import Collector, check, samples, wait_until  # noqa: E402

BUILD, COLLECTOR = (os.path.abspath(a) for a in sys.argv[1:3])
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WINE = shutil.which("wine") or shutil.which("wine64")
PREFIX = os.path.join(BUILD, "msi-wineprefix")
ENV = dict(os.environ, WINEPREFIX=PREFIX, WINEDEBUG="-all")
SERVICE_KEY = r"HKLM\System\CurrentControlSet\Services\WardWatchAgent"
RUN_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Run"


def run(args, timeout=240):
    """Runs a command with its output in files, not pipes: Wine's services outlive the command
    in the persistent session and would hold a pipe open."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        r = subprocess.run(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL, text=True,
                           timeout=timeout, env=ENV)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(args, r.returncode, out.read(), err.read())


def table(msi, name):
    """Rows of one MSI table as dicts (msiinfo export: names, types, table line, rows)."""
    lines = run(["msiinfo", "export", msi, name]).stdout.splitlines()
    cols = lines[0].split("\t")
    return [dict(zip(cols, line.split("\t"))) for line in lines[3:] if line]


def msiexec(*args):
    """Runs Wine's msiexec with a verbose log; returns (exit code, the log's last lines) so a
    failure says which action failed (msiexec itself prints nothing with /qn)."""
    log = drive_c("msiexec.log")  # C:\\msiexec.log: a Unix path would read as an option
    if os.path.exists(log):
        os.remove(log)
    r = run([WINE, "msiexec", *args, "/qn", "/l*v", r"C:\msiexec.log"])
    text = ""
    if os.path.exists(log):
        with open(log, "rb") as f:
            raw = f.read()
        # Wine writes the log as UTF-16 when it starts with a BOM, else as ANSI text.
        text = raw.decode("utf-16", "replace") if raw[:2] == b"\xff\xfe" else raw.decode(
            "latin-1")
        os.remove(log)
    # The property dump at the end says nothing about what failed.
    tail = "\n".join([l for l in text.splitlines() if not l.startswith("Property(")][-40:])
    return r.returncode, "%s\n--- msiexec log, last lines ---\n%s" % (r.stderr[-1500:], tail)


def service_key():
    r = run([WINE, "reg", "query", SERVICE_KEY])
    return r.stdout if r.returncode == 0 else ""


def run_value():
    r = run([WINE, "reg", "query", RUN_KEY, "/v", "WardWatchSession"])
    return r.stdout if r.returncode == 0 else ""


def drive_c(*parts):
    return os.path.join(PREFIX, "drive_c", *parts)


def main():
    if not WINE or not shutil.which("wixl") or not shutil.which("msiinfo"):
        print("wine, wixl or msiinfo missing (scripts/bootstrap --windows): skipped")
        return 77
    r = subprocess.run([os.path.join(ROOT, "scripts", "build-msi"), BUILD], capture_output=True,
                       text=True, timeout=300)
    check(r.returncode == 0, "scripts/build-msi: %s" % r.stderr[-2000:])
    msi = r.stdout.strip().splitlines()[-1]
    print("built", msi, os.path.getsize(msi), "bytes")

    files = {row["FileName"].split("|")[-1] for row in table(msi, "File")}
    check(files == {"wardwatch-agent.exe", "wardwatch-session.exe", "agent.conf"},
          "MSI files: %s" % sorted(files))
    reg = [row for row in table(msi, "Registry") if row["Name"] == "WardWatchSession"]
    check(len(reg) == 1 and reg[0]["Root"] == "2" and
          reg[0]["Key"] == r"Software\Microsoft\Windows\CurrentVersion\Run" and
          reg[0]["Value"] == '"[INSTALLDIR]wardwatch-session.exe"',
          "the helper's logon entry (HKLM Run): %s" % reg)
    svc = table(msi, "ServiceInstall")
    check(len(svc) == 1 and svc[0]["Name"] == "WardWatchAgent" and svc[0]["StartType"] == "2"
          and svc[0]["StartName"] == "LocalSystem", "ServiceInstall: %s" % svc)
    for opt in ("--service", "--collector \"[COLLECTOR]\"", "--enroll-token \"[ENROLL_TOKEN]\"",
                "--state-dir \"[CommonAppDataFolder]WardWatch\\state\""):
        check(opt in svc[0]["Arguments"], "service arguments carry %s" % opt)
    ctl = table(msi, "ServiceControl")
    # msidbServiceControlEvent: 1 start at install, 2 stop at install, 32 stop at uninstall,
    # 128 delete at uninstall.
    check(len(ctl) == 1 and int(ctl[0]["Event"]) == 1 | 2 | 32 | 128,
          "ServiceControl events: %s" % ctl)
    check(ctl[0]["Wait"] == "1", "msiexec waits for the service to start and stop: %s" % ctl)
    cond = [row["Condition"] for row in table(msi, "LaunchCondition")]
    check("Installed OR COLLECTOR" in cond, "launch condition asks for COLLECTOR: %s" % cond)

    # A fresh prefix each run (about 10 s): nothing left from an earlier run can pass or fail it.
    run(["wineserver", "-k"], timeout=60)
    shutil.rmtree(PREFIX, ignore_errors=True)
    run(["wineboot", "-i"], timeout=300)
    run(["wineserver", "-w"], timeout=300)  # the prefix's first start finished
    run(["wineserver", "-p"], timeout=60)  # one session until the end (see above)
    atexit.register(lambda: run(["wineserver", "-k"], timeout=60))

    # No COLLECTOR: refused (1603, fatal error), nothing installed.
    rc, log = msiexec("/i", msi)
    check(rc != 0, "install without COLLECTOR refused (exit %d)%s" % (rc, log))
    check(not os.path.exists(drive_c("Program Files", "WardWatch", "wardwatch-agent.exe")),
          "nothing installed without COLLECTOR")
    check(service_key() == "", "no service registered without COLLECTOR")

    c = Collector(COLLECTOR).start()
    try:
        rc, log = msiexec("/i", msi, "COLLECTOR=" + c.url, "ENROLL_TOKEN=" + c.enroll_token,
                          "INTERVAL=5")
        check(rc == 0, "install exit %d: %s" % (rc, log))
        check(os.path.isfile(drive_c("Program Files", "WardWatch", "wardwatch-agent.exe")),
              "wardwatch-agent.exe in Program Files\\WardWatch")
        check(os.path.isfile(drive_c("ProgramData", "WardWatch", "agent.conf")),
              "agent.conf in ProgramData\\WardWatch")
        key = service_key()
        check("wardwatch-agent.exe" in key and "--collector \"%s\"" % c.url in key and
              "LocalSystem" in key, "service WardWatchAgent registered:\n%s" % key)
        # Wine starts services lazily; `net start` is a no-op when msiexec already did.
        run([WINE, "net", "start", "WardWatchAgent"], timeout=120)
        wait_until(lambda: samples(c.metrics(), "node_os_info", id="windows"), timeout=120,
                   step=1, what="the MSI-installed service's report on /metrics")
        print("ok   the service's report reached the collector")
        entry = run_value()
        check("wardwatch-session.exe" in entry and "Program Files" in entry,
              "logon entry WardWatchSession names the installed helper:\n%s" % entry)
        check(os.path.isfile(drive_c("Program Files", "WardWatch", "wardwatch-session.exe")),
              "wardwatch-session.exe in Program Files\\WardWatch")
        check(os.path.isdir(drive_c("ProgramData", "WardWatch", "sessions")),
              "the service made its session folder ProgramData\\WardWatch\\sessions")
        state = drive_c("ProgramData", "WardWatch", "state")

        # What Windows' msiexec does itself with Wait=1 and Wine's does not (see above).
        r = run([WINE, "net", "stop", "WardWatchAgent"], timeout=120)
        check(r.returncode == 0, "net stop WardWatchAgent: %s %s" % (r.stdout, r.stderr[-500:]))
        rc, log = msiexec("/x", msi)
        check(rc == 0, "uninstall exit %d: %s" % (rc, log))
        check(service_key() == "", "uninstall removed the service:\n%s\n%s" % (service_key(), log))
        check(not os.path.exists(drive_c("Program Files", "WardWatch", "wardwatch-agent.exe")),
              "uninstall removed the program")
        check(not os.path.exists(drive_c("ProgramData", "WardWatch", "agent.conf")),
              "uninstall removed the config it installed")
        check(not os.path.exists(drive_c("Program Files", "WardWatch", "wardwatch-session.exe")),
              "uninstall removed the session helper")
        check(run_value() == "", "uninstall removed the helper's logon entry")
        check(os.path.isdir(state) and os.listdir(state),
              "the state folder (identity, spool) is kept: %s" % (os.listdir(state)
                                                                  if os.path.isdir(state) else None))
    finally:
        c.stop()
    print("msi_test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
