#!/usr/bin/env python3
"""Network quality end to end on loopback: the real collector and the real agent.

Usage: network_e2e_test.py PATH/TO/wardwatch-collector PATH/TO/wardwatch-agent FIXTURES
Starts the collector on a free 127.0.0.1 port, checks /api/v1/speedtest (auth, bounds, byte
counts), runs the agent twice with --once (the first run enrols; the second runs the speed test,
probing only the collector), and checks the network-quality series on /metrics with promtool.
Every address used is 127.0.0.1.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ENROLL_TOKEN = "enroll-secret-for-network-tests"
FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base, method, path, body=None, token=None, timeout=60):
    headers = {"Content-Type": "application/octet-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def raw_request(port, method, path, token, length=None):
    """Opens a connection and sends only the request head; the caller reads or sends the rest."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
    if length is not None:
        head += f"Content-Length: {length}\r\nContent-Type: application/octet-stream\r\n"
    s.sendall((head + "\r\n").encode())
    return s


def read_until(sock, marker):
    """Reads until `marker` has arrived or the peer closed; returns what was read."""
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def status_of(sock):
    data = read_until(sock, b"\r\n")
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0


def check_speedtest_bounds(pid, port, token):
    """Neither direction holds the test's bytes in memory, and at most two downloads run."""
    base = f"http://127.0.0.1:{port}"
    before = peak_rss_mib(pid)
    # A 100 MB upload, sent in 1 MiB writes: the collector counts it, it does not keep it.
    s = raw_request(port, "POST", "/api/v1/speedtest", token, length=100_000_000)
    block = b"u" * (1 << 20)
    left = 100_000_000
    while left > 0:
        n = min(left, len(block))
        s.sendall(block[:n])
        left -= n
    s.settimeout(30)
    answer = read_until(s, b"}")
    s.close()
    check(b'"bytes":100000000' in answer, "POST of 100 MB answers the whole count")
    # A 100 MB download read to the end.
    status, body = request(base, "GET", "/api/v1/speedtest?bytes=100000000", token=token)
    check(status == 200 and len(body) == 100_000_000,
          f"GET streams exactly 100000000 bytes ({len(body)})")
    del body
    grew = peak_rss_mib(pid) - before
    check(grew < 25, f"collector peak RSS grew {grew:.1f} MiB over a 100 MB upload and download "
          "(< 25: the bytes are not held)")
    # Two downloads that are not read yet hold both slots; a third is refused until one ends.
    slow = [raw_request(port, "GET", "/api/v1/speedtest?bytes=100000000", token) for _ in range(2)]
    for c in slow:
        check(status_of(c) == 200, "a slow download starts (200)")
    status, body = request(base, "GET", "/api/v1/speedtest?bytes=1000", token=token)
    check(status == 503 and b"busy" in body,
          f"a third download while two are being sent -> 503 busy ({status})")
    slow[0].close()
    deadline = time.time() + 10
    while True:
        status, body = request(base, "GET", "/api/v1/speedtest?bytes=1000", token=token)
        if status == 200 or time.time() > deadline:
            break
        time.sleep(0.1)
    check(status == 200 and len(body) == 1000, "a closed download frees its slot (200 again)")
    slow[1].close()


