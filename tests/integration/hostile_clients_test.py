#!/usr/bin/env python3
"""Slow and hostile clients against a real collector on loopback (issue 11).

While 40 slowloris connections drip header bytes, oversized headers and bodies, a gzip bomb and
more than 200 malformed reports (truncated, invalid UTF-8, deep nesting, huge numbers, NUL
bytes, wrong types, missing fields) are sent: every malformed request gets a 4xx, nothing of
it is stored, the slowloris connections are cut off by the header timeout, and a legitimate
agent's reports keep being stored.

Usage: hostile_clients_test.py COLLECTOR
"""
import copy
import gzip
import json
import os
import socket
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collector_http_test import report  # noqa: E402  (a valid minimal report)
from wwtest import Collector, check, enroll, http  # noqa: E402


def post(c, token, body, encoding=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if encoding:
        headers["Content-Encoding"] = encoding
    t = time.perf_counter()
    status, text, _ = http("POST", c.url + "/api/v1/reports", body, headers, timeout=30)
    return status, time.perf_counter() - t, text


def rows(c):
    db = sqlite3.connect("file:%s/wardwatch.db?mode=ro" % c.data_dir, uri=True)
    try:
        return db.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        db.close()


def paths(doc, prefix=()):
    """Every (path, value) in the document, depth first."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield prefix + (k,), v
            yield from paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield prefix + (i,), v
            yield from paths(v, prefix + (i,))


def replaced(doc, path, value):
    d = copy.deepcopy(doc)
    node = d
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return d


def deleted(doc, path):
    d = copy.deepcopy(doc)
    node = d
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return d


def malformed(machine_id):
    """(name, body bytes) pairs, each a report the collector must refuse."""
    base = report(machine_id, machine_id, 1000)
    text = json.dumps(base).encode()
    out = []
    for i in range(1, 61):  # truncated anywhere
        out.append(("truncated at %d" % (len(text) * i // 61), text[:len(text) * i // 61]))
    # Sections (system, network, ...) may be absent by the schema; these may not.
    required = [("schema_version",), ("machine",), ("machine", "id"), ("sequence",),
                ("collected_at_ms",)]
    for p in required:
        out.append(("missing " + ".".join(map(str, p)), json.dumps(deleted(base, p)).encode()))
    strings = [p for p, v in paths(base) if isinstance(v, str)]
    numbers = [p for p, v in paths(base) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    for p in strings:  # wrong types where a string belongs
        for bad in ([1, 2], {"x": 1}, 12345):
            out.append(("%s as %s" % (".".join(map(str, p)), type(bad).__name__),
                        json.dumps(replaced(base, p, bad)).encode()))
    for p in numbers:  # wrong types and out-of-range numbers where a number belongs
        for bad in ("12", [1], {"n": 1}, True):
            out.append(("%s as %s" % (".".join(map(str, p)), type(bad).__name__),
                        json.dumps(replaced(base, p, bad)).encode()))
        marker = json.dumps(replaced(base, p, "@@N@@"))
        out.append(("%s = 1e400" % ".".join(map(str, p)), marker.replace('"@@N@@"', "1e400").encode()))
    for p in strings[:15]:  # invalid UTF-8 and raw NUL inside strings
        marker = json.dumps(replaced(base, p, "@@S@@")).encode()
        out.append(("%s invalid UTF-8" % ".".join(map(str, p)), marker.replace(b'"@@S@@"', b'"\xff\xfe\xc0"')))
        out.append(("%s raw NUL" % ".".join(map(str, p)), marker.replace(b'"@@S@@"', b'"a\x00b"')))
    for depth in (33, 100, 10000):  # deep nesting
        deep = "[" * depth + "]" * depth
        marker = json.dumps(replaced(base, ("system", "dmi"), "@@D@@"))
        out.append(("nesting %d" % depth, marker.replace('"@@D@@"', deep).encode()))
    out.append(("empty body", b""))
    out.append(("not an object", b"[1,2,3]"))
    out.append(("NUL bytes only", b"\x00" * 1000))
    return out


def slowloris(c, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", c.port), timeout=5)
        s.sendall(b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    return socks


def drip_until_closed(socks, seconds):
    """Sends one header byte per second on each; returns how many the server closed."""
    closed = set()
    end = time.time() + seconds
    while time.time() < end and len(closed) < len(socks):
        for i, s in enumerate(socks):
            if i in closed:
                continue
            try:
                s.sendall(b"X")
                s.setblocking(False)
                try:
                    if s.recv(4096) == b"":
                        closed.add(i)
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
            except OSError:
                closed.add(i)
        time.sleep(1)
    for s in socks:
        s.close()
    return len(closed)


def main():
    c = Collector(sys.argv[1]).start()
    try:
        token = enroll(c, "legit-pc")
        attacker = enroll(c, "hostile-pc")
        seq = 1
        for _ in range(10):
            status, _, _ = post(c, token, json.dumps(report("legit-pc", "legit-pc", seq)).encode())
            check(status == 200, "legit report before the attack: HTTP %d" % status)
            seq += 1
        before = rows(c)

        socks = slowloris(c, 40)

        # Oversized header: cut off with 431/400, fast.
        with socket.create_connection(("127.0.0.1", c.port), timeout=10) as s:
            s.sendall(b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n")
            answer = s.recv(4096)
        check(answer.startswith(b"HTTP/1.1 4"), "oversized header answer: %r" % answer[:80])

        # Oversized body announced: 413 before the body is sent.
        with socket.create_connection(("127.0.0.1", c.port), timeout=10) as s:
            s.sendall(("POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                       "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                       % (attacker, 50 * 1024 * 1024)).encode())
            answer = s.recv(4096)
        check(answer.startswith(b"HTTP/1.1 413"), "oversized body answer: %r" % answer[:80])

        # gzip bomb: 64 MiB of zeros in about 64 KiB.
        status, secs, _ = post(c, attacker, gzip.compress(b"\x00" * (64 << 20), 9), "gzip")
        check(status == 413, "gzip bomb: HTTP %d" % status)

        cases = malformed("hostile-pc")
        check(len(cases) >= 200, "only %d malformed reports generated" % len(cases))
        accepted, slow, legit_ok = [], [], 0
        for i, (name, body) in enumerate(cases):
            status, secs, text = post(c, attacker, body)
            if not 400 <= status < 500:
                accepted.append("%s: HTTP %d %s" % (name, status, text[:120]))
            if secs > 2:
                slow.append("%s: %.1f s" % (name, secs))
            if i % 20 == 0:  # the legitimate agent keeps reporting during the attack
                st, _, _ = post(c, token, json.dumps(report("legit-pc", "legit-pc", seq)).encode())
                legit_ok += st == 200
                seq += 1
        check(not accepted, "%d malformed reports not refused with a 4xx:\n  %s" %
              (len(accepted), "\n  ".join(accepted[:20])))
        check(not slow, "malformed reports answered slowly: %s" % slow[:5])
        legit_sent = (len(cases) + 19) // 20
        check(legit_ok == legit_sent, "legit reports during the attack: %d of %d stored" %
              (legit_ok, legit_sent))

        cut = drip_until_closed(socks, 25)
        check(cut == len(socks), "slowloris: only %d of %d connections cut off in 25 s" %
              (cut, len(socks)))
        check(rows(c) == before + legit_sent,
              "rows: %d before, %d legit during, %d now (something malformed was stored?)" %
              (before, legit_sent, rows(c)))
        check(http("GET", c.url + "/healthz")[0] == 200, "collector unhealthy after the attack")
        print("hostile clients: %d malformed reports refused, %d slowloris cut, %d legit stored"
              % (len(cases), cut, legit_ok))
    finally:
        c.stop()


if __name__ == "__main__":
    main()
