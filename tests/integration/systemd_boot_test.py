"""The .deb packages under a real systemd: both units start with all their hardening, the
agent enrolls and reports, systemd restarts a SIGKILLed agent, and the machine's identity and
sequence survive a collector restart and a reboot.

    systemd_boot_test.py BUILD_DIR [--cache DIR]

This machine has no systemd as PID 1, so the test boots one: a minimal Debian 12 tree made by
debootstrap (cached as a tarball in --cache, default BUILD_DIR/systemd-boot-cache), with the
packages that `cpack -G DEB` makes in BUILD_DIR installed by apt, booted by `systemd-nspawn -b
--private-network` (the container sees only its own loopback). A oneshot unit inside runs the
checks and powers the container off; the test reads what it wrote. Two boots: the second shows
that enrollment and sequence numbers persisted.

Needs root, systemd-nspawn (Debian systemd-container), debootstrap and Debian's package mirror
for the first run (the tree and the packages' dependencies). Exit 77 (skipped) when any is
missing. About 3 minutes with a warm cache; labelled "long".
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

SKIP = 77
MIRROR = "http://deb.debian.org/debian"
BASE_PACKAGES = "systemd,systemd-sysv,dbus,curl,sqlite3,procps,ca-certificates"
TOKEN = "systemd-boot-test-token"

# Runs inside the container at each boot, after both services started; one key=value per
# line into /var/log/ww-check-N.txt, then power off.
CHECK_SCRIPT = r"""#!/bin/sh
mkdir -p /var/lib/ww-check
n=1; [ -e /var/lib/ww-check/boot1 ] && n=2
out=/var/log/ww-check-$n.txt
exec > "$out" 2>&1
db=/var/lib/wardwatch-collector/wardwatch.db
# Read-only: a plain sqlite3 would create an empty root-owned database before the collector.
q() { sqlite3 -readonly "$db" "$1"; }
reports() { q 'select count(*) from reports'; }
i=0; while [ $i -lt 60 ]; do curl -sf http://127.0.0.1:9477/healthz >/dev/null && break; sleep 1; i=$((i+1)); done
# Wait (up to 60 s) for the agent's second report of this boot.
start=$(reports 2>/dev/null || echo 0)
i=0; while [ $i -lt 60 ]; do c=$(reports 2>/dev/null || echo 0); [ "$c" -ge $((start + 2)) ] && break; sleep 1; i=$((i+1)); done
echo "boot=$n"
echo "collector_active=$(systemctl is-active wardwatch-collector)"
echo "agent_active=$(systemctl is-active wardwatch-agent)"
echo "agent_user=$(ps -o user= -p "$(systemctl show -p MainPID --value wardwatch-agent)")"
echo "collector_user=$(ps -o user= -p "$(systemctl show -p MainPID --value wardwatch-collector)")"
echo "agent_state=$(stat -c '%U:%a' /var/lib/wardwatch-agent)"
echo "agent_run=$(stat -c '%U:%a' /run/wardwatch-agent)"
# A desktop user's helper (here nobody, without a display) may write its file but not list.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
as_nobody /usr/bin/wardwatch-session --once 2>/dev/null && echo "helper_write=ok" || echo "helper_write=fail"
echo "helper_file=$(stat -c '%U:%a' /run/wardwatch-agent/65534 2>/dev/null)"
as_nobody ls /run/wardwatch-agent >/dev/null 2>&1 && echo "helper_list=yes" || echo "helper_list=no"
echo "collector_state=$(stat -c '%U:%a' /var/lib/wardwatch-collector)"
echo "machines=$(q 'select count(*) from machines')"
echo "reports=$(reports)"
echo "seq_max=$(q 'select max(sequence) from reports')"
echo "sent_metric=$(curl -s http://127.0.0.1:9477/metrics | grep -c '^wardwatch_agent_reports_sent_total{')"
if [ $n = 1 ]; then
  pid=$(systemctl show -p MainPID --value wardwatch-agent)
  kill -9 "$pid"
  i=0; while [ $i -lt 40 ]; do
    new=$(systemctl show -p MainPID --value wardwatch-agent)
    [ "$new" != 0 ] && [ "$new" != "$pid" ] && [ "$(systemctl is-active wardwatch-agent)" = active ] && break
    sleep 1; i=$((i+1)); done
  echo "agent_restarts=$(systemctl show -p NRestarts --value wardwatch-agent)"
  echo "agent_pid_changed=$([ "$new" != "$pid" ] && echo yes || echo no)"
  before=$(reports)
  systemctl restart wardwatch-collector
  i=0; while [ $i -lt 60 ]; do [ "$(reports)" -gt "$before" ] && break; sleep 1; i=$((i+1)); done
  echo "reports_after_collector_restart=$(reports)"
  echo "reports_before_collector_restart=$before"
  touch /var/lib/ww-check/boot1
