"""Shared helpers for the dashboard tests: read the shipped dashboards and rule files,
substitute Grafana template variables, and find the series selectors in a PromQL
expression. Python standard library only (the rule files are read by a small parser of
the subset of YAML they use; `rule_count` lets the tests compare it with promtool)."""
import json
import pathlib
import re

REPO = pathlib.Path(__file__).resolve().parents[2]
DASHBOARD_DIR = REPO / "dashboards" / "grafana" / "dashboards"
RULES_DIR = REPO / "dashboards" / "prometheus" / "rules"

# Grafana's built-in variables, and the values the query check gives them by default.
BUILTIN_DEFAULTS = {
    "__rate_interval": "1m",
    "__interval": "1m",
    "__interval_ms": "60000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}
# Values for the dashboards' own variables: match every office and machine.
VARIABLE_DEFAULTS = {
    "site": ".*",
    "instance": ".+",
    "direction": "receive",
    "target": ".*",
}

# $name, ${name}, ${name:format}, [[name]]
VAR_RE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]")


def variables_used(text):
    return {next(g for g in m.groups() if g) for m in VAR_RE.finditer(text)}


def substitute(text, values):
    def repl(m):
        name = next(g for g in m.groups() if g)
        if name not in values:
            raise KeyError(f"no value for template variable ${name}")
        return values[name]
    return VAR_RE.sub(repl, text)


def load_dashboards(directory=DASHBOARD_DIR):
    """Returns [(path, dashboard dict)], sorted by file name."""
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(directory.glob("*.json"))]


def iter_panels(dashboard):
    """Every panel, including those nested in collapsed rows."""
    for p in dashboard.get("panels", []):
        yield p
        for child in p.get("panels", []) or []:
            yield child


def panel_queries(dashboard):
    """Yields (panel, target) for every Prometheus target with an expression."""
    for p in iter_panels(dashboard):
        for t in p.get("targets", []) or []:
            if t.get("expr"):
                yield p, t


def query_id(dashboard, panel, target):
    return f"{dashboard['uid']}/{panel['title']}/{target['refId']}"


# ----------------------------------------------------------------------------- rule files
def _unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else json.loads(value)
    return value


def load_rules(path):
    """Parses a Prometheus rule file of the shape this repo ships: groups -> rules with
    `record:`/`alert:` and `expr:` as a plain, quoted or `|` block scalar.
    Returns [{"group", "kind", "name", "expr"}]."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rules, group, current = [], None, None
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        m = re.match(r"-\s+name:\s*(.+)$", stripped)
        if m:
            group = _unquote(m.group(1))
        m = re.match(r"(?:-\s+)?(record|alert):\s*(.+)$", stripped)
        if m:
            current = {"group": group, "kind": m.group(1), "name": _unquote(m.group(2)),
                       "expr": None}
            rules.append(current)
        m = re.match(r"expr:\s*(.*)$", stripped)
        if m and current is not None:
            value = m.group(1)
            if value in ("|", "|-", ">", ">-"):
                indent = len(line) - len(line.lstrip()) + 1
                block = []
                i += 1
                while i < len(lines) and (not lines[i].strip() or
                                          len(lines[i]) - len(lines[i].lstrip()) >= indent):
                    block.append(lines[i].strip())
                    i += 1
                current["expr"] = "\n".join(b for b in block if b)
                continue
            current["expr"] = _unquote(value)
        i += 1
    missing = [r["name"] for r in rules if not r["expr"]]
    if missing:
        raise ValueError(f"{path}: rules without an expr: {', '.join(missing)}")
    return rules


def load_all_rules(directory=RULES_DIR):
    out = []
    for p in sorted(directory.glob("*.yml")):
        for r in load_rules(p):
            r["file"] = p.name
            out.append(r)
    return out


# ----------------------------------------------------------------------------- selectors
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
             "group_left", "group_right", "inf", "nan", "atan2"}
_BLOCK_RE = re.compile(r'\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}')
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_CLAUSE_RE = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_TOKEN_RE = re.compile(r"(?<![\w.\x00])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\x00\d+\x00)?")


def selectors(expr):
    """The instant-vector selectors (metric name + label matchers) in a PromQL expression,
    in order, without duplicates. Good enough for the expressions this repo ships."""
    blocks = []

    def keep(m):
        blocks.append(m.group(0))
        return f"\x00{len(blocks) - 1}\x00"

    s = _BLOCK_RE.sub(keep, expr)
    s = _STRING_RE.sub(" ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = _CLAUSE_RE.sub(" ", s)
    found = []
    for m in _TOKEN_RE.finditer(s):
        name, block = m.group(1), m.group(2)
        rest = s[m.end():].lstrip()
        if name in _KEYWORDS or rest.startswith("("):
            continue
        sel = name + (blocks[int(block.strip("\x00"))] if block else "")
        if sel not in found:
            found.append(sel)
    return found
