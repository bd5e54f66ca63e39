#!/usr/bin/env python3
"""The collector's data folder fills up (issue 11): a real collector on a 6 MiB tmpfs.

A filler file takes the free space, so SQLite cannot grow its WAL: ingest answers 503 with
Retry-After, the log names the failed transaction, wardwatch_collector_reports_rejected_total
{reason="storage_error"} counts it, and no partial row is stored. When the filler is removed the
very same reports are accepted again without a restart, and every report acknowledged before,
during and after is in SQLite exactly once.

Meanwhile three real wardwatch-agent processes report every second: during the gap nothing of
theirs is stored and their reports wait in their spools; once space returns they deliver them
by themselves (the spools empty), and each agent's reports are in SQLite as sequences 1..last
(its state/sequence file), none missing, none twice, nothing dropped or dead-lettered.

Needs root to mount the tmpfs; exits 77 (skipped) when it cannot.
Usage: disk_full_test.py COLLECTOR [AGENT]   (without AGENT, the agents' part is left out)
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from collector_http_test import report  # noqa: E402
from delivery_common import ENROLL_TOKEN, Agent  # noqa: E402  (real agents, spool reader)
from wwtest import Collector, check, enroll, http, samples, wait_until  # noqa: E402

AGENTS = 3


def post(c, token, seq):
    body = report("pc-1", "pc-1", seq)
    status, text, headers = http("POST", c.url + "/api/v1/reports", json.dumps(body).encode(),
                                 {"Authorization": "Bearer " + token,
                                  "Content-Type": "application/json"}, timeout=30)
    return status, headers


def stored(c, machine_id):
    """(sequences in order, row count) of one machine in the collector's SQLite store."""
    db = sqlite3.connect("file:%s/wardwatch.db?mode=ro" % c.data_dir, uri=True, timeout=10)
    try:
        seqs = [r[0] for r in db.execute(
            "SELECT sequence FROM reports WHERE machine_id = ? ORDER BY sequence", (machine_id,))]
        rows = db.execute("SELECT count(*) FROM reports WHERE machine_id = ?",
                          (machine_id,)).fetchone()[0]
    finally:
        db.close()
    return seqs, rows


def check_agents_delivered(c, agents, procs, held):
    """After space returned: the spools empty by themselves, then every report is stored once."""
    wait_until(lambda: all(not a.spooled_sequences() for a in agents), timeout=30,
               what="the agents' spools to empty after space returned")
    for a in agents:
        seqs = set(stored(c, a.machine_id)[0])
        missing = sorted(set(held[a.machine_id]) - seqs)
        check(not missing, "%s: reports held in the spool during the gap are not stored: %s" %
              (a.machine_id, missing))
    for p in procs:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)
    for a in agents:
        # A report taken between the last delivery and SIGTERM waits in the spool: a last run
        # (one more report) sends it and says nothing is kept.
        code, err = a.once()
        check(code == 0, "%s: a last run delivers everything (exit %d) %s" %
              (a.machine_id, code, err[-300:]))
        with open(os.path.join(a.state_dir, "sequence")) as f:
            last = int(f.read().split()[0])
        seqs, rows = stored(c, a.machine_id)
        check(seqs == list(range(1, last + 1)),
              "%s: stored %s, expected 1..%d" % (a.machine_id, seqs, last))
        check(rows == len(seqs), "%s: %d rows for %d sequences" % (a.machine_id, rows, len(seqs)))
        check(not a.spooled_sequences(), "%s: spool not empty: %s" %
              (a.machine_id, a.spooled_sequences()))
        state = a.spool_state()
        check(state.get("dropped", 0) == 0 and state.get("corrupt", 0) == 0,
              "%s: the spool dropped or skipped reports: %s" % (a.machine_id, state))
        check(not os.path.exists(os.path.join(a.spool_dir(), "deadletter.jsonl")),
              "%s: reports were dead-lettered" % a.machine_id)
        print("agent %s: %d reports stored once each, %d of them held in its spool during the "
              "gap" % (a.machine_id, len(seqs), len(held[a.machine_id])))


def main():
    agent_bin = sys.argv[2] if len(sys.argv) > 2 else None
    mnt = tempfile.mkdtemp(prefix="ww-diskfull-")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("skipped: cannot mount a tmpfs here (needs root)")
        sys.exit(77)
    agents_root = tempfile.mkdtemp(prefix="ww-diskfull-agents-")  # spools off the full disk
    c = None
    procs = []
    try:
        c = Collector(sys.argv[1], data_dir=os.path.join(mnt, "data"),
                      enroll_token=ENROLL_TOKEN).start()
        token = enroll(c, "pc-1")
        agents = []
        if agent_bin:
            for i in range(AGENTS):
                a = Agent(agent_bin, os.path.join(agents_root, "a%d" % i),
                          "diskfull-pc-%d" % (i + 1), c.url)
                agents.append(a)
                procs.append(a.start("--interval", "1"))
            wait_until(lambda: all(len(stored(c, a.machine_id)[0]) >= 2 for a in agents),
                       timeout=30, what="every agent's first reports stored")
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

        held = {}
        if agents:
            # The gap: the agents keep reporting; their reports wait in their spools.
            at_full = {a.machine_id: stored(c, a.machine_id)[0] for a in agents}
            wait_until(lambda: all(len(a.spooled_sequences()) >= 3 for a in agents), timeout=20,
                       what="three reports waiting in every agent's spool while the disk is full")
            held = {a.machine_id: a.spooled_sequences() for a in agents}
            for a in agents:
                check(stored(c, a.machine_id)[0] == at_full[a.machine_id],
                      "%s: stored during the gap" % a.machine_id)
                with open(a.log_path, errors="replace") as f:
                    check("503" in f.read(), "%s: its log does not show the 503" % a.machine_id)

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
        pc1 = stored(c, "pc-1")[0]
        check(sorted(acked) == pc1, "acknowledged %s but stored %s" % (sorted(acked), pc1))
        if agents:
            check_agents_delivered(c, agents, procs, held)
        check(http("GET", c.url + "/healthz")[0] == 200, "collector unhealthy at the end")
        print("disk full: %d stored, refused #%d with 503 while full, accepted it after" %
              (len(pc1), refused[0]))
        if not agents:
            print("note: no agent binary given; the agents' spools were not tried")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        if c:
            c.stop()
        subprocess.run(["umount", mnt])
        os.rmdir(mnt)
        shutil.rmtree(agents_root, ignore_errors=True)


if __name__ == "__main__":
    main()
