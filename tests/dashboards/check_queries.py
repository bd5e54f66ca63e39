#!/usr/bin/env python3
"""Runs every dashboard panel query and every rule expression against a real Prometheus
and reports which fail to parse, which return no data, and which series no query can
find.

    check_queries.py --prometheus http://127.0.0.1:9090 [--queries queries.json]
                     [--var instance=pc-01 ...] [--report out.json]

Without --queries the shipped dashboards and rules are read directly. Each expression is
sent to /api/v1/query (POST, instant, at "now"); each series selector it reads is also
queried on its own, so an empty panel is traced to the exact series the collector does
not produce (yet). Exit status: 0 when everything parsed and every query and selector
returned data (apart from the reasons listed in expected_empty.txt and alerts, which are
quiet while nothing is wrong); 1 otherwise; 2 when Prometheus cannot be reached.
"""
import argparse
import json
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(HERE))
import extract_queries as eq  # noqa: E402
import wardwatch_queries as wq  # noqa: E402


class PrometheusError(Exception):
    pass


def instant_query(base, expr, timeout):
    data = urllib.parse.urlencode({"query": expr}).encode()
    req = urllib.request.Request(base.rstrip("/") + "/api/v1/query", data=data, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = json.load(resp)
    except urllib.error.HTTPError as e:  # 400/422: the expression is bad
        try:
            body = json.load(e)
        except ValueError:
            raise PrometheusError(f"HTTP {e.code} from {base}") from e
    except (urllib.error.URLError, OSError) as e:
        raise ConnectionError(f"cannot reach Prometheus at {base}: {e}") from e
    if body.get("status") != "success":
        raise PrometheusError(f"{body.get('errorType', 'error')}: {body.get('error', body)}")
    result = body["data"]["result"]
    if body["data"]["resultType"] in ("scalar", "string"):
        return 1
    return len(result)


def run(base, entries, expected_empty, timeout):
    results, selector_cache = [], {}
    for e in entries:
        r = {"id": e["id"], "kind": e["kind"], "expr": e["expr"], "status": None,
             "series": 0, "missing_selectors": []}
        try:
            r["series"] = instant_query(base, e["expr"], timeout)
            r["status"] = "data" if r["series"] else "empty"
        except PrometheusError as err:
            r["status"], r["error"] = "error", str(err)
        for sel in e["selectors"]:
            if sel not in selector_cache:
                try:
                    selector_cache[sel] = instant_query(base, sel, timeout)
                except PrometheusError as err:
                    selector_cache[sel] = f"error: {err}"
            if selector_cache[sel] == 0 and f"selector:{sel}" not in expected_empty:
                r["missing_selectors"].append(sel)
        r["expected_empty"] = e.get("expected_empty")
        results.append(r)
    return results, selector_cache


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prometheus", required=True, help="base URL, e.g. http://127.0.0.1:9090")
    ap.add_argument("--queries", type=pathlib.Path,
                    help="file written by extract_queries.py (default: read the shipped files)")
    ap.add_argument("--var", action="append", metavar="NAME=VALUE",
                    help="template variable value (default site=.*, instance=.+, ...)")
    ap.add_argument("--report", type=pathlib.Path, help="write the full result as JSON here")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--verbose", "-v", action="store_true", help="list the queries that passed too")
    args = ap.parse_args()

    expected_empty = eq.load_expected_empty()
    if args.queries and not args.var:
        entries = json.loads(args.queries.read_text(encoding="utf-8"))
    else:
        entries = eq.extract(eq.parse_vars(args.var), expected_empty)
        if args.queries:
            print("--var given: re-extracting from the shipped files instead of --queries",
                  file=sys.stderr)
    try:
        instant_query(args.prometheus, "vector(1)", args.timeout)
    except (ConnectionError, PrometheusError) as err:
        print(err, file=sys.stderr)
        return 2
    results, selectors = run(args.prometheus, entries, expected_empty, args.timeout)

    failures = 0
    failing_selectors, optional_selectors = set(), set()
    for r in results:
        problem = None
        if r["status"] == "error":
            problem = f"ERROR  {r['id']}: {r['error']}"
        elif r["status"] == "empty" and not r["expected_empty"]:
            problem = f"EMPTY  {r['id']}"
        elif r["status"] == "empty" and r["missing_selectors"]:
            # Allowed to be empty (an alert), but the series it watches must exist.
            problem = f"BLIND  {r['id']} (watches series that do not exist)"
        if problem:
            failures += 1
            failing_selectors.update(r["missing_selectors"])
            print(problem)
            for sel in r["missing_selectors"]:
                print(f"         no data: {sel}")
        else:
            # Data came back although a selector is empty: the other side of an `or`
            # (e.g. histogram vs quantile-gauge probes) supplied it. Not a failure.
            optional_selectors.update(r["missing_selectors"])
            if args.verbose:
                note = (f" (empty: {r['expected_empty']})" if r["status"] == "empty"
                        else f" ({r['series']} series)")
                print(f"OK     {r['id']}{note}")
    optional_selectors -= failing_selectors
    errors = sorted(s for s, n in selectors.items() if isinstance(n, str))
    if failing_selectors:
        print("\nSeries selectors with no data (what the collector does not produce, or the "
              "rules have not recorded yet):")
        for s in sorted(failing_selectors):
            print("  " + s)
    if optional_selectors:
        print("\nAbsent alternatives (their queries returned data through another branch):")
        for s in sorted(optional_selectors):
            print("  " + s)
    for s in errors:
        print(f"selector does not parse: {s}: {selectors[s]}")
    missing = failing_selectors
    n_data = sum(1 for r in results if r["status"] == "data")
    print(f"\n{len(results)} queries: {n_data} returned data, "
          f"{sum(1 for r in results if r['status'] == 'empty')} empty "
          f"({sum(1 for r in results if r['status'] == 'empty' and r['expected_empty'])} allowed), "
          f"{sum(1 for r in results if r['status'] == 'error')} errors; "
          f"{len(selectors)} distinct selectors, {len(missing)} without data; "
          f"{failures} problem(s)")
    if args.report:
        args.report.write_text(json.dumps({"results": results, "selectors": selectors},
                                          indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
