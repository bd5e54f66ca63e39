#!/usr/bin/env python3
"""End to end with real servers on loopback: two wardwatch-collectors (two offices, --site),
each fed by the simulator (or, failing that, this machine's agent), one real Prometheus
scraping both with the shipped prometheus-two-offices.yml and rules, then every dashboard
query and rule expression run through check_queries.py.

Exit 77 (CTest SKIP_RETURN_CODE) when a needed binary does not exist yet: the collector,
a feeder (wardwatch-simulate or wardwatch-agent), or prometheus.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(HERE))
import wardwatch_queries as wq  # noqa: E402

SKIP = 77
SITES = ("p1", "p2")
ENROLL_TOKEN = "dashboards-test-enroll"
API_TOKEN = "dashboards-test-api"


def executable(path):
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, deadline_s, what):
    end = time.time() + deadline_s
    last = None
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {deadline_s}s: {last}")


def query(prom, expr):
    url = f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)["data"]["result"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collector", default="")
    ap.add_argument("--simulate", default="")
    ap.add_argument("--agent", default="")
    ap.add_argument("--prometheus", default=shutil.which("prometheus") or "")
    ap.add_argument("--promtool", default=shutil.which("promtool") or "")
    ap.add_argument("--machines", type=int, default=6)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()

    if not executable(args.collector):
        print(f"SKIP: collector binary not built ({args.collector or 'wardwatch-collector target absent'})")
        return SKIP
    if not (executable(args.simulate) or executable(args.agent)):
        print("SKIP: neither wardwatch-simulate nor wardwatch-agent is built")
        return SKIP
    if not executable(args.prometheus) or not executable(args.promtool):
        print("SKIP: prometheus/promtool not installed (Debian package prometheus)")
        return SKIP

    work = pathlib.Path(tempfile.mkdtemp(prefix="ww-dash-"))
    procs = []
    logs = []

    def start(cmd, name):
        log = open(work / f"{name}.log", "w")
        logs.append((name, work / f"{name}.log"))
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        procs.append((name, p))
        return p

    try:
        ports = {site: free_port() for site in SITES}
        for site in SITES:
            start([args.collector, "--listen", f"127.0.0.1:{ports[site]}",
                   "--data-dir", str(work / f"data-{site}"), "--enroll-token", ENROLL_TOKEN,
                   "--api-token", API_TOKEN, "--site", site], f"collector-{site}")
        for site in SITES:
            wait_http(f"http://127.0.0.1:{ports[site]}/healthz", 20, f"collector {site}")

        for n, site in enumerate(SITES):
            url = f"http://127.0.0.1:{ports[site]}"
            if executable(args.simulate):
                # Backfill one day, then keep streaming live so counters move between scrapes.
                start([args.simulate, "--collector", url, "--enroll-token", ENROLL_TOKEN,
                       "--machines", str(args.machines), "--seed", str(n + 1), "--days", "1",
                       "--live"], f"simulate-{site}")
            else:
                start_agent = [args.agent, "--collector", url, "--enroll-token", ENROLL_TOKEN,
                               "--state-dir", str(work / f"agent-{site}"), "--interval", "5"]
                start(start_agent, f"agent-{site}")

        # The shipped two-office configuration, pointed at these ports and rules.
        cfg = (wq.REPO / "dashboards" / "prometheus" / "prometheus-two-offices.yml").read_text()
        cfg = cfg.replace("127.0.0.1:9477", f"127.0.0.1:{ports['p1']}")
        cfg = cfg.replace("127.0.0.1:9478", f"127.0.0.1:{ports['p2']}")
        cfg = re.sub(r"(scrape|evaluation)_interval: \S+", r"\1_interval: 5s", cfg)
        cfg = cfg.replace("- rules/*.yml", f"- {wq.RULES_DIR}/*.yml")
        cfg_path = work / "prometheus.yml"
        cfg_path.write_text(cfg)
        subprocess.run([args.promtool, "check", "config", str(cfg_path)], check=True,
                       capture_output=True)
        prom_port = free_port()
        prom = f"http://127.0.0.1:{prom_port}"
        start([args.prometheus, f"--config.file={cfg_path}", f"--storage.tsdb.path={work / 'tsdb'}",
               f"--web.listen-address=127.0.0.1:{prom_port}"], "prometheus")
        wait_http(prom + "/-/ready", 30, "prometheus")

        # Wait for both offices' machines and a few scrapes (rates need two samples).
        end = time.time() + 300
        while time.time() < end:
            sites = {r["metric"].get("site") for r in
                     query(prom, "count by (site) (wardwatch_machine_last_report_timestamp_seconds)")}
            scrapes = query(prom, 'min(count_over_time(up{job=~"wardwatch.*"}[5m]))')
            if sites >= set(SITES) and scrapes and float(scrapes[0]["value"][1]) >= 4:
                break
            time.sleep(2)
        else:
            raise RuntimeError(f"Prometheus never saw machines of both sites {SITES}: saw {sites}")
        print(f"Prometheus scrapes both offices: sites {sorted(s for s in sites if s)}")

        # Cardinality: series per machine, for sizing a central store (docs/dashboards.md).
        per_machine = query(prom, 'count({job=~"wardwatch.*", instance!~"127\\\\.0\\\\.0\\\\.1:[0-9]+"})'
                                  ' / count(wardwatch_machine_last_report_timestamp_seconds)')
        site_level = query(prom, 'count({job=~"wardwatch.*", instance=~"127\\\\.0\\\\.0\\\\.1:[0-9]+"})')
        if per_machine and site_level:
            print(f"series per machine: {float(per_machine[0]['value'][1]):.0f}; "
                  f"collector-level series (both offices): {site_level[0]['value'][1]}")
        rc = subprocess.run([sys.executable, str(HERE / "check_queries.py"), "--prometheus", prom,
                             "--report", str(work / "check-report.json")]).returncode
        # The site filter must really filter: with $site=p1 no p2 series may come back.
        leaked = query(prom, 'count by (site) (wardwatch_machine_last_report_timestamp_seconds{site=~"p1"})')
        if {r["metric"].get("site") for r in leaked} != {"p1"}:
            print(f"FAIL: site filter p1 returned {leaked}")
            rc = rc or 1
        return rc
    except Exception as e:  # report, with the servers' logs, and fail
        print(f"FAIL: {e}")
        for name, path in logs:
            print(f"--- {name} log (tail) ---")
            print("\n".join(path.read_text(errors="replace").splitlines()[-20:]))
        return 1
    finally:
        for _, p in reversed(procs):
            p.terminate()
        for _, p in reversed(procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
