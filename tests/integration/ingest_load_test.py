#!/usr/bin/env python3
"""Short version of bench/ingest/run.sh: simulated agents on loopback against a real collector.

1. Steady load (open loop): every report is acknowledged with a 2xx, and what was acknowledged
   is exactly what the SQLite file holds.
2. Burst above capacity (a write queue of 2 reports, many agents at once, and the database held
   by another writer for 1.5 s once the first reports are stored, as a stalled disk would): the
   collector sheds load with 503 + Retry-After, stays up, and every report it acknowledged is
   in SQLite; the agents' retries get everything in. (Without the stall, whether a queue of 2
   overflows depends on how fast the load generator is against the writer: under ASan, alone
   on the machine, it never did.)
3. The program runs on the allocator it was built for: linked with jemalloc, its start-up log
   says jemalloc with its background thread (the settings in allocator_jemalloc.cpp were read);
   otherwise glibc malloc.

Usage: ingest_load_test.py COLLECTOR INGEST_LOAD
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wwtest import Collector, check, http, samples  # noqa: E402


def load(binary, collector, *args):
    out = subprocess.run([binary, "--collector", collector.url, "--enroll-token",
                          collector.enroll_token, "--collector-pid", str(collector.proc.pid),
                          "--data-dir", collector.data_dir] + list(args),
                         capture_output=True, text=True, timeout=120)
    check(out.returncode == 0, "load generator failed: " + out.stderr[-2000:])
    return json.loads(out.stdout)


def stored_rows(collector):
    db = sqlite3.connect("file:%s/wardwatch.db?mode=ro" % collector.data_dir, uri=True)
    try:
        return db.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        db.close()


def allocator_line(collector):
    for line in open(collector.log, encoding="utf-8", errors="replace"):
        if " memory: " in line:
            return line.split(" memory: ", 1)[1].strip()
    return ""


def main():
    collector_bin, load_bin = sys.argv[1], sys.argv[2]

    c = Collector(collector_bin).start()
    try:
        needed = subprocess.run(["readelf", "-d", collector_bin], capture_output=True,
                                text=True).stdout
        said = allocator_line(c)
        if "libjemalloc" in needed:
            check(said == "jemalloc, unused pages returned by its background thread",
                  "linked with jemalloc, but the collector says: %r" % said)
        else:
            check(said.startswith("glibc malloc"), "glibc build, but the collector says: %r" % said)
        r = load(load_bin, c, "--agents", "20", "--rate", "40", "--duration", "5")
        print("steady:", json.dumps({k: r[k] for k in (
            "sent", "acknowledged", "non_2xx", "latency_ms_p50", "latency_ms_p99")}))
        check(r["sent"] >= 150, "steady: only %d reports sent in 5 s at 40/s" % r["sent"])
        check(r["non_2xx"] == 0, "steady: non-2xx answers under light load: %s" % r["status"])
        check(r["connection_errors"] == 0, "steady: connection errors: %d" % r["connection_errors"])
        check(r["acknowledged"] == r["sent"], "steady: %d sent, %d acknowledged" %
              (r["sent"], r["acknowledged"]))
        rows = stored_rows(c)
        check(rows == r["acknowledged"] - r["acknowledged_as_duplicate"],
              "steady: %d acknowledged but %d rows in SQLite" % (r["acknowledged"], rows))
        check(r["collector_rss_mib"].get("max", 0) > 0, "collector RSS was not sampled")
    finally:
        c.stop()

    c = Collector(collector_bin, extra=["--ingest-queue", "2"]).start()
    try:
        stalled = []

        def stall_writer():
            # Once reports flow, take SQLite's write lock for 1.5 s (the collector's busy_timeout
            # is 5 s, so its writer waits rather than fails) and let the queue fill behind it.
            end = time.time() + 60
            while time.time() < end:
                try:
                    if stored_rows(c) > 0:
                        break
                except sqlite3.Error:
                    pass
                time.sleep(0.05)
            db = sqlite3.connect("%s/wardwatch.db" % c.data_dir, timeout=10,
                                 isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                stalled.append(time.time())
                time.sleep(1.5)
                db.execute("ROLLBACK")
            finally:
                db.close()

        staller = threading.Thread(target=stall_writer, daemon=True)
        staller.start()
        r = load(load_bin, c, "--agents", "60", "--rate", "0", "--duration", "4")
        staller.join(timeout=30)
        check(stalled, "burst: the test never took the database's write lock")
        print("burst:", json.dumps({k: r[k] for k in (
            "sent", "acknowledged", "status", "retried_after_429_503")}))
        shed = r["status"].get("503", 0) + r["status"].get("429", 0)
        check(shed > 0, "burst: a queue of 2 and 60 agents never got a 503/429: %s" % r["status"])
        check(r["429_503_without_retry_after"] == 0,
              "burst: %d shed answers without Retry-After" % r["429_503_without_retry_after"])
        others = {k: v for k, v in r["status"].items()
                  if not k.startswith("2") and k not in ("503", "429")}
        check(not others, "burst: unexpected answers %s" % others)
        check(http("GET", c.url + "/healthz")[0] == 200, "burst: collector not healthy after")
        rows = stored_rows(c)
        check(rows == r["acknowledged"] - r["acknowledged_as_duplicate"],
              "burst: %d acknowledged but %d rows in SQLite" % (r["acknowledged"], rows))
        overloaded = samples(c.metrics(), "wardwatch_collector_reports_rejected_total",
                             reason="overloaded")
        check(overloaded and overloaded[0] == r["status"].get("503", 0),
              "burst: rejected_total{reason=overloaded} %s, but %d answers were 503" %
              (overloaded, r["status"].get("503", 0)))
    finally:
        c.stop()
    print("ingest load smoke: all checks passed")


if __name__ == "__main__":
    main()
