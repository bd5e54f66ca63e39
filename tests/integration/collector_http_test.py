#!/usr/bin/env python3
"""Collector over real HTTP on loopback: enroll, ingest, /metrics, errors, restart, the
fleet-wide installed-software search (whose lists survive a restart), and the in-place
upgrade of a database written by the previous schema.

Usage: collector_http_test.py PATH/TO/wardwatch-collector
Starts the real collector on a free 127.0.0.1 port with a temporary data folder, talks to it
with urllib and raw sockets, and reads its SQLite file with python's sqlite3 module.
"""
import gzip
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ENROLL_TOKEN = "enroll-secret-for-tests"
MEM_TOTAL = 16_675_524_608
FAILURES = []


def check(cond, what):
    if cond:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}")
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    def __init__(self, binary, data_dir, port):
        self.binary, self.data_dir, self.port = binary, data_dir, port
        self.base = f"http://127.0.0.1:{port}"
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(data_dir), "collector.log")
        self.log = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "--listen", f"127.0.0.1:{self.port}", "--data-dir", self.data_dir,
             "--enroll-token", ENROLL_TOKEN, "--threads", "2"],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"collector exited with {self.proc.returncode}: {self.logs()}")
            try:
                if request(self, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("collector did not answer /healthz within 15 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def request(c, method, path, body=None, headers=None):
    req = urllib.request.Request(c.base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def post_json(c, path, doc, token=None, content_type="application/json", encoding=None,
              raw=None):
    body = raw if raw is not None else json.dumps(doc).encode()
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if encoding:
        headers["Content-Encoding"] = encoding
    return request(c, "POST", path, body, headers)


def raw_exchange(c, head):
    """Sends only a request header (no body) and returns the status line and body."""
    with socket.create_connection(("127.0.0.1", c.port), timeout=10) as s:
        s.sendall(head.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    text = data.decode(errors="replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return status, text.split("\r\n\r\n", 1)[-1]


def stream_exchange(c, head, body, chunk=64 * 1024):
    """Sends a header then the body in chunks, stopping as soon as the server answers (as a
    client does that watches for an early response); returns the status line and body."""
    import select
    with socket.create_connection(("127.0.0.1", c.port), timeout=10) as s:
        s.sendall(head.encode())
        for i in range(0, len(body), chunk):
            if select.select([s], [], [], 0)[0]:
                break
            try:
                s.sendall(body[i:i + chunk])
            except (BrokenPipeError, ConnectionResetError):
                break
        data = b""
        try:
            while True:
                part = s.recv(65536)
                if not part:
                    break
                data += part
        except ConnectionResetError:
            pass
    text = data.decode(errors="replace")
    status = int(text.split(" ", 2)[1]) if text.startswith("HTTP/") else 0
    return status, text.split("\r\n\r\n", 1)[-1]


def parse_metrics(text):
    """{'name{labels}': value} for every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, value = line.rsplit(" ", 1)
        out[key] = float(value)
    return out


def report(machine_id, hostname, sequence, mem_total=MEM_TOTAL):
    return {
        "schema_version": "1.0",
        "machine": {"id": machine_id, "hostname": hostname},
        "agent": {"version": "0.1.0", "platform": "linux"},
        "sequence": sequence,
        "collected_at_ms": 1790000000000 + sequence * 60000,
        "interval_seconds": 60,
        "collectors": [{"name": "meminfo", "success": True, "duration_seconds": 0.001}],
        "system": {
            "cpus": [{"cpu": 0, "user": 100.5, "nice": 0, "system": 20, "idle": 5000,
                      "iowait": 3, "irq": 0, "softirq": 1, "steal": 0}],
            "meminfo": {"MemTotal": mem_total, "MemAvailable": 8_000_000_000,
                        "Active_anon": 123_456},
            "filesystems": [{"device": "/dev/sda1", "mountpoint": "/", "fstype": "ext4",
                             "size_bytes": 100_000_000_000, "free_bytes": 40_000_000_000,
                             "avail_bytes": 35_000_000_000, "files": 6_000_000,
                             "files_free": 5_000_000, "readonly": False}],
            "dmi": {"sys_vendor": "Dell Inc.", "product_name": "OptiPlex 3020",
                    "bios_version": "A18", "product_serial": "SERIAL-XYZ"},
            "os": {"sysname": "Linux", "release": "6.1.0-18-amd64", "version": "#1 SMP",
                   "machine": "x86_64", "nodename": hostname,
                   "os_release": {"ID": "debian", "NAME": "Debian GNU/Linux",
                                  "PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)",
                                  "VERSION_ID": "12", "VERSION_CODENAME": "bookworm"},
                   "boot_time_seconds": 1789990000},
        },
        "network": {"interfaces": [{
            "name": "eth0", "receive_bytes": 123456789, "receive_packets": 1000,
            "receive_errs": 0, "receive_drop": 0, "transmit_bytes": 987654321,
            "transmit_packets": 2000, "transmit_errs": 0, "transmit_drop": 0,
            "speed_bytes": 125000000, "operstate": "up", "type": 1,
            "address": "00:11:22:33:44:55"}]},
        "agent_health": {"spool_bytes": 0, "reports_sent_total": sequence},
    }


def probe(name, kind, url, phases):
    return {"name": name, "kind": kind, "url": url, "attempts": 5, "failures": 0,
            "attempts_total": 10, "failures_total": 1,
            "phases": [{"phase": ph, "count": 5, "p50": p50, "p95": p50 * 2, "max": p50 * 3,
                        "sum": p50 * 5} for ph, p50 in phases]}


def probe_latencies(c, api_token):
    """The machine detail shows each probe's latency from the phase its kind measures."""
    r = report("probe-1", "PC-PROBE-01", 1)
    r["network"]["probes"] = [
        probe("portal", "http", "https://dichvucong.gov.vn/",
              [("dns", 0.004), ("connect", 0.02), ("tls", 0.03), ("total", 0.085)]),
        # The agent's tcp probe: name resolution, handshake and their sum.
        probe("fileserver", "tcp", "fileserver.ubnd.local:445",
              [("dns", 0.05), ("connect", 0.002), ("total", 0.052)]),
        probe("gateway", "tcp", "192.168.1.1:80", [("connect", 0.0009)]),  # no total
        probe("resolver", "dns", "dns://192.168.1.1/dichvucong.gov.vn",
              [("dns", 0.012), ("total", 0.012)]),
        probe("odd", "http", "http://x/", [("connect", 0.01)]),  # no phase of its kind
    ]
    enroll_and_post(c, "probe-1", "PC-PROBE-01", [r])
    status, doc = api_get(c, "/api/v1/machines/probe-1", api_token)
    got = {p["name"]: (p["latency_phase"], p["latency_seconds"], p["latency_p95_seconds"])
           for p in (doc or {}).get("probes", [])}
    check(status == 200 and got == {"portal": ("total", 0.085, 0.17),
                                    "fileserver": ("connect", 0.002, 0.004),
                                    "gateway": ("connect", 0.0009, 0.0018),
                                    "resolver": ("dns", 0.012, 0.024),
                                    "odd": (None, None, None)},
          f"probe latency: total for http, connect for tcp, dns for dns ({got})")


def software_report(machine_id, hostname, sequence, packages):
    """A report whose software section carries the full package list (None: only the hash)."""
    r = report(machine_id, hostname, sequence)
    r["software"] = {"interval_seconds": 60, "inventory_hash": f"hash-{machine_id}",
                     "package_counts": {"registry": len(packages or [])}}
    if packages is not None:
        r["software"]["packages"] = [{"name": n, "version": v, "source": "registry",
                                      "arch": "x86_64"} for n, v in packages]
    return r


def api_get(c, path, api_token):
    status, body, _ = request(c, "GET", path, headers={"Authorization": f"Bearer {api_token}"})
    return status, json.loads(body) if body else None


def enroll_and_post(c, machine_id, hostname, reports):
    status, body, _ = post_json(c, "/api/v1/enroll", {"machine_id": machine_id,
                                                      "hostname": hostname}, token=ENROLL_TOKEN)
    token = json.loads(body)["machine_token"]
    for r in reports:
        status, body, _ = post_json(c, "/api/v1/reports", r, token=token)
        check(status == 200, f"{hostname}: report {r['sequence']} stored ({status} {body[:80]})")


def installed_search(c, api_token):
    """GET /api/v1/software/installed over several machines' package lists."""
    enroll_and_post(c, "sw-1", "PC-MOTCUA-01", [software_report("sw-1", "PC-MOTCUA-01", 1, [
        ("Zalo", "24.11.1"), ("Google Chrome", "131.0"), ("Phần mềm HTKK", "5.2.5")])])
    enroll_and_post(c, "sw-2", "PC-TUPHAP-02", [software_report("sw-2", "PC-TUPHAP-02", 1, [
        ("Zalo", "24.11.1"), ("Google Chrome", "119.0")])])
    # The list came with report 1; report 2 carries only the hash (as agents do): still known.
    enroll_and_post(c, "sw-3", "PC-KETOAN-03", [
        software_report("sw-3", "PC-KETOAN-03", 1, [("zalo", "23.11"), ("Google Chrome", "131.0")]),
        software_report("sw-3", "PC-KETOAN-03", 2, None)])
    path = "/api/v1/software/installed"

    status, doc = api_get(c, path + "?q=ZALO", api_token)
    check(status == 200, f"installed search -> 200 ({status})")
    got = [(p["name"], p["version"], p["machines"], [m["hostname"] for m in p["machine_list"]])
           for p in doc["packages"]]
    check(got == [("Zalo", "24.11.1", 2, ["PC-MOTCUA-01", "PC-TUPHAP-02"]),
                  ("zalo", "23.11", 1, ["PC-KETOAN-03"])],
          f"case-insensitive substring, most machines first, machines named ({got})")
    check(doc["query"] == "ZALO" and doc["matched_packages"] == 2 and doc["matched_machines"] == 3
          and not doc["truncated"], f"counts and the query echoed ({doc['matched_machines']})")
    # machine-1 reported no software section: counted, without a list.
    check(doc["machines_total"] == 4 and doc["machines_with_list"] == 3,
          f"machines with and without a list ({doc['machines_total']}, "
          f"{doc['machines_with_list']})")
    status, doc = api_get(c, path + "?q=google+chrome&limit=1", api_token)
    check(status == 200 and [(p["version"], p["machines"], p["name_machines"])
                             for p in doc["packages"]] == [("131.0", 2, 3)]
          and doc["truncated"] and doc["matched_packages"] == 2,
          f"'+' is a space; limit=1 keeps the version on most machines and says truncated "
          f"({doc})")
    status, doc = api_get(c, path + "?q=" + urllib.parse.quote("PHẦN MỀM"), api_token)
    check(status == 200 and [p["name"] for p in doc["packages"]] == ["Phần mềm HTKK"],
          f"Vietnamese query in upper case finds the package ({doc})")
    status, doc = api_get(c, path, api_token)
    check(status == 200 and doc["matched_packages"] == 5 and doc["packages"][0]["name"]
          == "Google Chrome", f"no query: everything, most-installed name first ({doc})")
    status, doc = api_get(c, path + "?q=photoshop", api_token)
    check(status == 200 and doc["packages"] == [] and doc["matched_machines"] == 0,
          "no match -> an empty list")

    for query, expect in [("?limit=0", "limit: expected 1..1000"),
                          ("?limit=1001", "limit: expected 1..1000"),
                          ("?limit=ten", "limit: expected 1..1000, got \"ten\""),
                          ("?q=%ZZ", "q: bad percent-encoding"),
                          ("?q=%C3", "q: not valid UTF-8"),
                          ("?q=a%0Ab", "q: control characters"),
                          ("?q=" + "x" * 101, "q: at most 100 bytes, got 101"),
                          ("?q=a&q=b", "q: given more than once"),
                          ("?query=zalo", "unknown parameter \"query\"")]:
        status, doc = api_get(c, path + query, api_token)
        check(status == 400 and expect in doc.get("error", ""),
              f"installed search {query[:30]} -> 400 naming it ({status} {doc})")
    status, _, _ = request(c, "GET", path + "?q=zalo", headers={"Authorization": "Bearer nope"})
    check(status == 401, "installed search without the api token -> 401")


def count_rows(data_dir):
    return query_rows(data_dir, "SELECT count(*) FROM reports")[0][0]


def query_rows(data_dir, sql):
    db = sqlite3.connect(f"file:{os.path.join(data_dir, 'wardwatch.db')}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# What schema version 1 created (collector/src/store.cpp, kMigrations[0]).
SCHEMA_1 = """
CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  hostname TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  enrolled_at_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  last_seen_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE reports (
  machine_id TEXT NOT NULL REFERENCES machines(id),
  sequence INTEGER NOT NULL,
  collected_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (machine_id, sequence)
);
CREATE INDEX reports_by_received ON reports(received_at_ms);
"""


def upgrade_old_database(binary, tmp):
    """A wardwatch.db written by the previous collector (schema 1, no machine_packages) is
    upgraded in place: no row lost, the token still works, the lists come back from the
    stored reports."""
    data_dir = os.path.join(tmp, "old-data")
    os.makedirs(data_dir)
    token = secrets.token_hex(32)
    db = sqlite3.connect(os.path.join(data_dir, "wardwatch.db"))
    db.execute("PRAGMA journal_mode = WAL")
    db.executescript(SCHEMA_1)
    db.execute("INSERT INTO machines VALUES (?, ?, ?, 1000, 0, 5000)",
               ("old-1", "PC-CU-01", hashlib.sha256(token.encode()).hexdigest()))
    db.execute("INSERT INTO machines VALUES ('old-2', 'PC-CU-02', ?, 1000, 0, 5000)",
               ("0" * 64,))
    rows = [("old-1", 1, json.dumps(software_report("old-1", "PC-CU-01", 1, [
                ("Zalo", "24.8.5"), ("HTKK", "5.1.9")]))),
            # Agents gzip: the body is kept as the gzip bytes (a BLOB); the list is in it.
            ("old-1", 2, gzip.compress(json.dumps(software_report("old-1", "PC-CU-01", 2, [
                ("Zalo", "24.11.1")])).encode())),
            ("old-1", 3, gzip.compress(json.dumps(software_report(
                "old-1", "PC-CU-01", 3, None)).encode())),
            ("old-2", 1, json.dumps(report("old-2", "PC-CU-02", 1)))]
    for machine, seq, body in rows:
        db.execute("INSERT INTO reports VALUES (?, ?, ?, ?, ?)", (machine, seq, seq, 4000 + seq,
                                                                 body))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    c = Collector(binary, data_dir, free_port())
    try:
        c.start()
        with open(os.path.join(data_dir, "api-token")) as f:
            c.api_token = f.read().strip()
        check("migrated database schema to version 2" in c.logs()
              and "package lists of 1 machine(s) recovered" in c.logs(),
              "the old database is migrated and the list recovered (logged)")
        check(query_rows(data_dir, "PRAGMA user_version") == [(2,)], "schema version 2")
        check(count_rows(data_dir) == 4 and query_rows(
            data_dir, "SELECT id, hostname, last_seen_ms FROM machines ORDER BY id")
            == [("old-1", "PC-CU-01", 5000), ("old-2", "PC-CU-02", 5000)],
            "upgrade keeps every machine and report row")
        status, doc = api_get(c, "/api/v1/software/installed?q=zalo", c.api_token)
        check(status == 200 and [(p["name"], p["version"]) for p in doc["packages"]]
              == [("Zalo", "24.11.1")] and doc["machines_with_list"] == 1
              and doc["machines_total"] == 2,
              f"upgraded: the newest list a stored report carried is searched ({doc})")
        status, body, _ = post_json(c, "/api/v1/reports", report("old-1", "PC-CU-01", 4),
                                    token=token)
        check(status == 200 and json.loads(body) == {"status": "stored", "sequence": 4},
              f"upgraded: the machine's token still works ({status} {body[:80]})")
        check(count_rows(data_dir) == 5, "upgraded: new reports are stored")
    finally:
        c.stop()
        if FAILURES:
            print("---- collector log (old database) ----")
            print(c.logs())


def promtool_problems(text):
    """promtool problems except node_exporter's own camelCase families (see NORTH-STAR)."""
    if not os.path.exists("/usr/bin/promtool"):
        print("skip promtool: /usr/bin/promtool not installed")
        return None
    p = subprocess.run(["/usr/bin/promtool", "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=60)
    problems = []
    for line in (p.stdout + p.stderr).decode().splitlines():
        line = line.strip()
        if not line:
            continue
        if re.match(r"^node_\S+ metric names should be written in 'snake_case' not 'camelCase'$",
                    line):
            continue
        problems.append(line)
    return problems


def main():
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="wardwatch-collector-it-")
    data_dir = os.path.join(tmp, "data")
    c = Collector(binary, data_dir, free_port())
    try:
        c.start()
        run(c, data_dir)
        # Restart: machines, tokens and latest values come back from SQLite.
        before = parse_metrics(request(c, "GET", "/metrics")[1])
        token = c.token
        c.stop()
        c.start()
        after = parse_metrics(request(c, "GET", "/metrics")[1])
        # The stored series; analytics findings (aging score, recommendation) are recomputed on
        # a worker after start-up and may not be there yet.
        stored = ("node_", "wardwatch_machine_info", "wardwatch_machine_last_report")
        node_before = {k: v for k, v in before.items() if k.startswith(stored)}
        node_after = {k: v for k, v in after.items() if k.startswith(stored)}
        check(len(node_before) > 30 and node_before == node_after,
              f"restart keeps the same {len(node_before)} machine series and values")
        status, body, _ = post_json(c, "/api/v1/reports", report("machine-1", "test-pc", 3),
                                    token=token)
        check(status == 200 and json.loads(body) == {"status": "stored", "sequence": 3},
              "the machine token still works after the restart")
        status, body, _ = post_json(c, "/api/v1/reports", report("machine-1", "test-pc", 3),
                                    token=token)
        check(json.loads(body).get("status") == "duplicate",
              "duplicate detection survives the restart")
        # Agents send their package list only when it changes; the collector keeps each
        # machine's last one in SQLite (machine_packages), so every list survives the restart,
        # PC-KETOAN-03's too although its latest report carried only the hash.
        status, doc = api_get(c, "/api/v1/software/installed?q=zalo", c.api_token)
        check(status == 200 and [(p["name"], p["machines"]) for p in doc["packages"]]
              == [("Zalo", 2), ("zalo", 1)] and doc["machines_with_list"] == 3,
              f"after the restart: every machine's last list is searched ({doc})")
        status, doc = api_get(c, "/api/v1/machines/sw-3/software", c.api_token)
        check(status == 200 and doc.get("packages") is not None
              and [(p["name"], p["version"]) for p in doc["packages"]]
              == [("zalo", "23.11"), ("Google Chrome", "131.0")]
              and doc["packages_sequence"] == 1 and doc["packages_hash"] == "hash-sw-3"
              and doc["sequence"] == 2,
              f"after the restart: the machine's software page shows its kept list ({doc})")
        kept = query_rows(data_dir, "SELECT machine_id, sequence FROM machine_packages "
                                    "ORDER BY machine_id")
        check(kept == [("sw-1", 1), ("sw-2", 1), ("sw-3", 1)],
              f"one kept list per machine that sent one, in the store ({kept})")
        c.stop()
        upgrade_old_database(binary, tmp)
    finally:
        c.stop()
        if FAILURES:
            print("---- collector log ----")
            print(c.logs())
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


def run(c, data_dir):
    token_path = os.path.join(data_dir, "api-token")
    check(os.path.exists(token_path) and stat.S_IMODE(os.stat(token_path).st_mode) == 0o600,
          "api token generated in DATA_DIR/api-token with mode 0600")
    check("generated an api token" in c.logs(), "the generated api token is logged")

    # Enrollment.
    enroll = {"machine_id": "machine-1", "hostname": "test-pc"}
    status, body, headers = post_json(c, "/api/v1/enroll", enroll)
    check(status == 401 and "Authorization" in json.loads(body)["error"],
          f"enroll without a token -> 401 ({body})")
    status, body, _ = post_json(c, "/api/v1/enroll", enroll, token="wrong")
    check(status == 401 and json.loads(body)["error"] == "invalid enroll token",
          "enroll with a wrong token -> 401")
    status, body, _ = post_json(c, "/api/v1/enroll", {"machine_id": "", "hostname": "x"},
                                token=ENROLL_TOKEN)
    check(status == 400 and "machine_id" in body, f"enroll with an empty machine_id -> 400 ({body})")
    status, body, _ = post_json(c, "/api/v1/enroll", enroll, token=ENROLL_TOKEN)
    doc = json.loads(body)
    check(status == 200 and doc["machine_id"] == "machine-1"
          and re.fullmatch(r"[0-9a-f]{64}", doc["machine_token"]), "enroll -> 200 with a token")
    old_token = doc["machine_token"]
    status, body, _ = post_json(c, "/api/v1/enroll", enroll, token=ENROLL_TOKEN)
    token = json.loads(body)["machine_token"]
    check(token != old_token, "re-enrolling issues a new token")
    c.token = token

    db = sqlite3.connect(f"file:{os.path.join(data_dir, 'wardwatch.db')}?mode=ro", uri=True)
    stored_hash = db.execute("SELECT token_hash FROM machines WHERE id='machine-1'").fetchone()[0]
    db.close()
    check(token not in stored_hash and len(stored_hash) == 64, "only a hash of the token is stored")

    # Authentication of reports.
    r1 = report("machine-1", "test-pc", 1)
    status, body, headers = post_json(c, "/api/v1/reports", r1, token=old_token)
    check(status == 401, "the token replaced by re-enrollment -> 401")
    status, body, _ = post_json(c, "/api/v1/reports", r1, token="0" * 64)
    check(status == 401 and "error" in json.loads(body), "unknown machine token -> 401")
    status, body, _ = post_json(c, "/api/v1/reports", r1)
    check(status == 401, "no token -> 401")
    check(count_rows(data_dir) == 0, "nothing stored after the 401s")
    # Refused before the body: a header announcing 3 MB gets its 401 without sending the body.
    status, body = raw_exchange(
        c, f"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {'1' * 64}\r\n"
           "Content-Type: application/json\r\nContent-Length: 3000000\r\n\r\n")
    check(status == 401, "401 is answered from the header alone, before any body byte")

    # Errors.
    status, body, _ = post_json(c, "/api/v1/reports", r1, token=token, content_type="text/plain")
    check(status == 415 and "application/json" in body, f"wrong Content-Type -> 415 ({body})")
    bad = report("machine-1", "test-pc", 1)
    bad["system"]["meminfo"]["MemTotal"] = "abc"
    status, body, _ = post_json(c, "/api/v1/reports", bad, token=token)
    check(status == 400 and json.loads(body)["error"].startswith("system.meminfo.MemTotal:"),
          f"bad field -> 400 naming it ({body})")
    status, body, _ = post_json(c, "/api/v1/reports", None, token=token, raw=b"{not json")
    check(status == 400, f"invalid JSON -> 400 ({body})")
    other = report("machine-2", "other-pc", 1)
    status, body, _ = post_json(c, "/api/v1/reports", other, token=token)
    check(status == 403 and "machine-2" in body, f"report for another machine -> 403 ({body})")
    status, body = raw_exchange(
        c, f"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
           "Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n")
    check(status == 413 and "exceeds 4194304 bytes" in body,
          f"body over --max-body-bytes -> 413 before reading it ({body})")
    big = json.dumps(r1).encode() + b" " * (4 * 1024 * 1024)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 65536]), big[i:i + 65536])
                       for i in range(0, len(big), 65536)) + b"0\r\n\r\n"
    status, body = stream_exchange(
        c, f"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", chunked)
    check(status == 413 and "exceeds 4194304 bytes" in body,
          f"oversized chunked body actually sent -> 413 once the limit is crossed ({body[:100]})")
    bomb = gzip.compress(b" " * (20 * 1024 * 1024), 9)
    status, body, _ = post_json(c, "/api/v1/reports", None, token=token, encoding="gzip", raw=bomb)
    check(status == 413 and json.loads(body)["error"] == "decompressed body exceeds 4194304 bytes",
          f"gzip bomb ({len(bomb)} bytes) -> 413 ({body})")
    status, body, _ = post_json(c, "/api/v1/reports", None, token=token, encoding="br",
                                raw=b"{}")
    check(status == 415, "unsupported Content-Encoding -> 415")
    check(count_rows(data_dir) == 0, "nothing stored after the refused reports")

    # Ingest: stored once, answered after commit.
    status, body, _ = post_json(c, "/api/v1/reports", r1, token=token)
    check(status == 200 and json.loads(body) == {"status": "stored", "sequence": 1},
          f"valid report -> 200 stored ({body})")
    check(count_rows(data_dir) == 1, "the row is in SQLite when the 200 arrives")
    status, body, _ = post_json(c, "/api/v1/reports", r1, token=token)
    check(status == 200 and json.loads(body) == {"status": "duplicate", "sequence": 1},
          f"same report again -> 200 duplicate ({body})")
    check(count_rows(data_dir) == 1, "the duplicate adds no row")
    r2 = report("machine-1", "test-pc", 2, mem_total=MEM_TOTAL + 4096)
    status, body, _ = post_json(c, "/api/v1/reports", None, token=token, encoding="gzip",
                                raw=gzip.compress(json.dumps(r2).encode()))
    check(status == 200 and json.loads(body)["status"] == "stored", "gzip report -> stored")
    check(count_rows(data_dir) == 2, "two rows after the gzip report")

    # Exposition.
    status, text, headers = request(c, "GET", "/metrics")
    check(status == 200 and headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
          "GET /metrics -> 200 text format 0.0.4")
    m = parse_metrics(text)
    check(m.get('node_memory_MemTotal_bytes{instance="test-pc"}') == MEM_TOTAL + 4096,
          "node_memory_MemTotal_bytes{instance=\"test-pc\"} has the latest posted value")
    check(m.get('node_cpu_seconds_total{cpu="0",instance="test-pc",mode="user"}') == 100.5,
          "node_cpu_seconds_total")
    check(m.get('node_network_receive_bytes_total{device="eth0",instance="test-pc"}') == 123456789,
          "node_network_receive_bytes_total")
    check(m.get('node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",instance="test-pc",'
                'mountpoint="/"}') == 35_000_000_000, "node_filesystem_avail_bytes")
    check(m.get('node_dmi_info{bios_version="A18",instance="test-pc",product_name="OptiPlex 3020",'
                'system_vendor="Dell Inc."}') == 1 and "SERIAL-XYZ" not in text,
          "node_dmi_info without the serial number")
    check(m.get('node_os_version{id="debian",id_like="",instance="test-pc",'
                'name="Debian GNU/Linux"}') == 12, "node_os_version")
    check(m.get('wardwatch_machine_last_report_timestamp_seconds{instance="test-pc"}')
          == 1790000120, "wardwatch_machine_last_report_timestamp_seconds")
    check(m.get("wardwatch_collector_reports_stored_total") == 2, "stored_total counts 2")
    check(m.get("wardwatch_collector_reports_duplicate_total") == 1, "duplicate_total counts 1")
    rejected = {k: v for k, v in m.items() if k.startswith("wardwatch_collector_reports_rejected")}
    expect = {"unauthorized": 4, "forbidden": 1, "bad_request": 2, "too_large": 3,
              "unsupported_media_type": 2, "overloaded": 0, "storage_error": 0}
    for reason, n in expect.items():
        got = rejected.get(f'wardwatch_collector_reports_rejected_total{{reason="{reason}"}}')
        check(got == n, f"rejected_total{{reason=\"{reason}\"}} == {n} (got {got})")
    check(m.get("wardwatch_collector_machines") == 1, "wardwatch_collector_machines == 1")
    check(m.get("wardwatch_collector_ingest_duration_seconds_count") == 3,
          "ingest duration histogram counts the 3 accepted reports")

    problems = promtool_problems(text)
    if problems is not None:
        check(problems == [], f"promtool check metrics: no problem besides node_ camelCase "
                              f"({problems})")

    # Other endpoints.
    status, body, _ = request(c, "GET", "/healthz")
    check(status == 200 and body.strip() == "ok", "/healthz -> ok")
    status, body, _ = request(c, "GET", "/nope")
    check(status == 404, "unknown path -> 404")
    status, body, _ = request(c, "GET", "/api/v1/reports")
    check(status == 405, "wrong method -> 405")
    with open(token_path) as f:
        api_token = f.read().strip()
    status, body, _ = request(c, "GET", "/api/v1/machines/machine-1",
                              headers={"Authorization": f"Bearer {api_token}"})
    check(status == 200 and json.loads(body)["latest_sequence"] == 2, "api: machine by id")
    status, body, _ = request(c, "GET", "/api/v1/machines",
                              headers={"Authorization": "Bearer nope"})
    check(status == 401, "api without the api token -> 401")
    installed_search(c, api_token)
    probe_latencies(c, api_token)
    c.api_token = api_token


if __name__ == "__main__":
    sys.exit(main())
