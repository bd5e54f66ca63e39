"""Shared helpers for the delivery_*_test.py integration tests (python3 stdlib only).

Real processes on 127.0.0.1: the collector binary with a temporary data folder, the agent
binary with its own state folder and a fake root (etc/machine-id decides the machine id), and
the collector's SQLite file read with python's sqlite3 module.
"""
import gzip
import json
import os
import signal
import socket
import sqlite3
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

ENROLL_TOKEN = "enroll-secret-for-delivery-tests"
FAILURES = []
# Collectors that would be slow, need privileges or talk to the network: off in these tests.
QUIET = ["probes", "traffic", "smart", "packages", "apps", "speedtest"]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILURES.append(what)
    return cond


def finish():
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed:")
        for f in FAILURES:
            print("  - " + f)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self, binary, data_dir, port=None, extra=(), scheme="http", ca_file=None,
                 client_cert=None):
        self.binary, self.data_dir = binary, data_dir
        self.port = port or free_port()
        self.extra = list(extra)
        self.scheme = scheme
        self.base = f"{scheme}://127.0.0.1:{self.port}"
        self.ca_file, self.client_cert = ca_file, client_cert
        self.proc = None
        os.makedirs(data_dir, exist_ok=True)
        self.log_path = os.path.join(data_dir, "..", os.path.basename(data_dir) + ".log")

    def start(self, wait=True):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data_dir,
             "--enroll-token", ENROLL_TOKEN, "--threads", "2"] + self.extra,
            stdout=log, stderr=log)
        log.close()
        if not wait:
            return
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"collector exited with {self.proc.returncode}: {self.logs()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except (OSError, ssl.SSLError):
                pass
            time.sleep(0.05)
        raise RuntimeError("collector did not answer /healthz within 20 s: " + self.logs())

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def logs(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def ssl_context(self):
        if self.scheme != "https":
            return None
        ctx = ssl.create_default_context(cafile=self.ca_file)
        if self.client_cert:
            ctx.load_cert_chain(*self.client_cert)
        return ctx

    def request(self, method, path, body=None, headers=None, timeout=10):
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.ssl_context()) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def api_token(self):
        with open(os.path.join(self.data_dir, "api-token")) as f:
            return f.read().strip()

    def metrics(self):
        status, body = self.request("GET", "/metrics",
                                    headers={"Authorization": "Bearer " + self.api_token()})
        return body.decode() if status == 200 else ""

    def db(self):
        return sqlite3.connect(os.path.join(self.data_dir, "wardwatch.db"), timeout=10)

    def sequences(self, machine_id):
        """Stored sequences of one machine, in insertion (rowid) order."""
        with self.db() as c:
            return [r[0] for r in c.execute(
                "SELECT sequence FROM reports WHERE machine_id = ? ORDER BY rowid", (machine_id,))]

    def integrity(self):
        with self.db() as c:
            return c.execute("PRAGMA integrity_check").fetchone()[0]


class Agent:
    """One agent: a state folder and a fake root whose etc/machine-id names the machine."""

    def __init__(self, binary, root_dir, machine_id, collector_url, extra=()):
        self.binary, self.machine_id, self.url = binary, machine_id, collector_url
        self.state_dir = os.path.join(root_dir, "state")
        self.rootfs = os.path.join(root_dir, "rootfs")
        os.makedirs(os.path.join(self.rootfs, "etc"), exist_ok=True)
        with open(os.path.join(self.rootfs, "etc", "machine-id"), "w") as f:
            f.write(machine_id + "\n")
        self.extra = list(extra)
        self.log_path = os.path.join(root_dir, "agent.log")

    def args(self, *more, enroll=True):
        a = [self.binary, "--collector", self.url, "--state-dir", self.state_dir,
             "--path.rootfs", self.rootfs, "--backoff-base", "0.05", "--backoff-cap", "0.5",
             "--connect-timeout", "2", "--request-timeout", "10"]
        if enroll:
            a += ["--enroll-token", ENROLL_TOKEN]
        for name in QUIET:
            a += ["--disable-collector", name]
        return a + self.extra + list(more)

    def once(self, *more, enroll=True, timeout=60):
        """Runs `--once`; returns (exit code, stderr text)."""
        p = subprocess.run(self.args("--once", *more, enroll=enroll), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
        text = p.stderr.decode(errors="replace")
        with open(self.log_path, "a") as f:
            f.write(text)
        return p.returncode, text

    def start(self, *more):
        log = open(self.log_path, "ab")
        p = subprocess.Popen(self.args(*more), stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        return p

    def spool_dir(self):
        return os.path.join(self.state_dir, "spool")

    def spool_state(self):
        out = {}
        try:
            with open(os.path.join(self.spool_dir(), "state")) as f:
                for line in f:
                    k, _, v = line.strip().partition("=")
                    if v.isdigit():
                        out[k] = int(v)
        except OSError:
            pass
        return out

    def segments(self):
        d = self.spool_dir()
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(d, n) for n in os.listdir(d)
                      if n.startswith("seg-") and n.endswith(".wws"))

    def spooled_sequences(self):
        """Sequences of the valid, unacknowledged records now in the spool."""
        acked = self.spool_state().get("acked", 0)
        seqs = []
        for seg in self.segments():
            with open(seg, "rb") as f:
                for seq, _, _, _ in decode_records(f.read()):
                    if seq > acked:
                        seqs.append(seq)
        return seqs


HEADER = struct.Struct("<4sIIQQ")  # magic, payload length, crc32, sequence, created_ms


def encode_record(seq, created_ms, payload):
    crc = zlib.crc32(struct.pack("<QQ", seq, created_ms) + payload) & 0xffffffff
    return HEADER.pack(b"WWS1", len(payload), crc, seq, created_ms) + payload


def decode_records(data):
    """(sequence, created_ms, offset, length) of every valid record, like Spool::DecodeSegment."""
    out, at = [], 0
    while at + HEADER.size <= len(data):
        magic, n, crc, seq, created = HEADER.unpack_from(data, at)
        body = data[at + HEADER.size:at + HEADER.size + n]
        if magic == b"WWS1" and len(body) == n and \
                zlib.crc32(struct.pack("<QQ", seq, created) + body) & 0xffffffff == crc:
            out.append((seq, created, at, HEADER.size + n))
            at += HEADER.size + n
        else:
            at += 1
    return out


def metric_value(text, name, **labels):
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def stored_report(collector, machine_id, sequence):
    with collector.db() as c:
        row = c.execute("SELECT body FROM reports WHERE machine_id = ? AND sequence = ?",
                        (machine_id, sequence)).fetchone()
    if not row:
        return None
    body = row[0]
    # Stored as the agent sent it: gzip bytes (a BLOB) or JSON text (collector/src/store.h).
    if isinstance(body, bytes) and body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    return json.loads(body)


def wait_for(cond, timeout, step=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def temp_dir(name):
    return tempfile.mkdtemp(prefix=f"wardwatch-{name}-")
