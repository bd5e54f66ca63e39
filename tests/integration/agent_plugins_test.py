#!/usr/bin/env python3
"""The Linux agent loads TLS and packet capture only when it needs them (issue 11).

Usage: agent_plugins_test.py AGENT_BIN COLLECTOR_BIN PLUGIN_DIR
- An agent reporting to an http:// collector, with its default collectors (the probes probe
  the collector, the traffic collector is on without capture), has none of libssl,
  libcrypto, libpcap or the plugins in /proc/PID/maps after three reports.
- The same to an https:// collector: libwardwatch-tls.so and libssl are loaded, libpcap is not,
  and the reports are stored.
- The installed layout (bin/wardwatch-agent beside lib/wardwatch/*.so, as the .deb puts them in
  /usr) finds its plugins: https delivers and --pcap-file is analysed.
- Under the kernel's memory-deny-write-execute (prctl PR_SET_MDWE, what the systemd units'
  MemoryDenyWriteExecute=yes asks for), checked to be on, both plugins still load: https
  delivers and --pcap-file is analysed.
- Without the plugins the agent does not crash: https fails with the path of the missing
  libwardwatch-tls.so, and --pcap-file fails the traffic collector only, naming
  libwardwatch-pcap.so.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import delivery_common  # noqa: E402
from delivery_common import Agent, Collector, check, finish, temp_dir  # noqa: E402
from delivery_auth_test import make_pki  # noqa: E402

# Keep the probes (default: the collector's own URL) and the traffic collector (on, no capture)
# as an office PC runs them; the rest is slow or needs privileges.
delivery_common.QUIET[:] = ["smart", "packages", "apps", "speedtest"]
LOADED_ONLY_WHEN_NEEDED = ("libssl.so", "libcrypto.so", "libpcap.so", "libwardwatch-tls.so",
                           "libwardwatch-pcap.so")


def mapped(pid):
    """The file names of the shared objects mapped by `pid`."""
    names = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5].startswith("/"):
                names.add(os.path.basename(parts[5]))
    return names


def has(names, stem):
    return any(n.startswith(stem) for n in names)


# Runs argv[1:] with PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN): no mapping may become writable and
# executable, as under systemd's MemoryDenyWriteExecute=yes. Exit 3: the kernel lacks it.
MDWE_LAUNCHER = """#!/usr/bin/env python3
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:
    sys.exit(3)
os.execv(sys.argv[1], sys.argv[1:])
"""
# Proves the restriction is on: an anonymous mapping both writable and executable.
WX_MAP_ATTEMPT = """
import mmap
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    print("allowed")
except OSError:
    print("refused")
