#!/usr/bin/env python3
"""Writes the WardWatch Grafana dashboards (dashboards/grafana/dashboards/*.json).

The JSON files are committed; this script is their source. Edit it, run it, commit both:
    python3 dashboards/grafana/build_dashboards.py
`--check` exits non-zero when a committed file differs from what the script would write
(tests/dashboards runs it that way).

Every panel and target reads from the datasource template variable ("${datasource}"), so
the dashboards import into any Grafana without an __inputs step; `site` and `instance`
variables filter by office and machine.
"""
import argparse
import json
import pathlib
import sys

OUT_DIR = pathlib.Path(__file__).resolve().parent / "dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
SCHEMA_VERSION = 39
OFFICE_TZ_OFFSET_S = 25200  # Asia/Ho_Chi_Minh, UTC+7, no daylight saving

# Label filters shared by the queries. `=~` everywhere, so "All" (.*) also matches series
# that have no site label (a collector started without --site).
S = 'site=~"$site"'
SI = 'site=~"$site", instance=~"$instance"'
# Interfaces and filesystems that say nothing about the PC's real disk or network.
VIRTUAL_NICS = 'device!~"lo|docker.*|veth.*|br-.*|virbr.*|vmnet.*"'
REAL_FS = 'fstype!~"tmpfs|ramfs|devtmpfs|squashfs|overlay|iso9660|udf"'


# ----------------------------------------------------------------------------- building blocks
def target(expr, legend="", ref="A", instant=False, table=False):
    t = {
        "datasource": DS,
        "editorMode": "code",
        "expr": expr,
        "legendFormat": legend,
        "refId": ref,
        "range": not instant,
        "instant": instant,
    }
    if table:
        t["format"] = "table"
    return t


def targets(*specs, instant=False, table=False):
    """specs: (expr, legend) pairs, given refIds A, B, C, ..."""
    return [target(e, l, chr(ord("A") + i), instant, table) for i, (e, l) in enumerate(specs)]