fi
echo "journal_denied=$(journalctl -u wardwatch-agent -u wardwatch-collector --no-pager | grep -ciE 'permission denied|read-only file system|operation not permitted|bad system call')"
journalctl -u wardwatch-agent -u wardwatch-collector --no-pager | tail -30 | sed 's/^/journal: /'
echo "done=1"
systemctl poweroff
"""

CHECK_UNIT = """[Unit]
Description=WardWatch systemd boot test checks
After=wardwatch-collector.service wardwatch-agent.service
[Service]
Type=oneshot
TimeoutStartSec=infinity
ExecStart=/usr/local/sbin/ww-check.sh
[Install]
WantedBy=multi-user.target
"""

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run(args, timeout, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args[:3])}... failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return p


def nspawn(root, *cmd, timeout=300):
    return run(["systemd-nspawn", "-D", root, "--register=no", "--keep-unit", "-q", *cmd],
               timeout=timeout)


def base_tarball(cache):
    tar = os.path.join(cache, "bookworm-minbase-systemd.tar")
    if os.path.exists(tar):
        return tar
    os.makedirs(cache, exist_ok=True)
    tree = tempfile.mkdtemp(prefix="ww-debootstrap-", dir=cache)
    print(f"debootstrap into {tree} (first run only)", flush=True)
    run(["debootstrap", "--variant=minbase", "--include=" + BASE_PACKAGES, "bookworm", tree,
         MIRROR], timeout=900)
    run(["tar", "-C", tree, "-cf", tar + ".part", "."], timeout=300)
    os.replace(tar + ".part", tar)
    shutil.rmtree(tree)
    return tar


def parse(path):
    values = {}
    if not os.path.exists(path):
        return values
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("journal: "):
                print("  " + line)
            elif "=" in line:
                k, v = line.split("=", 1)
                values[k] = v
    return values


def boot(root, n):
    console = os.path.join(root, "..", f"console-{n}.log")
    with open(console, "w") as log:
        p = subprocess.Popen(["systemd-nspawn", "-D", root, "-b", "--private-network",
                              "--register=no", "--keep-unit", "-q"],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            p.wait(timeout=240)
        except subprocess.TimeoutExpired:
            # SIGTERM asks nspawn to halt the container; a second one terminates it at once.
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.terminate()
                p.wait(timeout=30)
    values = parse(os.path.join(root, f"var/log/ww-check-{n}.txt"))
    if values.get("done") != "1":
        with open(console, errors="replace") as f:
            print(f.read()[-4000:])
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--cache")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (debootstrap, systemd-nspawn): skipped")
        return SKIP
    for tool in ("systemd-nspawn", "debootstrap", "cpack", "tar"):
        if not shutil.which(tool):
            print(f"{tool} missing (apt-get install systemd-container debootstrap): skipped")
            return SKIP
    cache = a.cache or os.path.join(a.build_dir, "systemd-boot-cache")
    tar = base_tarball(cache)
    work = tempfile.mkdtemp(prefix="ww-systemd-boot-", dir=cache)
    try:
        root = os.path.join(work, "root")
        os.makedirs(root)
        run(["tar", "-C", root, "-xf", tar], timeout=300)
        os.chmod(root, 0o755)  # the tarball's "." may carry a temporary folder's 0700
        debs = os.path.join(root, "opt/debs")
        os.makedirs(debs)
        run(["cpack", "-G", "DEB", "-B", os.path.join(work, "cpack")], timeout=600,
            cwd=a.build_dir)
        for d in glob.glob(os.path.join(work, "cpack", "*.deb")):
            shutil.copy(d, debs)
        names = sorted(os.listdir(debs))
        check(any(n.startswith("wardwatch-agent_") for n in names) and
              any(n.startswith("wardwatch-collector_") for n in names),
              f"cpack made both packages ({names})")
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
        with open(os.path.join(root, "etc/hostname"), "w") as f:
            f.write("ww-boot-test\n")
        # apt inside the tree: the packages' own Depends decide what else comes.
        nspawn(root, "sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
               "apt-get install -y -qq " + " ".join("/opt/debs/" + n for n in names),
               timeout=900)
        conf = os.path.join(root, "etc/wardwatch")
        with open(os.path.join(conf, "collector.conf"), "a") as f:
            f.write(f"\nenroll-token = {TOKEN}\n")
        with open(os.path.join(conf, "agent.conf"), "a") as f:
            f.write(f"\ncollector = http://127.0.0.1:9477\nenroll-token = {TOKEN}\n"
                    "interval = 5\n")
        with open(os.path.join(root, "usr/local/sbin/ww-check.sh"), "w") as f:
            f.write(CHECK_SCRIPT)
        os.chmod(os.path.join(root, "usr/local/sbin/ww-check.sh"), 0o755)
        with open(os.path.join(root, "etc/systemd/system/ww-check.service"), "w") as f:
            f.write(CHECK_UNIT)
        # As the package's postinst says: the administrator enables the services.
        nspawn(root, "systemctl", "enable", "wardwatch-collector", "wardwatch-agent",
               "ww-check")

        first = boot(root, 1)
        check(first.get("done") == "1", "boot 1: the checks ran and the container powered off")
        check(first.get("collector_active") == "active", "boot 1: wardwatch-collector active")
        check(first.get("agent_active") == "active", "boot 1: wardwatch-agent active")
        check(first.get("agent_user") == "wardwatch-agent", "agent runs as wardwatch-agent "
              f"({first.get('agent_user')})")
        check(first.get("collector_user") == "wardwatch-collector",
              f"collector runs as wardwatch-collector ({first.get('collector_user')})")
        check(first.get("agent_state") == "wardwatch-agent:700",
              f"StateDirectory of the agent owned and 0700 ({first.get('agent_state')})")
        check(first.get("agent_run") == "wardwatch-agent:1733",
              f"RuntimeDirectory for the session helpers owned and 1733 "
              f"({first.get('agent_run')})")
        check(first.get("helper_write") == "ok" and first.get("helper_file") == "nobody:644",
              f"a user's wardwatch-session writes its file there ({first.get('helper_write')}, "
              f"{first.get('helper_file')})")
        check(first.get("helper_list") == "no", "a user cannot list the helpers' folder")
        check(first.get("collector_state") == "wardwatch-collector:700",
              f"StateDirectory of the collector owned and 0700 ({first.get('collector_state')})")
        check(first.get("machines") == "1", "the agent enrolled once")
        check(int(first.get("reports", "0")) >= 2, f"reports stored ({first.get('reports')})")
        check(first.get("sent_metric") == "1", "wardwatch_agent_reports_sent_total on /metrics")
        check(first.get("agent_restarts") == "1" and first.get("agent_pid_changed") == "yes",
              "systemd restarted the SIGKILLed agent (Restart=on-failure)")
        check(int(first.get("reports_after_collector_restart", "0")) >
              int(first.get("reports_before_collector_restart", "0")),
              "reports continue after `systemctl restart wardwatch-collector`")
        check(first.get("journal_denied") == "0",
              "no 'permission denied'/'read-only'/'bad system call' in the services' journal "
              "(the hardening leaves them what they need)")

        second = boot(root, 2)
        check(second.get("done") == "1", "boot 2: the checks ran")
        check(second.get("agent_active") == "active" and
              second.get("collector_active") == "active", "boot 2: both services active")
        check(second.get("machines") == "1", "boot 2: no second enrollment (identity persisted)")
        check(int(second.get("seq_max", "0")) > int(first.get("seq_max", "0")),
              f"boot 2: sequence continues ({first.get('seq_max')} -> {second.get('seq_max')})")
        check(second.get("journal_denied") == "0", "boot 2: nothing denied in the journal")
    finally:
        if os.environ.get("WW_KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
