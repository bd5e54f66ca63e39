#!/usr/bin/env python3
"""The collector's closest peer, prometheus-pushgateway, given the same machines' series.

Reads the collector's exposition (its URL), splits it per instance, PUTs each machine's series
to a Pushgateway on 127.0.0.1 (grouping key job/instance, like an agent pushing its own
metrics), then times scrapes of both. Prints one JSON object.
Pushes stop after PUSH_SECONDS (default 180): at 1,000 machines the Pushgateway slows to about
one push a second, so the figures then say how many machines it took in that time.
Usage: pushgateway_peer.py COLLECTOR_URL COLLECTOR_PID [PUSH_SECONDS]
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

LABEL = re.compile(r'(,?)instance="((?:[^"\\]|\\.)*)"')


def get(url):
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
    return time.perf_counter() - t, body


def rss_mib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def split_by_instance(text):
    """{instance: body} with HELP/TYPE lines repeated and the instance label removed."""
    per = {}
    meta = []
    for line in text.splitlines():
        if line.startswith("# HELP") or line.startswith("# TYPE"):
            if line.startswith("# HELP"):
                meta = []
            meta.append(line)
            continue
        if not line or line.startswith("#"):
            continue
        m = LABEL.search(line)
        if not m:
            continue
        inst = m.group(2)
        sample = line[:m.start()] + line[m.end():]
        sample = sample.replace("{,", "{").replace("{}", "")
        fams = per.setdefault(inst, {})
        key = tuple(meta)
        fams.setdefault(key, []).append(sample)
    out = {}
    for inst, fams in per.items():
        lines = []
        for meta_lines, samples in fams.items():
            lines.extend(meta_lines)
            lines.extend(samples)
        out[inst] = "\n".join(lines) + "\n"
    return out


def main():
    url, pid = sys.argv[1], int(sys.argv[2])
    push_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 180.0
    times, sizes = [], []
    for _ in range(5):
        t, body = get(url + "/metrics")
        times.append(t)
        sizes.append(len(body))
    text = body.decode()
    result = {"collector": {"scrape_seconds_median": statistics.median(times),
                            "scrape_bytes": sizes[-1], "rss_mib": rss_mib(pid),
                            "samples": sum(1 for l in text.splitlines() if l and l[0] != "#")}}
    machines = split_by_instance(text)
    result["machines"] = len(machines)

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    pg = subprocess.Popen(["prometheus-pushgateway", "--web.listen-address=127.0.0.1:%d" % port,
                           "--persistence.file="], stdout=subprocess.DEVNULL,
                          stderr=open(os.path.join(tempfile.gettempdir(), "ww-pushgateway.log"), "w"))
    try:
        base = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                get(base + "/-/ready")
                break
            except Exception:
                time.sleep(0.1)
        lat = []
        errors = []

        deadline = time.perf_counter() + push_seconds

        def push(item):
            inst, body = item
            if time.perf_counter() > deadline:
                return
            req = urllib.request.Request(
                base + "/metrics/job/wardwatch/instance/" + urllib.request.quote(inst, safe=""),
                data=body.encode(), method="PUT")
            t = time.perf_counter()
            try:
                urllib.request.urlopen(req, timeout=300).read()
            except Exception as e:  # noqa: BLE001 - counted and reported
                errors.append(str(e)[:200])
            lat.append(time.perf_counter() - t)

        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(push, machines.items()))
        wall = time.perf_counter() - t0
        ptimes, psize = [], 0
        for _ in range(3):
            t, body = get(base + "/metrics")
            ptimes.append(t)
            psize = len(body)
        result["pushgateway"] = {"pushes": len(lat), "machines_offered": len(machines),
                                 "push_deadline_seconds": push_seconds,
                                 "push_errors": len(errors),
                                 "first_error": errors[0] if errors else "",
                                 "pushes_per_second": len(lat) / wall,
                                 "push_seconds_p50": statistics.median(lat),
                                 "scrape_seconds_median": statistics.median(ptimes),
                                 "scrape_bytes": psize, "rss_mib": rss_mib(pg.pid)}
    finally:
        pg.terminate()
        pg.wait()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
