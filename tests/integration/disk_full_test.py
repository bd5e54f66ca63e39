#!/usr/bin/env python3
"""The collector's data folder fills up (issue 11): a real collector on a 6 MiB tmpfs.

A filler file takes the free space, so SQLite cannot grow its WAL: ingest answers 503 with
Retry-After, the log names the failed transaction, wardwatch_collector_reports_rejected_total
{reason="storage_error"} counts it, and no partial row is stored. When the filler is removed the
very same reports are accepted again without a restart, and every report acknowledged before,
during and after is in SQLite exactly once.

Needs root to mount the tmpfs; exits 77 (skipped) when it cannot.
Usage: disk_full_test.py COLLECTOR
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collector_http_test import report  # noqa: E402
from wwtest import Collector, check, http, samples  # noqa: E402


def post(c, token, seq):
    body = report("pc-1", "pc-1", seq)
    status, text, headers = http("POST", c.url + "/api/v1/reports", json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + token,
                                  "Content-Type": "application/json"}, timeout=30)
    return status, headers


def main():
    mnt = tempfile.mkdtemp(prefix="ww-diskfull-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("skipped: cannot mount a tmpfs here (needs root)")
        sys.exit(77)
    c = None
    try:
        c = Collector(sys.argv[1], data_dir=os.path.join(mnt, "data")).start()
        status, body, _ = http("POST", c.url + "/api/v1/enroll",
                               json.dumps({"machine_id": "pc-1", "hostname": "pc-1"}).encode(),
                               {"Authorization": "Bearer " + c.enroll_token,
                                "Content-Type": "application/json"})
        check(status in (200, 201), "enroll: HTTP %d" % status)
        token = json.loads(body)["machine_token"]
        acked = set()
        seq = 1
        for _ in range(5):
            status, _ = post(c, token, seq)
            check(status == 200, "before the disk fills: HTTP %d" % status)
            acked.add(seq)
            seq += 1

        # Take every free byte.
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        refused = []
        for _ in range(3000):
            status, headers = post(c, token, seq)
            if status == 200:
                acked.add(seq)
                seq += 1
                continue
            check(status == 503, "disk full: expected 503, got %d" % status)
            check("Retry-After" in headers, "disk full: 503 without Retry-After")
            refused.append(seq)
            break
        check(refused, "the disk never filled: 3000 more reports were stored")
        metrics = c.metrics()
        errors = samples(metrics, "wardwatch_collector_reports_rejected_total",
                         reason="storage_error")
        check(errors and errors[0] >= 1, "no storage_error count on /metrics: %s" % errors)
        log = open(c.log, encoding="utf-8", errors="replace").read()
        check("failed and was rolled back" in log, "no log line names the failed transaction")

        # Space returns: the same report goes in, then more, with no restart.
        os.remove(filler)
        deadline = time.time() + 20
        while True:
            status, _ = post(c, token, refused[0])
            if status == 200 or time.time() > deadline:
                break
            time.sleep(0.5)
        check(status == 200, "after space returned: HTTP %d" % status)
        acked.add(refused[0])
        seq = refused[0] + 1
        for _ in range(5):
            status, _ = post(c, token, seq)
            check(status == 200, "after space returned: HTTP %d" % status)
            acked.add(seq)
            seq += 1
        db = sqlite3.connect("file:%s/wardwatch.db?mode=ro" % c.data_dir, uri=True)
        stored = [r[0] for r in db.execute("SELECT sequence FROM reports ORDER BY sequence")]
        db.close()
        check(sorted(acked) == stored, "acknowledged %s but stored %s" % (sorted(acked), stored))
        check(http("GET", c.url + "/healthz")[0] == 200, "collector unhealthy at the end")
        print("disk full: %d stored, refused #%d with 503 while full, accepted it after" %
              (len(stored), refused[0]))
    finally:
        if c:
            c.stop()
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)


if __name__ == "__main__":
    main()
