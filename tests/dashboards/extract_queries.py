#!/usr/bin/env python3
"""Extracts every dashboard panel query and every rule expression into one JSON file, with
template variables substituted, for check_queries.py (and anyone else) to run.

    extract_queries.py --output queries.json [--var instance=pc-01 ...] [--parse-check]

Each entry: id ("panel:<dashboard uid>/<panel title>/<refId>", "record:<name>",
"alert:<name>"), kind, expr_raw (as written), expr (variables substituted), selectors
(the series it reads, substituted), and expected_empty (the reason it may legitimately
return nothing, from expected_empty.txt, else null).
--parse-check has promtool parse every substituted expression (it writes them as a rule
file and runs `promtool check rules`), so a typo fails here, without a Prometheus.
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(HERE))
import wardwatch_queries as wq  # noqa: E402

EXPECTED_EMPTY_FILE = HERE / "expected_empty.txt"


def parse_vars(pairs):
    values = dict(wq.BUILTIN_DEFAULTS)
    values.update(wq.VARIABLE_DEFAULTS)
    for pair in pairs or []:
        if "=" not in pair:
            raise SystemExit(f"--var {pair!r}: expected NAME=VALUE")
        k, v = pair.split("=", 1)
        values[k.lstrip("$")] = v
    return values


def load_expected_empty(path=EXPECTED_EMPTY_FILE):
    """Lines: '<query id or selector:NAME>  # reason'."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, reason = line.partition("#")
        if not sep or not reason.strip():
            raise SystemExit(f"{path}:{n}: expected '<id>  # reason'")
        out[key.strip()] = reason.strip()
    return out


def extract(values, expected_empty):
    entries = []
    for _, d in wq.load_dashboards():
        for panel, t in wq.panel_queries(d):
            entries.append({"id": "panel:" + wq.query_id(d, panel, t), "kind": "panel",
                            "expr_raw": t["expr"], "instant": bool(t.get("instant"))})
    for r in wq.load_all_rules():
        entries.append({"id": f"{r['kind']}:{r['name']}", "kind": r["kind"],
                        "expr_raw": r["expr"], "instant": True})
    ids = [e["id"] for e in entries]
    dups = {i for i in ids if ids.count(i) > 1}
    if dups:
        raise SystemExit(f"query ids are not unique: {sorted(dups)}")
    unknown = [k for k in expected_empty if not k.startswith("selector:") and k not in ids]
    if unknown:
        raise SystemExit(f"{EXPECTED_EMPTY_FILE.name} names queries that do not exist: {unknown}")
    for e in entries:
        e["expr"] = wq.substitute(e["expr_raw"], values)
        e["selectors"] = wq.selectors(e["expr"])
        reason = expected_empty.get(e["id"])
        if reason is None and e["kind"] == "alert":
            reason = "an alert expression returns series only while something is wrong"
        e["expected_empty"] = reason
    return entries


def parse_check(entries):
    promtool = shutil.which("promtool")
    if not promtool:
        print("promtool not found: cannot parse-check", file=sys.stderr)
        return 77
    groups = {"groups": [{"name": "query-parse-check", "rules": [
        {"record": f"wardwatch_query_parse_check_{i}", "expr": e["expr"]}
        for i, e in enumerate(entries)]}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        json.dump(groups, f)  # YAML is a superset of JSON
        path = f.name
    try:
        r = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    finally:
        pathlib.Path(path).unlink()
    if r.returncode != 0:
        out = r.stdout + r.stderr
        print(out)
        for i, e in enumerate(entries):
            if f"wardwatch_query_parse_check_{i}\"" in out or f"group \"query-parse-check\", rule {i + 1}," in out:
                print(f"does not parse: {e['id']}: {e['expr']}")
        return 1
    print(f"promtool parsed all {len(entries)} expressions")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=pathlib.Path, help="write the queries here (JSON)")
    ap.add_argument("--var", action="append", metavar="NAME=VALUE",
                    help="value of a template variable (default: site=.*, instance=.+, "
                         "direction=receive, target=.*, __rate_interval=1m, __range=1h)")
    ap.add_argument("--parse-check", action="store_true",
                    help="have promtool parse every substituted expression")
    args = ap.parse_args()
    entries = extract(parse_vars(args.var), load_expected_empty())
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n",
                               encoding="utf-8")
        print(f"wrote {len(entries)} queries to {args.output}")
    counts = {k: sum(1 for e in entries if e["kind"] == k) for k in ("panel", "record", "alert")}
    print(f"{counts['panel']} panel queries, {counts['record']} recording rules, {counts['alert']} alerts")
    if args.parse_check:
        return parse_check(entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
