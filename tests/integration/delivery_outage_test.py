#!/usr/bin/env python3
"""No report lost, none twice: collector down, collector SIGKILLed, agent SIGKILLed.

Usage: delivery_outage_test.py PATH/TO/wardwatch-agent PATH/TO/wardwatch-collector
1. The collector is down while the agent produces N reports (`--once` N times, each exits 1
   and keeps the report spooled); then it starts: one more run delivers all N+1, in order, once.
2. The collector is SIGKILLed and restarted repeatedly while an agent streams reports every
   second: every report the agent had acknowledged at each kill is in the database, none is
   stored twice, `PRAGMA integrity_check` is ok, and after a final drain all of them arrived.
3. The agent is SIGKILLed repeatedly while it streams and is restarted: every record ever seen
   in its spool arrives, none twice.
4. The agent is SIGKILLed while a report is certainly in flight, at the two moments that
   matter, through an HTTP proxy on loopback that holds the exchange:
   a. the collector has committed the report, its 2xx is held back: the restarted agent sends
      it again, the collector answers "duplicate" and stores it once;
   b. half the body has been sent: nothing is stored; the restarted agent sends it whole.
"""
import gzip
import http.client
import http.server
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_common import (Agent, Collector, check, finish, free_port, metric_value,  # noqa: E402
                             temp_dir, wait_for)

N = 6


