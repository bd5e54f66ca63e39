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
"""
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_common import (Agent, Collector, check, finish, temp_dir, wait_for)  # noqa: E402

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


def main():
    agent_bin, collector_bin = sys.argv[1], sys.argv[2]
    tmp = temp_dir("outage")
    started = time.time()
    collector_down_then_up(agent_bin, collector_bin, tmp)
    collector_killed_during_stream(agent_bin, collector_bin, tmp)
    agent_killed_mid_send(agent_bin, collector_bin, tmp)
    print(f"took {time.time() - started:.1f} s; files in {tmp}")
    finish()


if __name__ == "__main__":
    main()
