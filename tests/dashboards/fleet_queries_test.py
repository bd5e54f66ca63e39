#!/usr/bin/env python3
"""End to end with real servers on loopback: two wardwatch-collectors (two offices, --site),
each fed by the simulator (or, failing that, this machine's agent), one real Prometheus
scraping both with the shipped prometheus-two-offices.yml and rules, then every dashboard
query and rule expression run through check_queries.py.

Every query runs once per office ($site=p1, then $site=p2), so each must return data for
the machines of both sites; the main "Node Exporter Full" (grafana.com 1860) panels are run
for every machine of each office's job.

Why the fleet is 10 machines x 7 days and why the checks wait for the backfill: the simulated
PCs are switched on only on working days (07:00-17:40, UTC+7), except the always-on ones
that the simulator plans from the ninth or tenth machine on. With 6 machines and one day of
history, a run on an evening or a weekend had no report at all, so Prometheus saw no
machine of either site; and the checks started while the backfill was still pouring in,
before the collector's findings (bottleneck hours) were computed from it. Seven days always
contain five working days (and their congested mornings), whatever the hour of the run.

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


# The main panels of "Node Exporter Full" (grafana.com 1860, rfmoz/grafana-dashboards), in
# the shape that dashboard queries them: one machine at a time, selected by its variables
# job (label_values(node_uname_info, job)) and node (label_values(node_uname_info{job="$job"},
# instance)). Written here from the series and labels its panels read (docs/dashboards.md,
# "Which of its rows work"). The second field says which machines must have data:
#   "all"    every machine;
#   "linux"  Linux machines, simulated or with the real agent: a Linux root filesystem,
#            Linux disk names for its diskdevices regex, the slab (SReclaimable) in
#            /proc/meminfo and the block-layer paging counters (pgpgin, pgpgout) in
#            /proc/vmstat, the load average. A Windows PC has none of them (nor does the
#            Windows agent send them);
#   "wired"  simulated PCs without Wi-Fi (node_exporter has no link speed for Wi-Fi, nor
#            for the virtual NIC of a test machine, where the kernel reports none).
# Every office's job must have at least one simulated Linux PC among the machines checked,
# so the "linux" panels are checked on simulated data, not only on the real agent.
# Collectors of the real agent the test does not need (network probes to the internet,
# packet capture, smartctl, the package and process sweeps).
AGENT_OFF = ("probes", "traffic", "smart", "packages", "apps", "memory_modules")

NEF_DISKS = "[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+"
NEF_SEL = 'instance="$node",job="$job"'
NEF_QUERIES = [
    ("Quick/CPU Busy", "all",
     '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",%s}[$__rate_interval])))'),
    ("Quick/Sys Load 5m", "linux",
     'avg_over_time(node_load5{%s}[$__rate_interval]) * 100 / on() '
     'count(count(node_cpu_seconds_total{%s}) by (cpu))'),
    ("Quick/Sys Load 15m", "linux",
     'avg_over_time(node_load15{%s}[$__rate_interval]) * 100 / on() '
     'count(count(node_cpu_seconds_total{%s}) by (cpu))'),
    ("Quick/RAM Used", "all",
     '(1 - node_memory_MemAvailable_bytes{%s} / node_memory_MemTotal_bytes{%s}) * 100'),
    ("Quick/SWAP Used", "all",
     '(node_memory_SwapTotal_bytes{%s} - node_memory_SwapFree_bytes{%s}) / '
     'node_memory_SwapTotal_bytes{%s} * 100'),
    ("Quick/Root FS Used", "linux",
     '100 - node_filesystem_avail_bytes{%s,mountpoint="/",fstype!="rootfs"} * 100 / '
     'node_filesystem_size_bytes{%s,mountpoint="/",fstype!="rootfs"}'),
    ("Quick/CPU Cores", "all", 'count(count(node_cpu_seconds_total{%s}) by (cpu))'),
    ("Quick/RAM Total", "all", 'node_memory_MemTotal_bytes{%s}'),
    ("Quick/SWAP Total", "all", 'node_memory_SwapTotal_bytes{%s}'),
    ("Quick/RootFS Total", "linux",
     'node_filesystem_size_bytes{%s,mountpoint="/",fstype!="rootfs"}'),
    ("Basic/CPU Basic", "all",
     'sum by (mode) (irate(node_cpu_seconds_total{%s,mode=~"system|user|iowait|idle"}'
     '[$__rate_interval])) / on() group_left scalar(count(count(node_cpu_seconds_total{%s}) by (cpu)))'),
    ("Basic/Memory Basic", "linux",
     'node_memory_MemTotal_bytes{%s} - node_memory_MemFree_bytes{%s} - '
     '(node_memory_Cached_bytes{%s} + node_memory_Buffers_bytes{%s} + '
     'node_memory_SReclaimable_bytes{%s})'),
    ("Basic/Network Traffic Basic receive", "all",
     'irate(node_network_receive_bytes_total{%s}[$__rate_interval]) * 8'),
    ("Basic/Network Traffic Basic transmit", "all",
     'irate(node_network_transmit_bytes_total{%s}[$__rate_interval]) * 8'),
    ("Basic/Disk Space Used Basic", "all",
     '100 - node_filesystem_avail_bytes{%s,device!~"rootfs"} * 100 / '
     'node_filesystem_size_bytes{%s,device!~"rootfs"}'),
    ("Storage Disk/Disk IOps", "linux",
     'irate(node_disk_reads_completed_total{%s,device=~"$diskdevices"}[$__rate_interval])'),
    ("Storage Disk/I/O Usage Write", "linux",
     'irate(node_disk_written_bytes_total{%s,device=~"$diskdevices"}[$__rate_interval])'),
    ("Storage Disk/I/O Utilization", "linux",
     'irate(node_disk_io_time_seconds_total{%s,device=~"$diskdevices"}[$__rate_interval])'),
    ("Network/Speed", "wired", 'node_network_speed_bytes{%s}'),
    ("Network/Operational Status", "all", 'node_network_up{%s}'),
    ("Netstat/TCP In/Out", "all",
     'irate(node_netstat_Tcp_InSegs{%s}[$__rate_interval])'),
    ("Memory Vmstat/Pages In", "linux", 'irate(node_vmstat_pgpgin{%s}[$__rate_interval])'),
    ("Memory Vmstat/Pages Out", "linux", 'irate(node_vmstat_pgpgout{%s}[$__rate_interval])'),
    ("Node Exporter/Scrape success", "all", 'node_scrape_collector_success{%s}'),
]


def check_node_exporter_full(prom, agent_host, simulated):
    """Every main panel returns data for every machine of every office's job (as far as
    NEF_QUERIES says it must). Returns 0/1."""
    jobs = sorted({r["metric"]["job"] for r in query(prom, "group by (job) (node_uname_info)")})
    if len(jobs) < len(SITES):
        print(f"FAIL  Node Exporter Full: label_values(node_uname_info, job) is {jobs}")
        return 1
    wireless = {(r["metric"]["job"], r["metric"]["instance"]) for r in
                query(prom, "group by (job, instance) (wardwatch_wifi_signal_dbm)")}
    failures, checked = 0, 0
    for job in jobs:
        nodes = query(prom, f'group by (instance, sysname) (node_uname_info{{job="{job}"}})')
        kinds = {"all": 0, "linux": 0, "wired": 0, "agent": 0, "simulated linux": 0}
        for n in sorted(nodes, key=lambda r: r["metric"]["instance"]):
            node = n["metric"]["instance"]
            linux = n["metric"].get("sysname") == "Linux"
            kind = {"all": True, "linux": linux,
                    "wired": (job, node) not in wireless and node != agent_host,
                    "agent": node == agent_host,
                    "simulated linux": linux and node.startswith("PC-")}
            for k, v in kind.items():
                kinds[k] += v
            for title, need, template in NEF_QUERIES:
                if not kind[need]:
                    continue
                expr = template.replace("%s", NEF_SEL).replace("$node", node)
                expr = expr.replace("$job", job).replace("$diskdevices", NEF_DISKS)
                expr = expr.replace("$__rate_interval", "1m")
                checked += 1
                if not query(prom, expr):
                    failures += 1
                    print(f"EMPTY  Node Exporter Full {title}: job={job} node={node}: {expr}")
        print(f"Node Exporter Full: job {job}: {len(nodes)} machines ({kinds['linux']} Linux, "
              f"{kinds['simulated linux']} of them simulated, {kinds['wired']} wired, "
              f"{kinds['agent']} with a real agent)")
        if agent_host and not kinds["agent"]:
            print(f"FAIL  Node Exporter Full: the real agent ({agent_host}) is not in job {job}")
            failures += 1
        if simulated and not kinds["simulated linux"]:
            print(f"FAIL  Node Exporter Full: no simulated Linux PC in job {job}, so its Linux "
                  "panels were checked on the real agent only")
            failures += 1
    print(f"Node Exporter Full: {checked} panel queries, {failures} empty")
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collector", default="")
    ap.add_argument("--simulate", default="")
    ap.add_argument("--agent", default="")
    ap.add_argument("--prometheus", default=shutil.which("prometheus") or "")
    ap.add_argument("--promtool", default=shutil.which("promtool") or "")
    ap.add_argument("--machines", type=int, default=10)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--step-minutes", type=int, default=10,
                    help="one simulated report per machine per this many minutes")
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
                # Backfill, then keep streaming live (the always-on PCs report at any hour).
                start([args.simulate, "--collector", url, "--enroll-token", ENROLL_TOKEN,
                       "--machines", str(args.machines), "--seed", str(n + 1),
                       "--days", str(args.days), "--step-minutes", str(args.step_minutes),
                       "--concurrency", "2", "--live"], f"simulate-{site}")
            if executable(args.agent):
                # This machine's real agent in both offices (the same hostname in two sites
                # must not mix): it sends every /proc/meminfo and /proc/vmstat key, which the
                # simulator does not. Nothing that leaves the machine: no probes, no capture.
                start([args.agent, "--collector", url, "--enroll-token", ENROLL_TOKEN,
                       "--state-dir", str(work / f"agent-{site}"), "--interval", "5"]
                      + [f"--disable-collector={c}" for c in AGENT_OFF], f"agent-{site}")

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

        # Wait until both backfills are complete and each collector has computed its findings
        # (bottleneck hours, aging scores) from all of it, then for a few scrapes after that.
        t0 = time.time()
        if executable(args.simulate):
            backfilled = {}
            end = time.time() + 600
            while len(backfilled) < len(SITES):
                for site in SITES:
                    if site in backfilled:
                        continue
                    text = (work / f"simulate-{site}.log").read_text(errors="replace")
                    m = re.search(r"^backfill: .*$", text, re.M)
                    if m:
                        backfilled[site] = time.time()
                        print(f"{site}: {m.group(0)}", flush=True)
                for name, p in procs:
                    if name.startswith("simulate-") and p.poll() is not None:
                        raise RuntimeError(f"{name} exited with status {p.returncode}")
                if time.time() > end:
                    raise RuntimeError(f"backfill not finished within 600 s: done {sorted(backfilled)}")
                time.sleep(1)
            done_at = max(backfilled.values())
        else:
            done_at = time.time()
        end = time.time() + 300
        sites, computed = set(), {}
        while time.time() < end:
            sites = {r["metric"].get("site") for r in
                     query(prom, "count by (site) (wardwatch_machine_last_report_timestamp_seconds)")}
            computed = {r["metric"].get("site"): float(r["value"][1]) for r in
                        query(prom, "max by (site) (wardwatch_analytics_computed_timestamp_seconds)")}
            fresh = all(computed.get(site, 0) >= done_at for site in SITES)
            scrapes = query(prom, 'min(count_over_time(up{job=~"wardwatch.*"}[5m]))')
            agents = query(prom, 'count by (job) (node_uname_info{instance!~"PC-.*"})')
            agent_ok = not executable(args.agent) or len(agents) == len(SITES)
            if (sites >= set(SITES) and fresh and agent_ok and scrapes
                    and float(scrapes[0]["value"][1]) >= 4):
                break
            time.sleep(2)
        else:
            raise RuntimeError(f"Prometheus never saw machines and fresh findings of both sites "
                               f"{SITES}: saw machines of {sites}, findings computed at {computed}, "
                               f"backfill done at {done_at:.0f}")
        time.sleep(12)  # two more scrapes and rule evaluations with the fresh findings
        print(f"Prometheus scrapes both offices: sites {sorted(s for s in sites if s)} "
              f"({time.time() - t0:.0f} s of backfill and analytics)", flush=True)

        # Cardinality: series per machine, for sizing a central store (docs/dashboards.md).
        per_machine = query(prom, 'count({job=~"wardwatch.*", instance!~"127\\\\.0\\\\.0\\\\.1:[0-9]+"})'
                                  ' / count(wardwatch_machine_last_report_timestamp_seconds)')
        site_level = query(prom, 'count({job=~"wardwatch.*", instance=~"127\\\\.0\\\\.0\\\\.1:[0-9]+"})')
        if per_machine and site_level:
            print(f"series per machine: {float(per_machine[0]['value'][1]):.0f}; "
                  f"collector-level series (both offices): {site_level[0]['value'][1]}")
        rc = 0
        for site in SITES:  # each office on its own: every panel must show its machines
            print(f"--- every dashboard query and rule, $site={site} ---", flush=True)
            rc |= subprocess.run([sys.executable, str(HERE / "check_queries.py"),
                                  "--prometheus", prom, "--var", f"site={site}",
                                  "--report", str(work / f"check-report-{site}.json")]).returncode
        print("--- Node Exporter Full (1860): main panels, every machine of each office's job ---",
              flush=True)
        agent_host = ""
        if executable(args.agent):
            hosts = query(prom, 'group by (instance) (node_uname_info{instance!~"PC-.*"})')
            agent_host = hosts[0]["metric"]["instance"] if len(hosts) == 1 else ""
            if not agent_host:
                print(f"FAIL: expected the real agent's machine next to the simulated PC-*: {hosts}")
                rc = rc or 1
        rc |= check_node_exporter_full(prom, agent_host, executable(args.simulate))
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