"""


def run_until_reports(agent, collector, count, timeout=60):
    """Starts `agent` at a 1 s interval until `count` reports are stored; returns what it had
    mapped then."""
    proc = agent.start("--interval", "1")
    try:
        deadline = time.time() + timeout
        while time.time() < deadline and len(collector.sequences(agent.machine_id)) < count:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        alive = proc.poll() is None
        names = mapped(proc.pid) if alive else set()
        return alive, names
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def empty_pcap(path):
    # A capture file with no packets: the global header only (Ethernet link type).
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


def print_once(binary, *args):
    p = subprocess.run([binary, "--print", "--once", "--disable-collector", "probes",
                        "--disable-collector", "smart", "--disable-collector", "packages",
                        "--disable-collector", "apps", "--disable-collector", "speedtest"] +
                       list(args), capture_output=True, text=True, timeout=60)
    report = None
    try:
        report = json.loads(p.stdout)
    except ValueError:
        pass
    return p.returncode, report, p.stderr


def collector_status(report, name):
    for c in (report or {}).get("collectors", []):
        if c.get("name") == name:
            return c
    return None


def main():
    agent_bin, collector_bin, plugin_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    os.environ.pop("WARDWATCH_PLUGIN_DIR", None)  # the agent finds them beside itself
    tmp = temp_dir("plugins")

    plain = Collector(collector_bin, os.path.join(tmp, "c-http"))
    plain.start()
    try:
        ag = Agent(agent_bin, os.path.join(tmp, "http-agent"), "http-pc", plain.base)
        alive, names = run_until_reports(ag, plain, 3)
        check(alive and len(plain.sequences("http-pc")) >= 3,
              f"an http:// agent delivers three reports: {plain.sequences('http-pc')}")
        check(names and not any(has(names, s) for s in LOADED_ONLY_WHEN_NEEDED),
              "an http:// agent maps none of " + ", ".join(LOADED_ONLY_WHEN_NEEDED) +
              f": {sorted(n for n in names if n.startswith('lib'))}")
    finally:
        plain.stop()

    pki = os.path.join(tmp, "pki")
    make_pki(pki)
    p = lambda n: os.path.join(pki, n)  # noqa: E731
    secure = Collector(collector_bin, os.path.join(tmp, "c-https"), scheme="https",
                       ca_file=p("ca.pem"),
                       extra=["--tls-cert", p("server.pem"), "--tls-key", p("server.key")])
    secure.start()
    try:
        ag = Agent(agent_bin, os.path.join(tmp, "https-agent"), "https-pc", secure.base,
                   extra=["--ca-file", p("ca.pem")])
        alive, names = run_until_reports(ag, secure, 3)
        check(alive and len(secure.sequences("https-pc")) >= 3,
              f"an https:// agent delivers three reports: {secure.sequences('https-pc')}")
        check(has(names, "libwardwatch-tls.so") and has(names, "libssl.so"),
              "an https:// agent has loaded libwardwatch-tls.so and libssl")
        check(not has(names, "libpcap.so") and not has(names, "libwardwatch-pcap.so"),
              "an https:// agent without capture maps no libpcap")

        # The installed layout: bin/ beside lib/wardwatch/ (the .deb's /usr/bin, /usr/lib).
        usr = os.path.join(tmp, "usr")
        os.makedirs(os.path.join(usr, "bin"))
        shutil.copy2(agent_bin, os.path.join(usr, "bin", "wardwatch-agent"))
        shutil.copytree(plugin_dir, os.path.join(usr, "lib", "wardwatch"))
        installed = os.path.join(usr, "bin", "wardwatch-agent")
        ag = Agent(installed, os.path.join(tmp, "installed-agent"), "installed-pc", secure.base,
                   extra=["--ca-file", p("ca.pem")])
        code, err = ag.once()
        check(code == 0 and secure.sequences("installed-pc") == [1],
              f"installed layout: https delivers (exit {code}) {err[-300:]}")
        capture = os.path.join(tmp, "empty.pcap")
        empty_pcap(capture)
        code, report, err = print_once(installed, "--pcap-file", capture)
        traffic = ((report or {}).get("network") or {}).get("traffic") or {}
        status = collector_status(report, "traffic") or {}
        check(code == 0 and status.get("success") is True and
              traffic.get("source") == "file:empty.pcap",
              f"installed layout: --pcap-file is analysed through libwardwatch-pcap.so: "
              f"{status} {err[-300:]}")

        # Under the kernel's memory-deny-write-execute (prctl PR_SET_MDWE, what the units'
        # MemoryDenyWriteExecute=yes asks for; kept across exec): the plugins still load.
        mdwe = os.path.join(tmp, "mdwe")
        with open(mdwe, "w") as f:
            f.write(MDWE_LAUNCHER)
        os.chmod(mdwe, 0o755)
        probe = subprocess.run([mdwe, sys.executable, "-c", WX_MAP_ATTEMPT],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode == 3:
            print("skipped: this kernel has no PR_SET_MDWE (Linux 6.3+)")
        else:
            check(probe.returncode == 0 and probe.stdout.strip() == "refused",
                  f"under PR_SET_MDWE a writable+executable mapping is refused: "
                  f"{probe.stdout.strip()} {probe.stderr[-300:]}")
            restricted = os.path.join(tmp, "restricted-agent")
            with open(restricted, "w") as f:
                f.write(f'#!/bin/sh\nexec "{mdwe}" "{installed}" "$@"\n')
            os.chmod(restricted, 0o755)
            ag = Agent(restricted, os.path.join(tmp, "mdwe-agent"), "mdwe-pc", secure.base,
                       extra=["--ca-file", p("ca.pem")])
            code, err = ag.once()
            check(code == 0 and secure.sequences("mdwe-pc") == [1],
                  f"under PR_SET_MDWE https delivers through libwardwatch-tls.so (exit {code}) "
                  f"{err[-300:]}")
            code, report, err = print_once(restricted, "--pcap-file", capture)
            status = collector_status(report, "traffic") or {}
            check(code == 0 and status.get("success") is True,
                  f"under PR_SET_MDWE --pcap-file is analysed through libwardwatch-pcap.so: "
                  f"{status} {err[-300:]}")

        # Without the plugins: clear errors that name the missing file, and no crash.
        bare = os.path.join(tmp, "bare")
        os.makedirs(os.path.join(bare, "bin"))
        shutil.copy2(agent_bin, os.path.join(bare, "bin", "wardwatch-agent"))
        bare_agent = os.path.join(bare, "bin", "wardwatch-agent")
        missing_tls = os.path.join(bare, "lib", "wardwatch", "libwardwatch-tls.so")
        ag = Agent(bare_agent, os.path.join(tmp, "bare-agent"), "bare-pc", secure.base,
                   extra=["--ca-file", p("ca.pem")])
        code, err = ag.once()
        check(code == 1 and f"https needs {missing_tls}: cannot open shared object file" in err,
              f"without libwardwatch-tls.so https fails naming it (exit {code}): "
              f"{err.strip()[-300:]}")
        check(secure.sequences("bare-pc") == [], "nothing reached the collector without TLS")
        code, report, err = print_once(bare_agent, "--pcap-file", capture)
        status = collector_status(report, "traffic") or {}
        missing_pcap = os.path.join(bare, "lib", "wardwatch", "libwardwatch-pcap.so")
        check(code == 0 and status.get("success") is False and
              f"traffic capture needs {missing_pcap}: cannot open shared object file"
              in status.get("error", ""),
              f"without libwardwatch-pcap.so the traffic collector fails naming it, the report "
              f"is made (exit {code}): {status}")
        check(report is not None and (collector_status(report, "cpu") or {}).get("success"),
              "the other collectors still run")
    finally:
        secure.stop()
    print(f"files in {tmp}")
    finish()


if __name__ == "__main__":
    main()
