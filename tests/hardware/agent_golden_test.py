#!/usr/bin/env python3
"""Runs `wardwatch-agent --print --once` on each fixture machine and compares the report's
hardware section with tests/hardware/expected/<machine>.json.

Usage: agent_golden_test.py AGENT MACHINES_DIR EXPECTED_DIR [--update]
--update rewrites the expected files (then read the diff before committing it).
"""
import json
import os
import subprocess
import sys
import tempfile

MACHINES = ["new-desktop-nvme", "old-desktop-hdd", "laptop-worn-battery", "vm-minimal"]
HARDWARE_COLLECTORS = ["disks", "smart", "diskstats", "pressure", "vmstat", "loadavg",
                       "cpuinfo", "memory_modules", "hwmon", "thermal", "battery", "chassis"]


def strip_volatile(hw):
    for d in hw.get("disks", []):
        d.pop("smart_collected_at_ms", None)  # wall-clock time of the (fixture) SMART read
    return hw


def run(agent, machines_dir, machine):
    root = os.path.join(machines_dir, machine)
    with tempfile.TemporaryDirectory() as state:
        p = subprocess.run(
            [agent, "--print", "--once", "--state-dir", state,
             "--path.procfs", os.path.join(root, "proc"),
             "--path.sysfs", os.path.join(root, "sys"),
             "--path.rootfs", os.path.join(root, "rootfs"),
             "--smartctl", "/nonexistent/smartctl-must-not-run",
             "--smartctl-fixtures", os.path.join(root, "smartctl")],
            capture_output=True, text=True, timeout=60)
    if p.returncode != 0 and not p.stdout:
        raise SystemExit("%s: agent exited %d: %s" % (machine, p.returncode, p.stderr))
    report = json.loads(p.stdout)
    statuses = {c["name"]: c for c in report.get("collectors", [])}
    problems = []
    for name in HARDWARE_COLLECTORS:
        c = statuses.get(name)
        if c is None:
            problems.append("collector %s did not run" % name)
        elif not c.get("success"):
            problems.append("collector %s failed: %s" % (name, c.get("error")))
    for line in p.stderr.splitlines():
        if any(("collector %s failed" % n) in line for n in HARDWARE_COLLECTORS):
            problems.append("stderr: " + line)
    return strip_volatile(report.get("hardware", {})), problems


def main():
    agent, machines_dir, expected_dir = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    failed = False
    for m in MACHINES:
        hw, problems = run(agent, machines_dir, m)
        for pr in problems:
            print("FAIL %s: %s" % (m, pr))
            failed = True
        path = os.path.join(expected_dir, m + ".json")
        if update:
            os.makedirs(expected_dir, exist_ok=True)
            with open(path, "w") as f:
                json.dump(hw, f, indent=2, sort_keys=True)
                f.write("\n")
            print("wrote", path)
            continue
        with open(path) as f:
            want = json.load(f)
        if hw != want:
            failed = True
            got = json.dumps(hw, indent=2, sort_keys=True).splitlines()
            exp = json.dumps(want, indent=2, sort_keys=True).splitlines()
            import difflib
            print("FAIL %s: hardware section differs from %s" % (m, path))
            for line in difflib.unified_diff(exp, got, "expected", "got", lineterm="", n=2):
                print(line)
        else:
            print("ok %s" % m)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