def main():
    collector_bin, agent_bin, fixtures = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp(prefix="ww-net-e2e-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(tmp, "collector.log"), "wb")
    proc = subprocess.Popen([collector_bin, "--listen", f"127.0.0.1:{port}", "--data-dir",
                             os.path.join(tmp, "data"), "--enroll-token", ENROLL_TOKEN,
                             "--threads", "2"], stdout=log, stderr=log)
    try:
        deadline = time.time() + 15
        while True:
            try:
                if request(base, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("collector did not start")
            time.sleep(0.05)

        status, body = request(base, "POST", "/api/v1/enroll",
                               json.dumps({"machine_id": "probe-pc", "hostname": "probe-pc"}).encode(),
                               token=ENROLL_TOKEN)
        token = json.loads(body)["machine_token"]

        # The speed test API on its own.
        check(request(base, "GET", "/api/v1/speedtest?bytes=1000")[0] == 401,
              "speedtest GET without a machine token -> 401")
        status, body = request(base, "GET", "/api/v1/speedtest?bytes=1234567", token=token)
        check(status == 200 and len(body) == 1234567, f"GET streams exactly 1234567 bytes ({len(body)})")
        for q in ["", "?bytes=0", "?bytes=100000001", "?bytes=12x"]:
            status, body = request(base, "GET", "/api/v1/speedtest" + q, token=token)
            check(status == 400 and b"bytes" in body, f"GET {q or '(no bytes)'} -> 400 naming bytes")
        status, body = request(base, "POST", "/api/v1/speedtest", b"u" * 3_000_000, token=token)
        check(status == 200 and json.loads(body) == {"bytes": 3_000_000},
              f"POST of 3000000 bytes answers the count ({body[:60]!r})")
        check(request(base, "POST", "/api/v1/speedtest", b"u" * 10)[0] == 401,
              "speedtest POST without a machine token -> 401")
        check_speedtest_bounds(proc.pid, port, token)

        # The agent: first run enrols and reports; the second runs the 20 MB speed test.
        state = os.path.join(tmp, "agent-state")
        args = [agent_bin, "--collector", base, "--enroll-token", ENROLL_TOKEN,
                "--state-dir", state, "--once", "--enable-collector", "speedtest",
                "--peak-hours", "", "--path.procfs", os.path.join(fixtures, "network/proc"),
                "--path.sysfs", os.path.join(fixtures, "network/sys"),
                "--path.rootfs", os.path.join(fixtures, "network/rootfs")]
        first = subprocess.run(args, capture_output=True, timeout=120)
        check(first.returncode == 0, f"first agent run (enrol + report) exits 0 ({first.stderr[-300:]!r})")
        check(not os.path.exists(os.path.join(state, "speedtest-runs")),
              "no speed test before the agent holds a machine token")
        started = time.time()
        second = subprocess.run(args, capture_output=True, timeout=300)
        took = time.time() - started
        check(second.returncode == 0, f"second agent run (speed test) exits 0 ({second.stderr[-300:]!r})")
        check(os.path.exists(os.path.join(state, "speedtest-runs")), "the run is recorded in speedtest-runs")
        print(f"info agent run with a 20 MB down + 20 MB up speed test took {took:.2f} s")

        time.sleep(0.5)
        status, body = request(base, "GET", "/metrics")
        text = body.decode()
        m = re.search(r'^wardwatch_speedtest_download_bytes_per_second\{[^}]*\} (\S+)$', text, re.M)
        check(m is not None and float(m.group(1)) > 1e6,
              f"download rate exposed ({m.group(1) if m else None} B/s)")
        if m:
            print(f"info loopback speed test: download {float(m.group(1)) / 1e6:.0f} MB/s")
        u = re.search(r'^wardwatch_speedtest_upload_bytes_per_second\{[^}]*\} (\S+)$', text, re.M)
        check(u is not None and float(u.group(1)) > 1e6, "upload rate exposed")
        if u:
            print(f"info loopback speed test: upload {float(u.group(1)) / 1e6:.0f} MB/s")
        check(re.search(r'^node_netstat_Tcp_RetransSegs\{instance="[^"]+"\} 117$', text, re.M) is not None,
              "node_netstat_Tcp_RetransSegs from the fixture")
        check(re.search(r'^node_network_info\{[^}]*device="eth0"[^}]*duplex="half"', text, re.M) is not None,
              "node_network_info carries duplex=half for the 100 Mb/s NIC")
        check(re.search(r'^node_network_speed_bytes\{device="eth0",[^}]*\} 12500000$', text, re.M) is not None,
              "node_network_speed_bytes 12500000 for eth0")
        check(re.search(r'^node_network_carrier_changes_total\{device="eth0",[^}]*\} 14$', text, re.M) is not None,
              "carrier changes exposed")
        check(re.search(r'^wardwatch_wifi_signal_dbm\{device="wlan0",[^}]*\} -56$', text, re.M) is not None,
              "Wi-Fi signal exposed")
        a = re.search(r'^wardwatch_probe_attempts_total\{[^}]*target="collector"[^}]*\} (\d+)', text, re.M)
        check(a is not None and int(a.group(1)) == 1, "the collector is the default probe target (1 attempt in --once)")
        check(re.search(r'^wardwatch_probe_duration_seconds\{[^}]*phase="total"[^}]*stat="0.95"', text, re.M)
              is not None, "probe duration quantiles exposed")
        if shutil.which("promtool"):
            lint = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True)
            problems = [l for l in lint.stdout.decode().splitlines() + lint.stderr.decode().splitlines()
                        if re.search(r"wardwatch_(probe|speedtest|wifi|traffic)|node_netstat|carrier|mtu", l)
                        # node_exporter's own camelCase names (node_netstat_Tcp_RetransSegs) are
                        # kept verbatim for dashboards; only that lint is ignored for them.
                        and not (l.startswith("node_") and "camelCase" in l)]
            check(not problems, f"promtool check metrics: no problems in network series {problems[:5]}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