def thresholds(*steps):
    """steps: (value or None, colour)."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


GREEN_AMBER_RED_RATIO = thresholds((None, "green"), (0.7, "orange"), (0.9, "red"))
AGING = thresholds((None, "green"), (40, "yellow"), (60, "orange"), (75, "red"))


def panel(kind, title, tgts, w, h, unit=None, description="", defaults=None, options=None,
          overrides=None, transformations=None, **extra):
    d = {"unit": unit} if unit else {}
    d.update(defaults or {})
    p = {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DS,
        "targets": tgts,
        "gridPos": {"w": w, "h": h},
        "fieldConfig": {"defaults": d, "overrides": overrides or []},
        "options": options or {},
    }
    if transformations:
        p["transformations"] = transformations
    p.update(extra)
    return p


def timeseries(title, tgts, unit, description="", w=12, h=8, stack=False, minv=None, maxv=None,
               threshold_line=None):
    custom = {"fillOpacity": 15 if not stack else 60, "lineWidth": 1, "showPoints": "never",
              "spanNulls": False,
              "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    defaults = {"custom": custom, "color": {"mode": "palette-classic"}}
    if minv is not None:
        defaults["min"] = minv
    if maxv is not None:
        defaults["max"] = maxv
    if threshold_line is not None:
        defaults["thresholds"] = thresholds((None, "green"), (threshold_line, "red"))
        custom["thresholdsStyle"] = {"mode": "line+area"}
    return panel("timeseries", title, tgts, w, h, unit, description, defaults,
                 {"legend": {"displayMode": "table", "placement": "bottom",
                             "calcs": ["mean", "max", "lastNotNull"], "showLegend": True},
                  "tooltip": {"mode": "multi", "sort": "desc"}})


def stat(title, expr, unit=None, description="", w=4, h=4, th=None, legend="", text_mode="value",
         decimals=None):
    defaults = {"color": {"mode": "thresholds"},
                "thresholds": th or thresholds((None, "blue"))}
    if decimals is not None:
        defaults["decimals"] = decimals
    return panel("stat", title, targets((expr, legend), instant=True), w, h, unit, description,
                 defaults,
                 {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                  "colorMode": "background", "graphMode": "none", "textMode": text_mode,
                  "justifyMode": "auto", "orientation": "auto"})


def bargauge(title, tgts, unit, description="", w=8, h=8, th=None, maxv=None):
    defaults = {"color": {"mode": "thresholds"}, "thresholds": th or thresholds((None, "blue")),
                "min": 0}
    if maxv is not None:
        defaults["max"] = maxv
    return panel("bargauge", title, tgts, w, h, unit, description, defaults,
                 {"displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True,
                  "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}})


def table(title, tgts, description="", w=24, h=10, overrides=None, transformations=None,
          sort_by=None):
    options = {"showHeader": True, "cellHeight": "sm", "footer": {"show": False}}
    if sort_by:
        options["sortBy"] = [{"displayName": sort_by[0], "desc": sort_by[1]}]
    return panel("table", title, tgts, w, h, None, description,
                 {"custom": {"align": "auto", "cellOptions": {"type": "auto"}, "filterable": True}},
                 options, overrides, transformations)


def override(field, *props):
    return {"matcher": {"id": "byName", "options": field},
            "properties": [{"id": k, "value": v} for k, v in props]}


def organize(exclude=(), rename=None, order=None):
    return {"id": "organize", "options": {
        "excludeByName": {k: True for k in exclude},
        "renameByName": rename or {},
        "indexByName": {k: i for i, k in enumerate(order or [])}}}


MERGE = {"id": "merge", "options": {}}


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "panels": [],
            "gridPos": {"w": 24, "h": 1}}


def layout(items):
    """Places panels left to right, wrapping at 24 columns; rows start a new line.
    Assigns unique ids and x/y positions."""
    x = y = line_h = 0
    out = []
    for pid, p in enumerate(items, start=1):
        w, h = p["gridPos"]["w"], p["gridPos"]["h"]
        if p["type"] == "row" or x + w > 24:
            y += line_h
            x = line_h = 0
        p["id"] = pid
        p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
        x += w
        line_h = max(line_h, h)
        if p["type"] == "row":
            y += h
            x = line_h = 0
        out.append(p)
    return out


def var_datasource():
    return {"name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {}, "hide": 0, "includeAll": False,
            "multi": False, "options": [], "refresh": 1, "regex": "", "skipUrlSync": False}


def var_query(name, label, query, multi=True, include_all=True):
    v = {"name": name, "label": label, "type": "query", "datasource": DS,
         "definition": query, "query": {"query": query, "refId": f"{name}-variable"},
         "current": {}, "hide": 0, "includeAll": include_all, "multi": multi, "options": [],
         "refresh": 2, "regex": "", "skipUrlSync": False, "sort": 1}
    if include_all:
        v["allValue"] = ".*"
    return v


def var_custom(name, label, values):
    opts = [{"selected": i == 0, "text": v, "value": v} for i, v in enumerate(values)]
    return {"name": name, "label": label, "type": "custom", "query": ",".join(values),
            "current": {"selected": True, "text": values[0], "value": values[0]},
            "options": opts, "hide": 0, "includeAll": False, "multi": False,
            "skipUrlSync": False}


SITE_VAR = var_query("site", "Office (site)",
                     "label_values(wardwatch_machine_last_report_timestamp_seconds, site)")


def instance_var(multi):
    return var_query("instance", "Machine",
                     'label_values(wardwatch_machine_last_report_timestamp_seconds{site=~"$site"}, instance)',
                     multi=multi, include_all=multi)


def dashboard(uid, title, description, variables, panels, time_from="now-24h"):
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["wardwatch"],
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "id": None,
        "editable": True,
        "graphTooltip": 1,
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "refresh": "1m",
        "timezone": "browser",
        "time": {"from": time_from, "to": "now"},
        "timepicker": {},
        "weekStart": "monday",
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": [{"title": "WardWatch", "type": "dashboards", "tags": ["wardwatch"],
                   "asDropdown": True, "includeVars": True, "keepTime": True}],
        "templating": {"list": [var_datasource()] + variables},
        "panels": layout(panels),
    }


MACHINE_LINK = [{"title": "Open machine detail",
                 "url": "/d/wardwatch-machine/wardwatch-machine-detail?var-instance=${__value.raw}&${site:queryparam}&${datasource:queryparam}&${__url_time_range}"}]


# ----------------------------------------------------------------------------- fleet overview
def fleet_overview():
    last = f"wardwatch_machine_last_report_timestamp_seconds{{{SI}}}"
    cpu_busy_1h = (f'1 - avg without (cpu) (sum without (mode) '
                   f'(rate(node_cpu_seconds_total{{{SI}, mode=~"idle|iowait|steal"}}[1h])))')
    panels = [
        row("Fleet now"),
        stat("Machines", f"count({last})", description="Machines the collector knows."),
        stat("Reporting", f"count((time() - {last}) < 900) or vector(0)",
             description="Machines whose last report is less than 15 minutes old.",
             th=thresholds((None, "green"))),
        stat("Offline > 15 min", f"count((time() - {last}) >= 900) or vector(0)",
             description="Machines silent for 15 minutes or more (switched off, unplugged or agent stopped).",
             th=thresholds((None, "green"), (1, "orange"))),
        stat("Replace", f'count(wardwatch_machine_recommendation{{{SI}, recommendation="replace"}} == 1) or vector(0)',
             description="Machines whose recommendation is to replace them.",
             th=thresholds((None, "green"), (1, "red"))),
        stat("Upgrade", f'count(wardwatch_machine_recommendation{{{SI}, recommendation="upgrade"}} == 1) or vector(0)',
             description="Machines that would be fine with more RAM or an SSD.",
             th=thresholds((None, "green"), (1, "orange"))),
        stat("Mean aging score", f"avg(wardwatch_machine_aging_score{{{SI}}})", decimals=0,
             description="0 = new and healthy, 100 = replace now.", th=AGING),

        row("Machines"),
        table("Machines: aging score, recommendation and flags",
              targets((f"wardwatch_machine_aging_score{{{SI}}}", ""),
                      (f"wardwatch_machine_recommendation{{{SI}}} == 1", ""),
                      (f"count by (instance) (wardwatch_machine_finding{{{SI}}} == 1)", ""),
                      (f"time() - {last}", ""),
                      (cpu_busy_1h, ""),
                      (f"1 - node_memory_MemAvailable_bytes{{{SI}}} / node_memory_MemTotal_bytes{{{SI}}}", ""),
                      (f"node_memory_MemTotal_bytes{{{SI}}}", ""),
                      (f"wardwatch_machine_info{{{SI}}}", ""),
                      instant=True, table=True),
              description="One row per machine, worst aging score first. Flags = number of findings; open a machine for the evidence.",
              h=12, sort_by=("Aging score", True),
              transformations=[MERGE, organize(
                  exclude=["Time", "__name__", "job", "Value #B", "Value #H", "machine_id"],
                  rename={"Value #A": "Aging score", "Value #C": "Flags",
                          "Value #D": "Last report", "Value #E": "CPU busy (1 h)",
                          "Value #F": "Memory used", "Value #G": "RAM",
                          "recommendation": "Recommendation"},
                  order=["instance", "site", "department", "Value #A", "recommendation",
                         "Value #C", "Value #D", "Value #E", "Value #F", "Value #G"])],
              overrides=[
                  override("Aging score", ("custom.cellOptions", {"type": "color-background"}),
                           ("thresholds", AGING), ("decimals", 0)),
                  override("Last report", ("unit", "s"),
                           ("custom.cellOptions", {"type": "color-text"}),
                           ("thresholds", thresholds((None, "green"), (900, "red")))),
                  override("CPU busy (1 h)", ("unit", "percentunit")),
                  override("Memory used", ("unit", "percentunit"),
                           ("custom.cellOptions", {"type": "color-text"}),
                           ("thresholds", GREEN_AMBER_RED_RATIO)),
                  override("RAM", ("unit", "bytes")),
                  override("instance", ("displayName", "Machine"), ("links", MACHINE_LINK)),
              ]),
        table("Findings (flags)",
              targets((f"wardwatch_machine_finding{{{SI}}} == 1", ""), instant=True, table=True),
              description="Every active finding of every machine.", w=12, h=10,
              transformations=[organize(exclude=["Time", "__name__", "job", "Value"])],
              overrides=[override("instance", ("links", MACHINE_LINK))]),
        table("Offline machines (silent > 15 min)",
              targets((f"sort_desc(time() - {last} > 900)", ""), instant=True, table=True),
              description="Machines whose last report is older than 15 minutes, longest silent first.",
              w=12, h=10,
              transformations=[organize(exclude=["Time", "__name__", "job"],
                                        rename={"Value": "Silent for"})],
              overrides=[override("Silent for", ("unit", "s")),
                         override("instance", ("links", MACHINE_LINK))]),

        row("Age and health distribution"),
        panel("histogram", "Aging score distribution",
              targets((f"wardwatch_machine_aging_score{{{SI}}}", "{{instance}}"), instant=True),
              8, 8, None, "How many machines fall in each band of aging score.",
              {"color": {"mode": "thresholds"}, "thresholds": AGING, "min": 0, "max": 100},
              {"bucketSize": 10, "bucketOffset": 0, "combine": True,
               "legend": {"showLegend": False, "displayMode": "list", "placement": "bottom"}}),
        panel("histogram", "Boot-disk age (power-on years)",
              targets((f"max by (instance) (smartctl_device_power_on_seconds{{{SI}}}) / 31557600",
                       "{{instance}}"), instant=True),
              8, 8, None,
              "Age evidence from the disks: power-on time of each machine's most used disk, in years.",
              {"color": {"mode": "palette-classic"}, "min": 0},
              {"bucketSize": 1, "bucketOffset": 0, "combine": True,
               "legend": {"showLegend": False, "displayMode": "list", "placement": "bottom"}}),
        bargauge("Recommendations",
                 targets((f"count by (recommendation) (wardwatch_machine_recommendation{{{SI}}} == 1)",
                          "{{recommendation}}"), instant=True),
                 "none", "Machines per recommendation (replace, upgrade, watch, fine).", w=8),
        bargauge("Most common findings",
                 targets((f"sort_desc(count by (finding) (wardwatch_machine_finding{{{SI}}} == 1))",
                          "{{finding}}"), instant=True),
                 "none", "How many machines carry each finding.", w=8, h=8),
        stat("RAM 4 GiB or less", f"count(node_memory_MemTotal_bytes{{{SI}}} <= 4.5 * 2^30) or vector(0)",
             description="Machines with 4 GiB of RAM or less (too little for a modern browser and office suite).",
             w=4, h=8, th=thresholds((None, "green"), (1, "orange"))),
        stat("NIC 100 Mb/s or slower",
             f"count(max by (instance) (node_network_speed_bytes{{{SI}, {VIRTUAL_NICS}}}) <= 12500000) or vector(0)",
             description="Machines whose fastest network card runs at 100 Mb/s or less.",
             w=4, h=8, th=thresholds((None, "green"), (1, "orange"))),
        bargauge("Operating systems",
                 targets((f"sort_desc(count by (pretty_name) (node_os_info{{{SI}}}))",
                          "{{pretty_name}}"), instant=True),
                 "none", "Machines per operating system.", w=8),

        row("Load"),
        timeseries("Top 10 machines by CPU busy",
                   targets((f'topk(10, 1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{{{SI}, mode=~"idle|iowait|steal"}}[$__rate_interval]))))',
                            "{{instance}}")),
                   "percentunit", "Share of CPU time busy (not idle, iowait or steal).",
                   w=8, minv=0, maxv=1),
        timeseries("Top 10 machines by memory used",
                   targets((f"topk(10, 1 - node_memory_MemAvailable_bytes{{{SI}}} / node_memory_MemTotal_bytes{{{SI}}})",
                            "{{instance}}")),
                   "percentunit", "1 - MemAvailable / MemTotal.", w=8, minv=0, maxv=1),
        timeseries("Top 10 machines by I/O pressure",
                   targets((f"topk(10, rate(node_pressure_io_waiting_seconds_total{{{SI}}}[$__rate_interval]))",
                            "{{instance}}")),
                   "percentunit", "Share of time at least one task waited on I/O (PSI some).",
                   w=8, minv=0),

        row("WardWatch pipeline"),
        timeseries("Collector: reports per second",
                   targets((f"sum(rate(wardwatch_collector_reports_stored_total{{{S}}}[$__rate_interval]))", "stored"),
                           (f"sum(rate(wardwatch_collector_reports_duplicate_total{{{S}}}[$__rate_interval]))", "duplicate"),
                           (f"sum by (reason) (rate(wardwatch_collector_reports_rejected_total{{{S}}}[$__rate_interval]))", "rejected: {{reason}}")),
                   "reqps", "Reports the collector stored, saw again, or refused.", w=8),
        timeseries("Agents: spool backlog",
                   targets((f"topk(10, wardwatch_agent_spool_bytes{{{SI}}})", "{{instance}}")),
                   "bytes", "Reports waiting on each PC to be delivered (top 10).", w=8),
        timeseries("Agents: reports dropped and dead-lettered",
                   targets((f"sum(increase(wardwatch_agent_reports_dropped_total{{{SI}}}[$__rate_interval]))", "dropped"),
                           (f"sum(increase(wardwatch_agent_reports_deadlettered_total{{{SI}}}[$__rate_interval]))", "dead-lettered"),
                           (f"sum(increase(wardwatch_agent_reports_retried_total{{{SI}}}[$__rate_interval]))", "retried")),
                   "none", "Reports lost to a full spool, refused for good, or retried.", w=8),
    ]
    return dashboard("wardwatch-fleet", "WardWatch — Fleet overview",
                     "Every office PC: aging score, recommendation, flags, who is offline.",
                     [SITE_VAR, instance_var(multi=True)], panels)


# ----------------------------------------------------------------------------- machine detail
def machine_detail():
    M = SI  # the instance variable holds one machine here
    ncpu = f"scalar(count(count by (cpu) (node_cpu_seconds_total{{{M}}})))"
    panels = [
        row("Summary"),
        stat("Aging score", f"wardwatch_machine_aging_score{{{M}}}", th=AGING, decimals=0,
             description="0 = new and healthy, 100 = replace now."),
        stat("Recommendation", f"wardwatch_machine_recommendation{{{M}}} == 1",
             legend="{{recommendation}}", text_mode="name",
             description="replace, upgrade, watch or fine."),
        stat("Last report", f"time() - wardwatch_machine_last_report_timestamp_seconds{{{M}}}", "s",
             th=thresholds((None, "green"), (900, "red")), description="Time since the agent last reported."),
        stat("Uptime at last report",
             f"wardwatch_machine_last_report_timestamp_seconds{{{M}}} - on (instance, job, site) node_boot_time_seconds{{{M}}}",
             "s", description="Time since boot when the last report was made."),
        stat("CPUs", f"count(count by (cpu) (node_cpu_seconds_total{{{M}}}))", "none",
             description="Logical CPUs."),
        stat("RAM", f"node_memory_MemTotal_bytes{{{M}}}", "bytes", description="Installed memory."),
        table("Identity",
              targets((f"node_uname_info{{{M}}}", ""), (f"node_os_info{{{M}}}", ""),
                      (f"node_dmi_info{{{M}}}", ""), (f"wardwatch_machine_info{{{M}}}", ""),
                      instant=True, table=True),
              "Kernel, operating system, hardware (DMI) and agent facts.", w=24, h=5,
              transformations=[MERGE, organize(exclude=["Time", "__name__", "job", "Value #A",
                                                        "Value #B", "Value #C", "Value #D"])]),
        table("Findings (evidence)",
              targets((f"wardwatch_machine_finding{{{M}}} == 1", ""), instant=True, table=True),
              "The collector's findings for this machine. The console and the report show the measured evidence behind each.",
              w=24, h=6, transformations=[organize(exclude=["Time", "__name__", "job", "Value"])]),

        row("CPU and memory"),
        timeseries("CPU by mode",
                   targets((f'sum by (mode) (rate(node_cpu_seconds_total{{{M}, mode!="idle"}}[$__rate_interval])) / {ncpu}',
                            "{{mode}}")),
                   "percentunit", "Share of all CPUs' time per mode (idle left out).", w=8,
                   stack=True, minv=0, maxv=1),
        timeseries("Load average",
                   targets((f"node_load1{{{M}}}", "1 min"), (f"node_load5{{{M}}}", "5 min"),
                           (f"node_load15{{{M}}}", "15 min"),
                           (f"count(count by (cpu) (node_cpu_seconds_total{{{M}}}))", "CPUs")),
                   "none", "Run-queue length; above the CPU count means work waits.", w=8),
        timeseries("Pressure (PSI)",
                   targets((f"rate(node_pressure_cpu_waiting_seconds_total{{{M}}}[$__rate_interval])", "CPU some"),
                           (f"rate(node_pressure_memory_waiting_seconds_total{{{M}}}[$__rate_interval])", "memory some"),
                           (f"rate(node_pressure_memory_stalled_seconds_total{{{M}}}[$__rate_interval])", "memory full"),
                           (f"rate(node_pressure_io_waiting_seconds_total{{{M}}}[$__rate_interval])", "I/O some"),
                           (f"rate(node_pressure_io_stalled_seconds_total{{{M}}}[$__rate_interval])", "I/O full")),
                   "percentunit", "Share of time tasks waited for CPU, memory or I/O: the user is waiting on the machine.",
                   w=8, minv=0),
        timeseries("Memory",
                   targets((f"node_memory_MemTotal_bytes{{{M}}}", "total"),
                           (f"node_memory_MemTotal_bytes{{{M}}} - node_memory_MemAvailable_bytes{{{M}}}", "used (not available)"),
                           (f"node_memory_Cached_bytes{{{M}}} + node_memory_Buffers_bytes{{{M}}}", "cache + buffers"),
                           (f"node_memory_SwapTotal_bytes{{{M}}} - node_memory_SwapFree_bytes{{{M}}}", "swap used")),
                   "bytes", "Used = MemTotal - MemAvailable.", w=12, minv=0),
        timeseries("Swapping",
                   targets((f"rate(node_vmstat_pswpin{{{M}}}[$__rate_interval])", "pages swapped in"),
                           (f"rate(node_vmstat_pswpout{{{M}}}[$__rate_interval])", "pages swapped out")),
                   "short", "Pages per second; steady swapping means too little RAM for the work.",
                   w=12, minv=0),

        row("Disks"),
        bargauge("Filesystem used",
                 targets((f"1 - node_filesystem_avail_bytes{{{M}, {REAL_FS}}} / node_filesystem_size_bytes{{{M}, {REAL_FS}}}",
                          "{{mountpoint}}"), instant=True),
                 "percentunit", "Share of each filesystem in use (space available to users).",
                 w=8, th=GREEN_AMBER_RED_RATIO, maxv=1),
        timeseries("Disk throughput",
                   targets((f"rate(node_disk_read_bytes_total{{{M}}}[$__rate_interval])", "{{device}} read"),
                           (f"rate(node_disk_written_bytes_total{{{M}}}[$__rate_interval])", "{{device}} written")),
                   "Bps", w=8, minv=0),
        timeseries("Disk busy",
                   targets((f"rate(node_disk_io_time_seconds_total{{{M}}}[$__rate_interval])", "{{device}} busy"),),
                   "percentunit", "Share of time the disk had I/O in flight; near 100 % an HDD is the bottleneck.",
                   w=8, minv=0, maxv=1),
        timeseries("Disk operations",
                   targets((f"rate(node_disk_reads_completed_total{{{M}}}[$__rate_interval])", "{{device}} reads"),
                           (f"rate(node_disk_writes_completed_total{{{M}}}[$__rate_interval])", "{{device}} writes")),
                   "iops", w=12, minv=0),
        table("SMART",
              targets((f"smartctl_device{{{M}}}", ""),
                      (f"smartctl_device_smart_status{{{M}}}", ""),
                      (f"smartctl_device_power_on_seconds{{{M}}}", ""),
                      (f'max by (instance, job, site, device) (smartctl_device_attribute{{{M}, attribute_id="5", attribute_value_type="raw"}})', ""),
                      (f'max by (instance, job, site, device) (smartctl_device_attribute{{{M}, attribute_id="197", attribute_value_type="raw"}})', ""),
                      (f"smartctl_device_percentage_used{{{M}}}", ""),
                      (f"smartctl_device_media_errors{{{M}}}", ""),
                      instant=True, table=True),
              "Health of each physical disk: overall verdict (1 = passed), power-on time, reallocated (5) and pending (197) sectors for ATA, wear and media errors for NVMe.",
              w=12, h=8,
              transformations=[MERGE, organize(
                  exclude=["Time", "__name__", "job", "Value #A"],
                  rename={"Value #B": "SMART passed", "Value #C": "Power-on",
                          "Value #D": "Reallocated (5)", "Value #E": "Pending (197)",
                          "Value #F": "NVMe used", "Value #G": "Media errors"})],
              overrides=[override("Power-on", ("unit", "s")),
                         override("NVMe used", ("unit", "percent")),
                         override("SMART passed", ("custom.cellOptions", {"type": "color-background"}),
                                  ("thresholds", thresholds((None, "red"), (1, "green"))))]),

        row("Network"),
        timeseries("Traffic per interface",
                   targets((f"rate(node_network_receive_bytes_total{{{M}, {VIRTUAL_NICS}}}[$__rate_interval]) * 8", "{{device}} receive"),
                           (f"rate(node_network_transmit_bytes_total{{{M}, {VIRTUAL_NICS}}}[$__rate_interval]) * 8", "{{device}} transmit")),
                   "bps", w=12, minv=0),
        timeseries("Errors and drops",
                   targets((f"rate(node_network_receive_errs_total{{{M}}}[$__rate_interval]) + rate(node_network_transmit_errs_total{{{M}}}[$__rate_interval])", "{{device}} errors"),
                           (f"rate(node_network_receive_drop_total{{{M}}}[$__rate_interval]) + rate(node_network_transmit_drop_total{{{M}}}[$__rate_interval])", "{{device}} drops")),
                   "pps", "Packets per second with errors or dropped; any steady value points at a cable, NIC or Wi-Fi problem.",
                   w=12, minv=0),
        table("Interfaces",
              targets((f"node_network_info{{{M}}}", ""),
                      (f"node_network_speed_bytes{{{M}}} * 8", ""),
                      (f"node_network_up{{{M}}}", ""),
                      instant=True, table=True),
              "Negotiated speed and state; a 100 Mb/s link on an office PC is a finding.", w=8, h=8,
              transformations=[MERGE, organize(exclude=["Time", "__name__", "job", "Value #A"],
                                               rename={"Value #B": "Speed", "Value #C": "Up"})],
              overrides=[override("Speed", ("unit", "bps"))]),
        timeseries("TCP retransmissions",
                   targets((f"rate(node_netstat_Tcp_RetransSegs{{{M}}}[$__rate_interval]) / rate(node_netstat_Tcp_OutSegs{{{M}}}[$__rate_interval])",
                            "retransmitted / sent"),),
                   "percentunit", "Share of TCP segments sent again; above ~2 % the path is lossy.", w=8, minv=0),
        timeseries("Traffic by class",
                   targets((f"sum by (class, direction) (rate(wardwatch_traffic_bytes_total{{{M}}}[$__rate_interval])) * 8",
                            "{{class}} {{direction}}"),),
                   "bps", "LAN vs WAN traffic seen by the agent's capture.", w=8, minv=0),
        timeseries("Probe latency from this machine",
                   targets((f"(sum by (target, phase) (rate(wardwatch_probe_duration_seconds_sum{{{M}}}[$__rate_interval])) / sum by (target, phase) (rate(wardwatch_probe_duration_seconds_count{{{M}}}[$__rate_interval])))"
                            f' or max by (target, phase) (wardwatch_probe_duration_seconds{{{M}, stat="0.5"}})',
                            "{{target}} {{phase}}"),),
                   "s", "Typical time per probe phase (DNS, connect, TLS, first byte): the mean from a histogram/summary, else the agent's per-interval median.", w=12, minv=0),
        timeseries("Top applications by network traffic",
                   targets((f"topk(5, sum by (app) (rate(wardwatch_traffic_app_bytes_total{{{M}}}[$__rate_interval]))) * 8",
                            "{{app}}"),),
                   "bps", w=12, minv=0),

        row("Temperatures and battery"),
        timeseries("Temperatures",
                   targets((f"node_hwmon_temp_celsius{{{M}}}", "{{chip}} {{sensor}}"),),
                   "celsius", "hwmon sensors.", w=16, threshold_line=85),
        stat("Battery wear", f"wardwatch_battery_wear_ratio{{{M}}}", "percentunit",
             "Lost capacity of the battery: 1 - full / full-design (laptops only).", w=8, h=8,
             th=thresholds((None, "green"), (0.3, "orange"), (0.5, "red"))),

        row("Applications"),
        bargauge("CPU time by application",
                 targets((f"topk(10, sum by (app) (increase(wardwatch_app_cpu_seconds_total{{{M}}}[$__range])))", "{{app}}"),
                         instant=True),
                 "s", "CPU seconds used in the selected time range.", w=8),
        bargauge("Foreground time by application",
                 targets((f"topk(10, sum by (app) (increase(wardwatch_app_foreground_seconds_total{{{M}}}[$__range])))", "{{app}}"),
                         instant=True),
                 "s", "Time the application had the focused window: used, not just open.", w=8),
        bargauge("Running time by application",
                 targets((f"topk(10, sum by (app) (increase(wardwatch_app_running_seconds_total{{{M}}}[$__range])))", "{{app}}"),
                         instant=True),
                 "s", "Time the application was running.", w=8),

        row("Agent"),
        timeseries("Spool",
                   targets((f"wardwatch_agent_spool_bytes{{{M}}}", "spool bytes"),),
                   "bytes", "Reports waiting on this PC to be delivered.", w=8, minv=0),
        timeseries("Oldest undelivered report",
                   targets((f"wardwatch_agent_spool_oldest_age_seconds{{{M}}}", "age"),),
                   "s", w=8, minv=0),
        timeseries("Delivery",
                   targets((f"increase(wardwatch_agent_reports_sent_total{{{M}}}[$__rate_interval])", "sent"),
                           (f"increase(wardwatch_agent_reports_retried_total{{{M}}}[$__rate_interval])", "retried"),
                           (f"increase(wardwatch_agent_reports_dropped_total{{{M}}}[$__rate_interval])", "dropped"),
                           (f"increase(wardwatch_agent_reports_deadlettered_total{{{M}}}[$__rate_interval])", "dead-lettered")),
                   "none", w=8, minv=0),
        timeseries("Agent collectors succeeding",
                   targets((f"node_scrape_collector_success{{{M}}}", "{{collector}}"),),
                   "none", "1 = the agent's collector succeeded in the last report.", w=24, h=6,
                   minv=0, maxv=1),
    ]
    return dashboard("wardwatch-machine", "WardWatch — Machine detail",
                     "One office PC: hardware health, load, disks, network, applications and the agent itself.",
                     [SITE_VAR, instance_var(multi=False)], panels, time_from="now-7d")


# ----------------------------------------------------------------------------- network & peaks
def heatmap_query():
    """p95 utilisation for each (weekday, hour) cell over the dashboard's time range. The
    recording rule site:wardwatch_site_wan_utilisation:ratio_rate5m_by_local_hour labels
    every sample with the local (UTC+7) hour and weekday it was measured in, so each cell
    is one series and the query stays cheap whatever the range."""
    return ('max by (hour, weekday) (quantile_over_time(0.95, '
            'site:wardwatch_site_wan_utilisation:ratio_rate5m_by_local_hour'
            '{site=~"$site", direction="$direction"}[$__range]))')


def network_peaks():
    def util(direction):
        return (f"sum by (site) (rate(wardwatch_site_wan_{direction}_bytes_total{{{S}}}[$__rate_interval]))"
                f" / on (site) max by (site) (wardwatch_site_uplink_capacity_bytes{{{S}, direction=\"{direction}\"}})")

    # Mean from a histogram/summary (_sum/_count), else the agent's per-interval median gauge.
    probe_mean = (f"(sum by (target, phase) (rate(wardwatch_probe_duration_seconds_sum{{{SI}, target=~\"$target\"}}[$__rate_interval]))"
                  f" / sum by (target, phase) (rate(wardwatch_probe_duration_seconds_count{{{SI}, target=~\"$target\"}}[$__rate_interval])))"
                  f" or avg by (target, phase) (wardwatch_probe_duration_seconds{{{SI}, target=~\"$target\", stat=\"0.5\"}})")
    day_order = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    panels = [
        row("Uplink"),
        timeseries("WAN throughput vs uplink capacity",
                   targets((f"sum by (site) (rate(wardwatch_site_wan_receive_bytes_total{{{S}}}[$__rate_interval])) * 8", "{{site}} download"),
                           (f"sum by (site) (rate(wardwatch_site_wan_transmit_bytes_total{{{S}}}[$__rate_interval])) * 8", "{{site}} upload"),
                           (f"max by (site, direction) (wardwatch_site_uplink_capacity_bytes{{{S}}}) * 8", "{{site}} capacity {{direction}}")),
                   "bps", "The office's internet traffic (sum over its PCs) against the line's capacity.",
                   w=16, minv=0),
        stat("Download utilisation now", util("receive"), "percentunit",
             "Download traffic / capacity over the last minutes.", w=4, h=8,
             th=thresholds((None, "green"), (0.6, "orange"), (0.8, "red"))),
        stat("Upload utilisation now", util("transmit"), "percentunit",
             "Upload traffic / capacity over the last minutes.", w=4, h=8,
             th=thresholds((None, "green"), (0.6, "orange"), (0.8, "red"))),
        timeseries("WAN utilisation",
                   targets((util("receive"), "{{site}} download"), (util("transmit"), "{{site}} upload")),
                   "percentunit", "Traffic / capacity; the red line is the 80 % saturation threshold.",
                   w=16, minv=0, threshold_line=0.8),
        panel("state-timeline", "Bottleneck hours (collector analytics)",
              targets((f"max by (site) (wardwatch_site_bottleneck_hour{{{S}}})", "{{site}}"),),
              8, 8, None, "1 = the collector marks this hour as a bottleneck (high utilisation and/or slow portal).",
              {"color": {"mode": "thresholds"}, "thresholds": thresholds((None, "green"), (1, "red")),
               "mappings": [{"type": "value", "options": {"0": {"text": "ok"}, "1": {"text": "bottleneck"}}}]},
              {"showValue": "never", "mergeValues": True, "rowHeight": 0.9,
               "legend": {"showLegend": False, "displayMode": "list", "placement": "bottom"}}),

        row("Peak hours"),
        table("Utilisation by hour and weekday (p95, local time)",
              [target(heatmap_query(), "", "A", instant=True, table=True)],
              "95th percentile of the uplink utilisation (selected direction, busiest selected office) in each hour of each weekday over the dashboard's time range, Asia/Ho_Chi_Minh time (rows 00-23 = hour). Choose a range of several weeks. Needs the recording rules in dashboards/prometheus/rules.",
              w=24, h=16,
              transformations=[
                  {"id": "groupingToMatrix", "options": {"columnField": "weekday", "rowField": "hour",
                                                         "valueField": "Value", "emptyValue": "null"}},
                  {"id": "sortBy", "options": {"sort": [{"field": "hour\\weekday", "desc": False}]}},
                  organize(rename={"hour\\weekday": "Hour"}, order=["hour\\weekday"] + day_order)],
              overrides=[override(d, ("unit", "percentunit"), ("decimals", 0),
                                  ("custom.cellOptions", {"type": "color-background", "mode": "gradient"}),
                                  ("thresholds", thresholds((None, "green"), (0.5, "yellow"), (0.7, "orange"), (0.8, "red"))))
                         for d in day_order]),

        row("Who fills the line"),
        bargauge("Top applications",
                 targets((f'topk(10, sum by (app) (increase(wardwatch_traffic_app_bytes_total{{{SI}, direction="$direction"}}[$__range])))', "{{app}}"),
                         instant=True),
                 "bytes", "Bytes in the selected direction per application over the time range.", w=8, h=10),
        bargauge("Top remote services",
                 targets((f'topk(10, sum by (service) (increase(wardwatch_traffic_remote_bytes_total{{{SI}, direction="$direction"}}[$__range])))', "{{service}}"),
                         instant=True),
                 "bytes", "Remote services named from DNS answers and TLS SNI.", w=8, h=10),
        bargauge("Top machines (WAN)",
                 targets((f'topk(10, sum by (instance) (increase(wardwatch_traffic_bytes_total{{{SI}, class="wan", direction="$direction"}}[$__range])))', "{{instance}}"),
                         instant=True),
                 "bytes", "WAN bytes per machine over the time range.", w=8, h=10),
        timeseries("Top applications over time",
                   targets((f'topk(5, sum by (app) (rate(wardwatch_traffic_app_bytes_total{{{SI}, direction="$direction"}}[$__rate_interval]))) * 8', "{{app}}"),),
                   "bps", w=12, minv=0),
        timeseries("Traffic by class",
                   targets((f"sum by (class, direction) (rate(wardwatch_traffic_bytes_total{{{SI}}}[$__rate_interval])) * 8", "{{class}} {{direction}}"),),
                   "bps", "LAN vs WAN, both directions, summed over the selected machines.", w=12, minv=0),

        row("Public-service portal and probes"),
        timeseries("Probe latency vs 7-day baseline",
                   targets((probe_mean, "{{target}} {{phase}}"),
                           (f'target_phase:wardwatch_probe_duration_seconds:avg7d{{{S}, target=~"$target"}}', "{{target}} {{phase}} 7-day baseline")),
                   "s", "Typical probe time per phase (mean, or the agents' median when only quantile gauges exist); the baseline comes from the recording rules (the alert fires at 2x for 15 min).",
                   w=16, minv=0),
        timeseries("Probe failures",
                   targets((f'sum by (target) (increase(wardwatch_probe_failures_total{{{SI}, target=~"$target"}}[$__rate_interval]))', "{{target}}"),),
                   "none", w=8, minv=0),
        timeseries("TCP retransmissions (top 10 machines)",
                   targets((f"topk(10, rate(node_netstat_Tcp_RetransSegs{{{SI}}}[$__rate_interval]) / rate(node_netstat_Tcp_OutSegs{{{SI}}}[$__rate_interval]))", "{{instance}}"),),
                   "percentunit", "Lossy paths: Wi-Fi, bad cables, or a saturated line.", w=12, minv=0),
        table("Slow network cards (100 Mb/s or less)",
              targets((f"node_network_speed_bytes{{{SI}, {VIRTUAL_NICS}}} <= 12500000", ""), instant=True, table=True),
              "PCs whose link runs at 100 Mb/s or less: more uplink bandwidth will not make these faster.",
              w=12, h=8,
              transformations=[organize(exclude=["Time", "__name__", "job"], rename={"Value": "Speed"})],
              overrides=[override("Speed", ("unit", "Bps"))]),
    ]
    variables = [SITE_VAR, instance_var(multi=True),
                 var_custom("direction", "Direction", ["receive", "transmit"]),
                 var_query("target", "Probe target",
                           'label_values(wardwatch_probe_duration_seconds_count{site=~"$site"}, target)')]
    return dashboard("wardwatch-network", "WardWatch — Network and peak hours",
                     "The shared internet line: utilisation vs capacity, when it is full, who fills it, and how the public-service portal answers.",
                     variables, panels, time_from="now-7d")


DASHBOARDS = {
    "wardwatch-fleet-overview.json": fleet_overview,
    "wardwatch-machine-detail.json": machine_detail,
    "wardwatch-network-peak-hours.json": network_peaks,
}


def render(builder):
    return json.dumps(builder(), indent=2, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the committed files instead of writing them")
    ap.add_argument("--out-dir", type=pathlib.Path, default=OUT_DIR)
    args = ap.parse_args()
    stale = []
    for name, builder in DASHBOARDS.items():
        path = args.out_dir / name
        text = render(builder)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date (run dashboards/grafana/build_dashboards.py): " + ", ".join(stale),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
