#!/usr/bin/env python3
"""The agent's spool under pressure and damage, and dead letters, against a real collector.

Usage: delivery_spool_test.py PATH/TO/wardwatch-agent PATH/TO/wardwatch-collector
1. Spool cap: with --spool-max-bytes small and the collector away, the oldest reports are
   dropped; afterwards wardwatch_agent_reports_dropped_total (in the report and on /metrics)
   equals exactly produced - received, and what arrived is the newest, in order.
2. Bit-flipped and truncated spool segments: the damaged records are skipped and counted,
   every other record is delivered.
3. A record the collector refuses with 400 (an invalid report written into the spool with a
   valid checksum): the agent dead-letters it with the reason and delivers the rest.
"""
import gzip
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_common import (Agent, Collector, check, decode_records, encode_record,  # noqa: E402
                             finish, metric_value, stored_report, temp_dir)


def spool_cap(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c1"))
    a = Agent(agent_bin, os.path.join(tmp, "a1"), "spool-pc-1", c.base,
              extra=["--spool-max-bytes", "6000"])
    produced = 10
    for _ in range(produced):
        a.once()
    state = a.spool_state()
    check(state.get("dropped", 0) > 0, f"the cap dropped some of {produced} reports: {state}")
    kept = a.spooled_sequences()
    check(kept == list(range(produced - len(kept) + 1, produced + 1)),
          f"the newest stay, the oldest went: {kept}")
    c.start()
    try:
        code, _ = a.once()  # delivers the kept ones and report 11
        code2, _ = a.once()  # report 12 carries the final counters
        check(code == 0 and code2 == 0, f"both runs deliver (exit {code}, {code2})")
        total = produced + 2
        seqs = c.sequences("spool-pc-1")
        check(seqs == sorted(seqs) and len(seqs) == len(set(seqs)), f"in order, once: {seqs}")
        last = stored_report(c, "spool-pc-1", total)
        dropped = last["agent_health"]["reports_dropped_total"] if last else None
        check(dropped == total - len(seqs),
              f"reports_dropped_total {dropped} == produced {total} - received {len(seqs)}")
        exposed = metric_value(c.metrics(), "wardwatch_agent_reports_dropped_total")
        check(exposed == total - len(seqs), f"/metrics wardwatch_agent_reports_dropped_total "
                                            f"{exposed} == {total - len(seqs)}")
    finally:
        c.stop()


def damaged_spool(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c2"))
    a = Agent(agent_bin, os.path.join(tmp, "a2"), "spool-pc-2", c.base)
    for _ in range(6):
        a.once()
    segs = a.segments()
    check(len(segs) == 1, f"one segment holds the 6 reports: {segs}")
    with open(segs[0], "rb") as f:
        data = bytearray(f.read())
    recs = decode_records(bytes(data))
    check([r[0] for r in recs] == [1, 2, 3, 4, 5, 6], "6 valid records before the damage")
    # Flip one bit inside record 3's payload and tear record 6 (the last) in half.
    _, _, off3, len3 = recs[2]
    data[off3 + len3 // 2] ^= 0x04
    _, _, off6, len6 = recs[5]
    del data[off6 + len6 // 2:]
    with open(segs[0], "wb") as f:
        f.write(data)
    c.start()
    try:
        code, err = a.once()
        a.once()  # report 8 carries the counters of run 7
        seqs = c.sequences("spool-pc-2")
        check(seqs == [1, 2, 4, 5, 7, 8], f"the damaged records 3 and 6 are skipped, the rest "
                                          f"delivered in order: {seqs}")
        check(a.spool_state().get("corrupt") == 2, f"2 corrupt records counted: {a.spool_state()}")
        last = stored_report(c, "spool-pc-2", 8)
        check(last and last["agent_health"]["reports_dropped_total"] == 2,
              "the report counts the 2 damaged records as dropped")
    finally:
        c.stop()


def dead_letter(agent_bin, collector_bin, tmp):
    c = Collector(collector_bin, os.path.join(tmp, "c3"))
    a = Agent(agent_bin, os.path.join(tmp, "a3"), "spool-pc-3", c.base)
    for _ in range(3):
        a.once()
    segs = a.segments()
    with open(segs[0], "rb") as f:
        data = f.read()
    recs = decode_records(data)
    seq2, created2, off2, len2 = recs[1]
    bad = gzip.compress(json.dumps({"schema_version": 1, "machine": "not an object"}).encode())
    data = data[:off2] + encode_record(seq2, created2, bad) + data[off2 + len2:]
    with open(segs[0], "wb") as f:
        f.write(data)
    c.start()
    try:
        code, err = a.once()
        check(code == 0, f"the run ends with nothing left in the spool (exit {code}) {err[-300:]}")
        seqs = c.sequences("spool-pc-3")
        check(seqs == [1, 3, 4], f"reports 1, 3 and 4 delivered, 2 refused: {seqs}")
        path = os.path.join(a.spool_dir(), "deadletter.jsonl")
        lines = open(path).read().splitlines() if os.path.exists(path) else []
        entry = json.loads(lines[0]) if lines else {}
        check(len(lines) == 1 and entry.get("sequence") == 2 and entry.get("http_status") == 400,
              f"report 2 is in deadletter.jsonl with HTTP 400: {lines[:1]}")
        check("reason" in entry and len(entry["reason"]) > 10, f"with the reason: {entry.get('reason')}")
        check("dead-lettered" in err, "the agent logs the dead letter")
        a.once()
        last = stored_report(c, "spool-pc-3", 5)
        check(last and last["agent_health"]["reports_deadlettered_total"] == 1,
              "reports_deadlettered_total is 1 in the next report")
        exposed = metric_value(c.metrics(), "wardwatch_agent_reports_deadlettered_total")
        check(exposed == 1, f"/metrics wardwatch_agent_reports_deadlettered_total is {exposed}")
    finally:
        c.stop()


def main():
    agent_bin, collector_bin = sys.argv[1], sys.argv[2]
    tmp = temp_dir("spool")
    started = time.time()
    spool_cap(agent_bin, collector_bin, tmp)
    damaged_spool(agent_bin, collector_bin, tmp)
    dead_letter(agent_bin, collector_bin, tmp)
    print(f"took {time.time() - started:.1f} s; files in {tmp}")
    finish()


if __name__ == "__main__":
    main()
