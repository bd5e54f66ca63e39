"""Carrier changes on Windows (netlink_windows.cpp) from a real link under Wine: a veth pair on
the Linux host (root only; no address, no traffic), wardwatch-agent.exe --print every 2 s, and
one end taken down and up twice, each state held 7 s (longer than the agent's 5 s carrier
sample). Wine's GetIfTable2 shows the host's interfaces, so the agent must count 4 changes on
both ends: the end set down (OperStatus down) and its peer (carrier lost: lower layer down).

Usage: carrier_e2e_test.py AGENT_EXE     (exit 77 = skipped: not root, no wine, no veth)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from wwtest import json_stream  # noqa: E402

AGENT = os.path.abspath(sys.argv[1])
WINE = shutil.which("wine") or shutil.which("wine64")
A, B = "wwcar%d" % (os.getpid() % 10000), "wwcbr%d" % (os.getpid() % 10000)


def ip(*args):
    return subprocess.run(["ip", "link", *args], capture_output=True, text=True)


def main():
    if os.geteuid() != 0 or not WINE or not shutil.which("ip"):
        print("needs root, wine and ip: skipped")
        return 77
    if ip("add", A, "type", "veth", "peer", "name", B).returncode != 0:
        print("cannot make a veth pair here: skipped")
        return 77
    out = tempfile.TemporaryFile("w+")
    agent = None
    try:
        ip("set", A, "up")
        ip("set", B, "up")
        time.sleep(1)
        env = dict(os.environ, WINEDEBUG="-all")
        agent = subprocess.Popen(
            [WINE, AGENT, "--print", "--interval", "2", "--disable-collector", "filesystem",
             "--disable-collector", "traffic", "--disable-collector", "apps",
             "--disable-collector", "packages"],
            stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
        time.sleep(10)  # Wine's start, the first report (the counter's baseline)
        for state in ("down", "up", "down", "up"):
            ip("set", A, state)
            time.sleep(7)
        time.sleep(4)
    finally:
        if agent:
            agent.terminate()
            try:
                agent.wait(timeout=30)
            except subprocess.TimeoutExpired:
                agent.kill()
        ip("del", A)
    out.seek(0)
    rs = json_stream(out.read())
    seen = [{i["name"]: i.get("carrier_changes") for i in r["network"]["interfaces"]
             if i["name"] in (A, B)} for r in rs]
    print("\n".join(str(s) for s in seen))
    last = seen[-1] if seen else {}
    if len(rs) < 5 or last.get(A) != 4 or last.get(B) != 4:
        print("FAIL expected 4 carrier changes on %s and %s in the last report" % (A, B))
        return 1
    print("ok   4 carrier changes counted on both ends; carrier_e2e_test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
