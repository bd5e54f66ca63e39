#!/usr/bin/env python3
"""Structural check of the WardWatch Grafana dashboards (Grafana itself cannot be
installed here, so this is what stands between a broken JSON file and an office).

Checks, for every dashboard in dashboards/grafana/dashboards:
  - uid, title, schemaVersion (>= 36), no __inputs / ${DS_...} import placeholders;
  - template variables: a `datasource` variable of type datasource (prometheus), `site`
    and `instance` variables; every query variable reads from ${datasource};
  - panel ids unique; gridPos with integer h/w/x/y, inside 24 columns, no overlaps;
  - every datasource reference (panel, target, variable) is
    {"type": "prometheus", "uid": "${datasource}"};
  - every panel except rows has targets with unique refIds and a non-empty expr;
  - every $variable used in a query, legend or variable query is defined (or a Grafana
    built-in); field names "Value #X" used by transformations/overrides name a real refId;
  - dashboard uids unique across files; the provisioning files exist.
Exit status 0 when clean, 1 with one line per problem otherwise.
"""
import json
import pathlib
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import wardwatch_queries as wq  # noqa: E402

EXPECTED_DS = {"type": "prometheus", "uid": "${datasource}"}
BUILTINS = set(wq.BUILTIN_DEFAULTS) | {"__from", "__to", "__dashboard", "__org", "__user",
                                       "__name", "__value", "__data", "__field", "__series",
                                       "__url_time_range", "__all_variables", "timeFilter"}


def _check_ds(ref, where, errors):
    if ref != EXPECTED_DS:
        errors.append(f"{where}: datasource is {json.dumps(ref)}, expected {json.dumps(EXPECTED_DS)}")


def validate_dashboard(name, d):
    errors = []
    for key in ("uid", "title", "schemaVersion", "panels", "templating"):
        if key not in d:
            errors.append(f"{name}: missing top-level key '{key}'")
    if errors:
        return errors
    if not isinstance(d["schemaVersion"], int) or d["schemaVersion"] < 36:
        errors.append(f"{name}: schemaVersion {d['schemaVersion']!r} is older than Grafana 9 (36)")
    text = json.dumps(d)
    if "__inputs" in d or re.search(r"\$\{DS_[A-Z_]+\}", text):
        errors.append(f"{name}: uses import placeholders (__inputs / ${{DS_...}}); use the datasource variable")

    variables = {v.get("name"): v for v in d["templating"].get("list", [])}
    defined = set(variables) | BUILTINS
    ds_var = variables.get("datasource")
    if not ds_var or ds_var.get("type") != "datasource" or ds_var.get("query") != "prometheus":
        errors.append(f"{name}: no template variable 'datasource' of type datasource/prometheus")
    for required in ("site", "instance"):
        if required not in variables:
            errors.append(f"{name}: no template variable '{required}'")
    for vname, v in variables.items():
        if v.get("type") == "query":
            _check_ds(v.get("datasource"), f"{name}: variable ${vname}", errors)
            q = v.get("query")
            q = q.get("query", "") if isinstance(q, dict) else (q or "")
            if not q:
                errors.append(f"{name}: variable ${vname} has an empty query")
            for used in sorted(wq.variables_used(q) - defined):
                errors.append(f"{name}: variable ${vname} uses undefined variable ${used}")
            if vname in wq.variables_used(q):
                errors.append(f"{name}: variable ${vname} refers to itself")

    seen_ids = {}
    boxes = []
    for p in wq.iter_panels(d):
        title = p.get("title", "?")
        where = f"{name}: panel {p.get('id')} '{title}'"
        pid = p.get("id")
        if not isinstance(pid, int):
            errors.append(f"{where}: id missing or not an integer")
        elif pid in seen_ids:
            errors.append(f"{where}: id {pid} also used by '{seen_ids[pid]}'")
        else:
            seen_ids[pid] = title
        g = p.get("gridPos")
        if not isinstance(g, dict) or not all(isinstance(g.get(k), int) for k in "hwxy"):
            errors.append(f"{where}: gridPos missing or without integer h, w, x, y")
        else:
            if g["x"] < 0 or g["w"] <= 0 or g["h"] <= 0 or g["x"] + g["w"] > 24:
                errors.append(f"{where}: gridPos {g} lies outside the 24-column grid")
            for other_title, o in boxes:
                if (g["x"] < o["x"] + o["w"] and o["x"] < g["x"] + g["w"] and
                        g["y"] < o["y"] + o["h"] and o["y"] < g["y"] + g["h"]):
                    errors.append(f"{where}: overlaps panel '{other_title}'")
            boxes.append((title, g))
        if p.get("type") == "row":
            continue
        _check_ds(p.get("datasource"), where, errors)
        targets = p.get("targets") or []
        if not targets:
            errors.append(f"{where}: no targets")
        refs = [t.get("refId") for t in targets]
        if len(set(refs)) != len(refs) or None in refs:
            errors.append(f"{where}: refIds missing or repeated: {refs}")
        for t in targets:
            twhere = f"{where} target {t.get('refId')}"
            _check_ds(t.get("datasource"), twhere, errors)
            if not (t.get("expr") or "").strip():
                errors.append(f"{twhere}: empty expr")
            for field in ("expr", "legendFormat"):
                for used in sorted(wq.variables_used(t.get(field) or "") - defined):
                    errors.append(f"{twhere}: {field} uses undefined variable ${used}")
        for used in sorted(wq.variables_used(title) - defined):
            errors.append(f"{where}: title uses undefined variable ${used}")
        # "Value #X" names a field that only exists when target X does.
        used_refs = set(re.findall(r"Value #([A-Z]+)", json.dumps(
            [p.get("transformations", []), p.get("fieldConfig", {}).get("overrides", [])])))
        for r in sorted(used_refs - set(refs)):
            errors.append(f"{where}: transformation/override names 'Value #{r}' but there is no target {r}")
    return errors


def validate_all(dashboards):
    errors = []
    uids = {}
    for path, d in dashboards:
        name = path.name
        errors += validate_dashboard(name, d)
        uid = d.get("uid")
        if uid in uids:
            errors.append(f"{name}: uid '{uid}' also used by {uids[uid]}")
        uids[uid] = name
    return errors


def main():
    dashboards = wq.load_dashboards()
    errors = []
    if len(dashboards) < 3:
        errors.append(f"expected at least 3 dashboards in {wq.DASHBOARD_DIR}, found {len(dashboards)}")
    errors += validate_all(dashboards)
    prov = wq.REPO / "dashboards" / "grafana" / "provisioning"
    for rel, needle in (("dashboards/wardwatch.yml", "type: file"),
                        ("datasources/prometheus.yml", "type: prometheus")):
        f = prov / rel
        if not f.exists() or needle not in f.read_text(encoding="utf-8"):
            errors.append(f"{f}: missing, or without '{needle}'")
    for e in errors:
        print(e)
    n_panels = sum(1 for _, d in dashboards for _ in wq.iter_panels(d))
    n_queries = sum(1 for _, d in dashboards for _ in wq.panel_queries(d))
    print(f"{len(dashboards)} dashboards, {n_panels} panels, {n_queries} queries: "
          f"{'OK' if not errors else f'{len(errors)} problem(s)'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
