"""Shared helpers for WardWatch integration tests: free ports, a real collector process,
HTTP on loopback, Prometheus text parsing. Standard library only."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=10):
    """Returns (status, body bytes, headers); never raises on an HTTP status."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def wait_until(pred, timeout=20.0, step=0.1, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = pred()
            if v:
                return v
        except Exception:
            pass
        time.sleep(step)
    raise AssertionError("timed out waiting for " + what)


class Collector:
    """A real wardwatch-collector on a free 127.0.0.1 port with its own data folder."""

    def __init__(self, binary, data_dir=None, enroll_token="enroll-secret",
                 api_token="api-secret", extra=()):
        self.binary = binary
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="ww-collector-")
        os.makedirs(self.data_dir, exist_ok=True)
        self.enroll_token = enroll_token
        self.api_token = api_token
        self.extra = list(extra)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None
        self.log = os.path.join(self.data_dir, "collector.log")

    def start(self):
        args = [self.binary, "--listen", "127.0.0.1:%d" % self.port, "--data-dir",
                self.data_dir, "--enroll-token", self.enroll_token, "--api-token",
                self.api_token] + self.extra
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "ab"))
        wait_until(lambda: http("GET", self.url + "/healthz", timeout=1)[0] == 200,
                   what="collector /healthz")
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def metrics(self):
        status, body, _ = http("GET", self.url + "/metrics")
        assert status == 200, status
        return body.decode()

    def api(self, path):
        status, body, _ = http("GET", self.url + path,
                               headers={"Authorization": "Bearer " + self.api_token})
        assert status == 200, (path, status, body[:300])
        return json.loads(body)


def enroll(c, machine_id, hostname=None):
    """Enrolls `machine_id` with the collector's enroll token; returns its machine token."""
    status, body, _ = http("POST", c.url + "/api/v1/enroll",
                           json.dumps({"machine_id": machine_id,
                                       "hostname": hostname or machine_id}).encode(),
                           {"Authorization": "Bearer " + c.enroll_token,
                            "Content-Type": "application/json"})
    check(status in (200, 201), "enroll %s: HTTP %d %s" % (machine_id, status, body[:200]))
    return json.loads(body)["machine_token"]


def samples(text, name, **labels):
    """Values of the samples of `name` whose labels include `labels`."""
    out = []
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        if all('%s="%s"' % (k, v) in head for k, v in labels.items()):
            out.append(float(value))
    return out


def json_stream(text):
    """The JSON values in `text`, one after another (what `wardwatch-agent --print` writes)."""
    dec, out, i = json.JSONDecoder(), [], 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = dec.raw_decode(text, i)
        out.append(obj)
    return out


def check(cond, message):
    if not cond:
        raise AssertionError(message)
