#!/usr/bin/env python3
"""Proves validate_dashboards.py catches what it claims to: each case breaks one thing in
a copy of a shipped dashboard and expects a specific complaint; the unbroken copy must
pass. Also checks the rule-file parser against promtool's own rule count, and the
selector finder on known expressions."""
import copy
import pathlib
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import extract_queries as eq  # noqa: E402
import validate_dashboards as vd  # noqa: E402
import wardwatch_queries as wq  # noqa: E402


def first_graph(d):
    return next(p for p in wq.iter_panels(d) if p["type"] != "row")


def break_duplicate_id(d):
    panels = [p for p in wq.iter_panels(d) if p["type"] != "row"]
    panels[1]["id"] = panels[0]["id"]


def break_target_ds(d):
    first_graph(d)["targets"][0]["datasource"] = {"type": "prometheus", "uid": "PBFA97CFB590B2093"}


def break_panel_ds(d):
    first_graph(d)["datasource"] = "${DS_PROMETHEUS}"


def break_undefined_var(d):
    t = first_graph(d)["targets"][0]
    t["expr"] = t["expr"].replace("$site", "$office")


def break_missing_gridpos(d):
    del first_graph(d)["gridPos"]


def break_overlap(d):
    panels = [p for p in wq.iter_panels(d) if p["type"] != "row"]
    panels[1]["gridPos"] = dict(panels[0]["gridPos"])


def break_drop_site_var(d):
    d["templating"]["list"] = [v for v in d["templating"]["list"] if v["name"] != "site"]


def break_ds_var_type(d):
    d["templating"]["list"][0]["type"] = "constant"


def break_value_ref(d):
    p = next(p for p in wq.iter_panels(d) if "Value #B" in str(p.get("transformations")))
    p["targets"] = p["targets"][:1]


def break_empty_expr(d):
    first_graph(d)["targets"][0]["expr"] = "  "


CASES = [
    (break_duplicate_id, r"id \d+ also used by"),
    (break_target_ds, r"target A: datasource is .*PBFA97CFB590B2093"),
    (break_panel_ds, r"import placeholders|datasource is \"\$\{DS_PROMETHEUS\}\""),
    (break_undefined_var, r"expr uses undefined variable \$office"),
    (break_missing_gridpos, r"gridPos missing"),
    (break_overlap, r"overlaps panel"),
    (break_drop_site_var, r"no template variable 'site'|undefined variable \$site"),
    (break_ds_var_type, r"no template variable 'datasource' of type datasource"),
    (break_value_ref, r"names 'Value #B' but there is no target B"),
    (break_empty_expr, r"empty expr"),
]


def main():
    failures = []
    dashboards = wq.load_dashboards()
    fleet = next((p, d) for p, d in dashboards if d["uid"] == "wardwatch-fleet")
    clean = vd.validate_all([fleet])
    if clean:
        failures.append(f"the unbroken dashboard fails: {clean}")
    for breaker, pattern in CASES:
        d = copy.deepcopy(fleet[1])
        breaker(d)
        errors = vd.validate_all([(fleet[0], d)])
        if not any(re.search(pattern, e) for e in errors):
            failures.append(f"{breaker.__name__}: expected an error matching /{pattern}/, got {errors}")
        else:
            print(f"ok: {breaker.__name__}")
    dup = vd.validate_all([fleet, fleet])
    if not any("uid 'wardwatch-fleet' also used" in e for e in dup):
        failures.append(f"duplicate uid across files not reported: {dup}")

    # The stdlib rule parser must see exactly the rules promtool sees.
    promtool = shutil.which("promtool")
    for path in sorted(wq.RULES_DIR.glob("*.yml")):
        ours = len(wq.load_rules(path))
        if promtool:
            out = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True,
                                 text=True).stdout
            m = re.search(r"SUCCESS: (\d+) rules found", out)
            if not m or int(m.group(1)) != ours:
                failures.append(f"{path.name}: parser found {ours} rules, promtool says {out.strip()}")
            else:
                print(f"ok: {path.name} parsed into {ours} rules, as promtool counts")

    sel = wq.selectors('sum by (site) (rate(a_total{x="}"}[5m])) / on (site) max(b{d="1"} offset 1d) '
                       'and on () hour(vector(time() + 25200)) == 9 * 2^30 + 1e9 or label_replace(c, "l", "v", "", "")')
    if sel != ['a_total{x="}"}', 'b{d="1"}', "c"]:
        failures.append(f"selectors() gave {sel}")
    else:
        print("ok: selectors()")
    if wq.substitute('x{i=~"$instance", s=~"${site}"}[$__rate_interval] [[site]]',
                     {"instance": "pc-1", "site": "p1", "__rate_interval": "1m"}) != 'x{i=~"pc-1", s=~"p1"}[1m] p1':
        failures.append("substitute() wrong")
    else:
        print("ok: substitute()")

    # The promtool parse check must reject a broken expression.
    if promtool:
        good = {"id": "panel:x/ok/A", "expr": "sum(rate(a_total[1m]))"}
        bad = {"id": "panel:x/bad/A", "expr": 'sum(rate(a_total{site=~".*"}[1m])'}
        if eq.parse_check([good]) != 0 or eq.parse_check([good, bad]) != 1:
            failures.append("extract_queries.parse_check does not tell good from bad expressions")
        else:
            print("ok: parse_check rejects an unbalanced expression")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
