#!/usr/bin/env python3
"""End to end: a real collector on a free loopback port, the office simulator backfilling
N machines x D days through the real ingest path, then the findings API is checked against
what the simulator planted (its --truth file). Run twice with the same seed into two fresh
collectors: the findings must be identical.

usage: analytics_e2e_test.py COLLECTOR SIMULATOR [--machines 60] [--days 28] [--seed 7]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ENROLL = "e2e-enroll-token"
API = "e2e-api-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, token=API, timeout=600):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read().decode("utf-8"))


def start_collector(binary, data_dir):
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir,
         "--enroll-token", ENROLL, "--api-token", API, "--threads", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("collector exited: " + proc.stdout.read().decode())
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("collector did not answer /healthz within 20 s")


def run_once(args, work, tag):
    data_dir = os.path.join(work, tag)
    os.makedirs(data_dir)
    truth_path = os.path.join(work, f"truth-{tag}.json")
    # The simulator writes the matching site.json (uplink 100 Mb/s, UTC+7) before the
    # collector starts.
    site_cmd = [args.simulator, "--dry-run", "--machines", "1", "--days", "1", "--seed",
                str(args.seed), "--end", args.end, "--site-config",
                os.path.join(data_dir, "site.json")]
    subprocess.run(site_cmd, check=True, stdout=subprocess.DEVNULL)
    proc, port = start_collector(args.collector, data_dir)
    try:
        t0 = time.time()
        sim = subprocess.run(
            [args.simulator, "--collector", f"http://127.0.0.1:{port}", "--enroll-token", ENROLL,
             "--machines", str(args.machines), "--days", str(args.days), "--seed", str(args.seed),
             "--end", args.end, "--concurrency", "4", "--gzip", "--truth", truth_path],
            capture_output=True, text=True, timeout=3600)
        backfill = time.time() - t0
        print(sim.stdout.strip())
        if sim.returncode != 0:
            raise SystemExit(f"simulator failed ({sim.returncode}): {sim.stderr[-2000:]}")
        t1 = time.time()
        findings = get(port, "/api/v1/findings?fresh=1")
        compute = time.time() - t1
        print(f"[{tag}] backfill {backfill:.1f} s, findings {compute:.1f} s "
              f"(server compute {findings['compute_seconds']:.2f} s)")
        machines = get(port, "/api/v1/machines")
        some = machines["machines"][0]["machine_id"]
        detail = get(port, f"/api/v1/machines/{some}?days=3")
        heat = get(port, "/api/v1/network/heatmap")
        software = get(port, "/api/v1/software")
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60).read().decode()
        with open(truth_path) as f:
            truth = json.load(f)
        return truth, findings, machines, detail, heat, software, metrics
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def normalise(findings):
    """The decisions, without floating-point noise from the order reports arrived in."""
    out = {"machines": [], "bottlenecks": [], "replace_first": findings["replace_first"]}
    for m in findings["machines"]:
        out["machines"].append((m["machine_id"], m["score"], m["recommendation"], m["cost_vnd"],
                                tuple(m["flags"]),
                                tuple((e["key"], e["points"]) for e in m["evidence"])))
    for b in findings["bottlenecks"]:
        out["bottlenecks"].append((b["weekday"], b["hour"], b["by_utilisation"], b["by_latency"],
                                   round(b["p95_utilisation"], 3),
                                   tuple(c["name"] for c in b["machines"][:3]),
                                   tuple(c["name"] for c in b["apps"][:3])))
    v = findings["verdict"]
    out["verdict"] = (v["kind"], v["plan"]["name"] if v["plan"] else None,
                      round(v["peak_demand_mbps"], 1))
    return out


def check(truth, findings, machines, detail, heat, software, metrics):
    failures = []
    by_id = {m["machine_id"]: m for m in findings["machines"]}
    for t in truth["machines"]:
        f = by_id.get(t["machine_id"])
        if f is None:
            failures.append(f"{t['hostname']}: missing from findings")
            continue
        keys = {e["key"] for e in f["evidence"]}
        if t["planted"] in ("replace", "upgrade"):
            if f["recommendation"] != t["planted"]:
                failures.append(f"{t['hostname']}: planted {t['planted']}, found "
                                f"{f['recommendation']} (score {f['score']}, {sorted(keys)})")
            missing = set(t["reasons"]) - keys
            if missing:
                failures.append(f"{t['hostname']}: evidence lacks {sorted(missing)} (has {sorted(keys)})")
            if t["planted"] in ("replace", "upgrade") and t["machine_id"] not in findings["replace_first"]:
                failures.append(f"{t['hostname']}: not in the replace-first list")
        elif f["recommendation"] == "replace":
            failures.append(f"{t['hostname']}: healthy machine flagged for replacement "
                            f"(score {f['score']}, {sorted(keys)})")
    # Replace-first list: every "replace" before every "upgrade".
    recs = [by_id[i]["recommendation"] for i in findings["replace_first"]]
    if recs != sorted(recs, key=lambda r: 0 if r == "replace" else 1):
        failures.append(f"replace_first is not ordered replace-then-upgrade: {recs}")
    cells = {(b["weekday"], b["hour"]): b for b in findings["bottlenecks"]}
    for c in truth["congested_cells"]:
        b = cells.get((c["weekday"], c["hour"]))
        if b is None:
            failures.append(f"planted congested cell weekday {c['weekday']} {c['hour']}:00 not found")
            continue
        planted_apps = set(c["apps"])
        if not planted_apps & {a["name"] for a in b["apps"][:3]}:
            failures.append(f"cell {c['weekday']}/{c['hour']}: top apps {[a['name'] for a in b['apps']]}"
                            f" miss the planted {sorted(planted_apps)}")
        planted_hosts = set(c["machines"])
        if b["machines"] and b["machines"][0]["name"] not in planted_hosts:
            failures.append(f"cell {c['weekday']}/{c['hour']}: top machine {b['machines'][0]['name']}"
                            " is not one of the planted culprits")
    planted_cells = {(c["weekday"], c["hour"]) for c in truth["congested_cells"]}
    extra = sorted(set(cells) - planted_cells)
    if extra:
        failures.append(f"bottleneck cells that were not planted: {extra}")
    v = findings["verdict"]
    if v["kind"] != "upgrade_plan" or not v["plan"]:
        failures.append(f"verdict: expected upgrade_plan, got {v['kind']}")
    # The API shapes the console and the report read.
    listed = {m["machine_id"]: m for m in machines["machines"]}
    if len(listed) != len(truth["machines"]) or any("score" not in m for m in listed.values()):
        failures.append("GET /api/v1/machines lacks machines or their scores")
    # What to do, per row of the console's fleet: the findings' actions.
    wrong_actions = [m["machine_id"] for m in findings["machines"]
                     if listed.get(m["machine_id"], {}).get("actions") != m["actions"]]
    if wrong_actions:
        failures.append(f"GET /api/v1/machines: actions differ from findings for {wrong_actions[:3]}")
    for key in ("inventory", "aging", "meta", "history"):
        if key not in detail:
            failures.append(f"GET /api/v1/machines/{{id}} lacks {key}")
    if not detail.get("history", {}).get("points"):
        failures.append("machine history has no points")
    if len(heat["cells"]) != 168:
        failures.append("heatmap does not have 7 x 24 cells")
    if not software["apps"] or not software["unsupported_os"]:
        failures.append("software ranking or unsupported OS list is empty")
    for series in ("wardwatch_machine_aging_score{", "wardwatch_machine_recommendation{",
                   "wardwatch_machine_finding{", "wardwatch_site_wan_receive_bytes_total",
                   "wardwatch_site_uplink_capacity_bytes{", "wardwatch_site_bottleneck_hour{"):
        if series not in metrics:
            failures.append(f"/metrics lacks {series}")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("collector")
    ap.add_argument("simulator")
    ap.add_argument("--machines", type=int, default=60)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--end", default="2026-11-28")
    ap.add_argument("--once", action="store_true", help="skip the second, determinism run")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ww-analytics-e2e-")
    try:
        first = run_once(args, work, "a")
        failures = check(*first)
        f = first[1]
        print(f"findings: {f['summary']}; verdict: {f['verdict']['text_en']}")
        for b in f["bottlenecks"]:
            print("  bottleneck:", b["text_en"])
        if not args.once:
            second = run_once(args, work, "b")
            if normalise(first[1]) != normalise(second[1]):
                a, b = normalise(first[1]), normalise(second[1])
                for k in a:
                    if a[k] != b[k]:
                        failures.append(f"second run with the same seed differs in {k}")
            if first[0] != second[0]:
                failures.append("truth differs between runs with the same seed")
        if failures:
            print("FAIL:\n  " + "\n  ".join(failures))
            return 1
        print("OK: every planted aging machine and congested hour found; no healthy PC to replace"
              + ("" if args.once else "; identical findings on the second run"))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