def collector_down_then_up(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c1"))
    a = Agent(agent_bin, os.path.join(tmp, "a1"), "outage-pc-1", c.base)
    codes = [a.once()[0] for _ in range(N)]
    check(all(code == 1 for code in codes), f"{N} runs with the collector down exit 1 (kept): {codes}")
    check(len(a.spooled_sequences()) == N, f"{N} reports wait in the spool: {a.spooled_sequences()}")
    c.start()
    try:
        code, err = a.once()
        check(code == 0, f"with the collector up the run delivers everything (exit {code}) {err[-300:]}")
        seqs = c.sequences("outage-pc-1")
        check(seqs == list(range(1, N + 2)), f"all {N}+1 arrived in order, once: {seqs}")
        check(a.spooled_sequences() == [], "the spool is empty afterwards")
        check(c.integrity() == "ok", "integrity_check ok")
    finally:
        c.stop()


def collector_killed_during_stream(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c2"))
    c.start()
    a = Agent(agent_bin, os.path.join(tmp, "a2"), "outage-pc-2", c.base)
    proc = a.start("--interval", "1")
    acked_at_kill = []
    try:
        rnd = random.Random(2)
        for _ in range(5):
            time.sleep(1.0 + rnd.random())
            c.kill()
            acked_at_kill.append(a.spool_state().get("acked", 0))
            # Everything acknowledged before the kill was committed before its 2xx.
            stored = set(c.sequences("outage-pc-2"))
            missing = [q for q in range(1, acked_at_kill[-1] + 1) if q not in stored]
            check(not missing, f"after SIGKILL #{len(acked_at_kill)}: all {acked_at_kill[-1]} "
                               f"acknowledged reports are stored (missing {missing})")
            time.sleep(rnd.random())
            c.start()
        time.sleep(2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    try:
        # Drain what is left (the agent stopped between two attempts perhaps).
        wait_for(lambda: a.once()[0] == 0, 30, step=0.5)
        with c.db() as db:
            total, distinct = db.execute(
                "SELECT count(*), count(DISTINCT sequence) FROM reports WHERE machine_id = ?",
                ("outage-pc-2",)).fetchone()
        seqs = sorted(c.sequences("outage-pc-2"))
        check(total == distinct, f"no report stored twice ({total} rows, {distinct} sequences)")
        check(seqs == list(range(1, len(seqs) + 1)),
              f"sequences 1..{len(seqs)} without a gap after {len(acked_at_kill)} kills")
        check(len(seqs) >= max(acked_at_kill) + 1, f"{len(seqs)} reports stored, "
                                                 f"acked at kills {acked_at_kill}")
        check(c.integrity() == "ok", "integrity_check ok after repeated SIGKILL")
        state = a.spool_state()
        check(state.get("dropped", 0) == 0 and state.get("corrupt", 0) == 0,
              f"the agent dropped nothing: {state}")
    finally:
        c.stop()


def agent_killed_mid_send(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c3"))
    c.start()
    a = Agent(agent_bin, os.path.join(tmp, "a3"), "outage-pc-3", c.base)
    seen_in_spool = set()
    rnd = random.Random(3)
    kills = 0
    try:
        for _ in range(6):
            proc = a.start("--interval", "1")
            time.sleep(0.7 + 1.3 * rnd.random())
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            seen_in_spool.update(a.spooled_sequences())
        code, err = a.once()
        check(code == 0, f"after {kills} SIGKILLs a run delivers the rest (exit {code}) {err[-300:]}")
        seqs = c.sequences("outage-pc-3")
        with open(os.path.join(a.state_dir, "sequence")) as f:
            last = int(f.read().split()[0]) if f else 0
        check(len(seqs) == len(set(seqs)), f"none stored twice ({len(seqs)} rows)")
        lost = sorted(seen_in_spool - set(seqs))
        check(not lost, f"every report seen in the spool arrived ({len(seen_in_spool)} seen, lost {lost})")
        gaps = sorted(set(range(1, last + 1)) - set(seqs))
        # A sequence number is taken before collection: a kill between taking it and spooling
        # the report leaves a number that never became a report, at most one per kill.
        check(len(gaps) <= kills, f"sequence gaps {gaps} only where an agent was killed ({kills})")
        check(c.integrity() == "ok", "integrity_check ok")
    finally:
        c.stop()


class HoldingProxy:
    """A reverse proxy on 127.0.0.1 in front of the collector. Passes everything through until
    `hold` is set; then the next POST /api/v1/reports is held: "after_commit" forwards it and
    keeps the collector's answer back, "mid_body" reads half the body and forwards nothing.
    `held` is set once the exchange is held, `held_sequence` names the report."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.hold = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.held_sequence = None
        self.held_status = None
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                mode = proxy.hold if (self.command == "POST" and
                                      self.path == "/api/v1/reports") else None
                if mode == "mid_body":
                    self.rfile.read(length // 2)
                    proxy.hold = None
                    proxy.held.set()
                    proxy.release.wait(30)
                    self.close_connection = True
                    return
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "connection", "content-length")}
                up = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=20)
                up.request(self.command, self.path, body=body, headers=headers)
                resp = up.getresponse()
                data = resp.read()
                up.close()
                if mode == "after_commit" and 200 <= resp.status < 300:
                    raw = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
                    proxy.held_sequence = json.loads(raw)["sequence"]
                    proxy.held_status = resp.status
                    proxy.hold = None
                    proxy.held.set()
                    proxy.release.wait(30)
                    self.close_connection = True
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _relay

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.port}"

    def arm(self, mode):
        self.held.clear()
        self.release.clear()
        self.held_sequence = None
        self.hold = mode

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def agent_killed_with_a_report_in_flight(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c4"))
    c.start()
    proxy = HoldingProxy(c.port)
    machine = "outage-pc-4"
    a = Agent(agent_bin, os.path.join(tmp, "a4"), machine, proxy.base)
    try:
        code, err = a.once()  # enrolled, one report delivered through the proxy
        check(code == 0, f"through the proxy: enrolled and delivered (exit {code}) {err[-300:]}")
        for mode in ("after_commit", "mid_body"):
            before = set(c.sequences(machine))
            dup_before = metric_value(c.metrics(), "wardwatch_collector_reports_duplicate_total") or 0
            proxy.arm(mode)
            proc = a.start("--interval", "1")
            held = proxy.held.wait(30)
            check(held, f"{mode}: a report was held in flight")
            if not held:
                proc.kill()
                proc.wait()
                continue
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proxy.release.set()
            stored_at_kill = set(c.sequences(machine)) - before
            if mode == "after_commit":
                seq = proxy.held_sequence
                check(seq in stored_at_kill,
                      f"{mode}: report {seq} committed by the collector before the kill")
                check(seq in a.spooled_sequences(),
                      f"{mode}: report {seq} still in the killed agent's spool (no 2xx seen)")
            else:
                check(not stored_at_kill,
                      f"{mode}: nothing stored from a half-sent body ({sorted(stored_at_kill)})")
                pending = a.spooled_sequences()
                check(len(pending) >= 1, f"{mode}: the half-sent report is still spooled {pending}")
            code, err = a.once()
            check(code == 0, f"{mode}: the restarted agent delivers (exit {code}) {err[-300:]}")
            seqs = c.sequences(machine)
            check(len(seqs) == len(set(seqs)), f"{mode}: none stored twice ({len(seqs)} rows)")
            check(not a.spooled_sequences(), f"{mode}: the spool is empty afterwards")
            dup_after = metric_value(c.metrics(), "wardwatch_collector_reports_duplicate_total") or 0
            if mode == "after_commit":
                check(dup_after >= dup_before + 1,
                      f"{mode}: the resent report was answered as a duplicate "
                      f"({dup_before:.0f} -> {dup_after:.0f})")
            else:
                check(seqs == sorted(seqs), f"{mode}: stored in order {seqs}")
        check(c.integrity() == "ok", "integrity_check ok")
    finally:
        proxy.close()
        c.stop()


def main():
    agent_bin, collector_bin = sys.argv[1], sys.argv[2]
    tmp = temp_dir("outage")
    started = time.time()
    collector_down_then_up(agent_bin, collector_bin, tmp)
    collector_killed_during_stream(agent_bin, collector_bin, tmp)
    agent_killed_mid_send(agent_bin, collector_bin, tmp)
    agent_killed_with_a_report_in_flight(agent_bin, collector_bin, tmp)
    print(f"took {time.time() - started:.1f} s; files in {tmp}")
    finish()


if __name__ == "__main__":
    main()
