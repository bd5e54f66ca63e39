#!/usr/bin/env python3
"""Runs wardwatch-agent as `nobody` (setpriv) for three intervals on the live machine and on
a copy of the old desktop whose SMBIOS table and DMI serial are root-only, as on a real PC: the
agent keeps running, no hardware collector fails, and the missing privilege is said once, not
every interval. Then as `nobody` with CAP_DAC_READ_SEARCH, the packaged service's drop-in
(docs/delivery.md): the root-only files are read and nothing needs privilege.

Usage: agent_nobody_test.py AGENT MACHINES_DIR   (skips with code 77 when not root)
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from wwtest import json_stream  # noqa: E402

HARDWARE_COLLECTORS = ["disks", "smart", "diskstats", "pressure", "vmstat", "loadavg",
                       "cpuinfo", "memory_modules", "hwmon", "thermal", "battery", "chassis"]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def run_as_nobody(agent, args, seconds, caps=()):
    # Files, not pipes: a report can be larger than a pipe buffer, and nobody reads the pipe
    # while we sleep.
    ambient = []
    if caps:
        c = ",".join("+" + x for x in caps)
        ambient = ["--inh-caps=" + c, "--ambient-caps=" + c]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(NOBODY + ambient + [agent, "--print", "--interval", "1"] + args,
                             stdout=out, stderr=err, text=True)
        time.sleep(seconds)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read(), err.read()


def check(name, rc, out, err, expect_privilege, more=None):
    """expect_privilege: the signals that must be named (once on stderr, in every report)."""
    problems = []
    reps = json_stream(out)
    if len(reps) < 2:
        problems.append("expected at least 2 reports, got %d (rc %d, stderr %s)" %
                        (len(reps), rc, err))
    for r in reps:
        for c in r.get("collectors", []):
            if c["name"] in HARDWARE_COLLECTORS and not c["success"]:
                problems.append("collector %s failed: %s" % (c["name"], c.get("error")))
    said = [l for l in err.splitlines() if "without root these signals" in l]
    if expect_privilege:
        if len(said) != 1:
            problems.append("privilege note said %d times, want once: %r" % (len(said), said))
        for signal in expect_privilege:
            if said and signal not in said[0].split():
                problems.append("privilege note does not name %s: %s" % (signal, said[0]))
            for r in reps:
                if signal not in r.get("hardware", {}).get("needs_privilege", []):
                    problems.append("report without needs_privilege %s" % signal)
    elif expect_privilege is not None:  # [] : nothing may be said to need privilege
        if said:
            problems.append("privilege note said although nothing needs it: %r" % said)
        for r in reps:
            if r.get("hardware", {}).get("needs_privilege"):
                problems.append("needs_privilege %s" % r["hardware"]["needs_privilege"])
    if more:
        problems += more(reps)
    for p in problems:
        print("FAIL %s: %s" % (name, p))
    if not problems:
        print("ok %s: %d reports; stderr: %s" % (name, len(reps), " | ".join(said) or "-"))
    return not problems


def live_smart_denied(agent, tmp):
    """The real smartctl on this machine's disks as nobody. `-d sat` makes smartctl open the
    device even where it cannot tell the type (a VM's virtio disk), as it does for every SATA
    disk: nobody may not, and the agent must say so once, as "smart", and fail nothing."""
    smartctl = shutil.which("smartctl") or shutil.which("smartctl", path="/usr/sbin:/sbin")
    if not smartctl:
        print("skip live smartctl as nobody: smartctl not installed")
        return True
    wrapper = os.path.join(tmp, "smartctl-sat")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nexec %s -d sat "$@"\n' % smartctl)
    os.chmod(wrapper, 0o755)
    rc, out, err = run_as_nobody(agent, ["--state-dir", os.path.join(tmp, "state4"),
                                         "--smartctl", wrapper], 3.5)
    reps = json_stream(out)
    disks = [d["name"] for d in (reps[0].get("hardware", {}).get("disks", []) if reps else [])]
    closed = [d for d in disks if os.path.exists("/dev/" + d) and
              not os.stat("/dev/" + d).st_mode & 0o004]
    if not closed:
        print("skip live smartctl as nobody: no disk device that nobody cannot open (%s)" % disks)
        return True
    return check("live machine as nobody, smartctl opening %s" % closed, rc, out, err, ["smart"])


def main():
    agent, machines = sys.argv[1:3]
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        print("skip: needs root and setpriv to become nobody")
        return 77
    ok = True
    tmp = tempfile.mkdtemp(prefix="wardwatch-nobody-")
    try:
        os.chmod(tmp, 0o755)
        root = os.path.join(tmp, "old-desktop-hdd")
        shutil.copytree(os.path.join(machines, "old-desktop-hdd"), root)
        os.chmod(os.path.join(root, "sys/firmware/dmi/tables/DMI"), 0o400)
        os.chmod(os.path.join(root, "sys/class/dmi/id/product_serial"), 0o400)
        fixture_args = [
            "--path.procfs", os.path.join(root, "proc"),
            "--path.sysfs", os.path.join(root, "sys"),
            "--path.rootfs", os.path.join(root, "rootfs"),
            "--smartctl-fixtures", os.path.join(root, "smartctl")]
        rc, out, err = run_as_nobody(
            agent, ["--state-dir", os.path.join(tmp, "state")] + fixture_args, 3.5)
        ok &= check("old-desktop-hdd as nobody", rc, out, err, ["memory_modules", "dmi_serial"])

        def read_root_only(reps):
            problems = []
            for r in reps:
                if not r.get("hardware", {}).get("memory_modules"):
                    problems.append("memory modules not read with CAP_DAC_READ_SEARCH")
                if "product_serial" not in r.get("system", {}).get("dmi", {}):
                    problems.append("DMI serial not read with CAP_DAC_READ_SEARCH")
            return problems[:2]

        # The service's drop-in: not root, but allowed to read any file. access(2) would say
        # no (it ignores capabilities); the agent must open the files and read them.
        rc, out, err = run_as_nobody(
            agent, ["--state-dir", os.path.join(tmp, "state3")] + fixture_args, 2.5,
            caps=["dac_read_search"])
        ok &= check("old-desktop-hdd as nobody with CAP_DAC_READ_SEARCH", rc, out, err, [],
                    read_root_only)
        # The live machine: whatever it has, nothing fails.
        rc, out, err = run_as_nobody(agent, ["--state-dir", os.path.join(tmp, "state2")], 4)
        ok &= check("live machine as nobody", rc, out, err, None)
        ok &= live_smart_denied(agent, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
