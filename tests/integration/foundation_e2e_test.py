"""Foundation end to end, with real processes on 127.0.0.1:
1. golden: the agent on the fixture tree -> collector -> /metrics equals the golden series
   (volatile values masked) and passes `promtool check metrics`;
2. live: the agent on this machine enrolls and reports; a real Prometheus scrapes the collector
   with honor_labels and returns node_memory_MemTotal_bytes{instance=<hostname>} equal to
   /proc/meminfo; the collector restarted keeps serving the same series.
Usage: foundation_e2e_test.py AGENT COLLECTOR FIXTURES [--update-golden]"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from wwtest import Collector, check, free_port, http, samples, wait_until  # noqa: E402

AGENT, COLLECTOR, FIXTURES = sys.argv[1:4]
UPDATE = "--update-golden" in sys.argv
GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "fixture_metrics.prom")
FOUNDATION = {"cpu", "meminfo", "filesystem", "netdev", "dmi", "os"}
# Values that change from run to run (times, durations, this machine's disk, findings that
# depend on today's date such as the machine's age) are masked.
VOLATILE = re.compile(r"^(node_scrape_collector_duration_seconds|"
                      r"wardwatch_machine_last_report_timestamp_seconds|node_filesystem_|"
                      r"wardwatch_machine_(aging_score|finding|recommendation))")
CAMEL_LINT = re.compile(r"metric names should be written in 'snake_case' not 'camelCase'")


def all_collectors():
    out = subprocess.run([AGENT, "--help"], capture_output=True, text=True)
    text = out.stdout + out.stderr
    names = re.findall(r"^  ([a-z_0-9]+)(?: \(off by default\))?: ", text.split("Collectors:")[1],
                       re.M)
    check(FOUNDATION <= set(names), "agent --help lists the collectors: %s" % names)
    return names


def run_agent(collector, state_dir, *extra):
    args = [AGENT, "--collector", collector.url, "--enroll-token", collector.enroll_token,
            "--state-dir", state_dir, "--once"] + list(extra)
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "agent failed: %s" % r.stderr)
    return r


def promtool_check(text):
    if not shutil.which("promtool"):
        print("SKIP promtool check: promtool not installed")
        return
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True)
    problems = [l for l in (r.stdout + r.stderr).splitlines()
                if l.strip() and not CAMEL_LINT.search(l)]
    # node_exporter's own camelCase families (node_memory_MemTotal_bytes, ...) are kept verbatim
    # for dashboard compatibility; only that lint is ignored, as node_exporter does.
    for l in problems:
        name = l.split()[0] if l.split() else ""
        check(False, "promtool check metrics: " + l)


def golden_lines(text, instance):
    keep = []
    for line in text.splitlines():
        if line.startswith("#") or ('instance="%s"' % instance) not in line:
            continue
        if VOLATILE.match(line):
            continue
        keep.append(line)
    return sorted(keep)


def test_golden(tmp):
    c = Collector(COLLECTOR, data_dir=os.path.join(tmp, "golden-collector")).start()
    try:
        disable = []
        for name in all_collectors():
            if name not in FOUNDATION:
                disable += ["--disable-collector", name]
        run_agent(c, os.path.join(tmp, "golden-agent"),
                  "--path.procfs", FIXTURES + "/proc", "--path.sysfs", FIXTURES + "/sys",
                  "--path.rootfs", FIXTURES + "/rootfs", *disable)
        text = c.metrics()
        promtool_check(text)
        got = golden_lines(text, "pc-ketoan-01")
        if UPDATE:
            os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
            open(GOLDEN, "w").write("\n".join(got) + "\n")
            print("golden updated:", GOLDEN, len(got), "lines")
            return
        want = open(GOLDEN).read().split("\n")
        want = [l for l in want if l]
        missing = [l for l in want if l not in got]
        extra = [l for l in got if l not in want]
        check(not missing and not extra,
              "golden /metrics differs:\n  missing: %s\n  unexpected: %s" %
              ("\n    ".join(missing[:20]), "\n    ".join(extra[:20])))
        print("golden: %d series match" % len(want))
    finally:
        c.stop()


def start_prometheus(tmp, target_port):
    port = free_port()
    cfg = os.path.join(tmp, "prometheus.yml")
    open(cfg, "w").write(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: wardwatch\n    honor_labels: true\n"
        "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % target_port)
    proc = subprocess.Popen(
        ["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
         "--web.listen-address=127.0.0.1:%d" % port, "--web.enable-lifecycle"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prometheus.log"), "ab"))
    url = "http://127.0.0.1:%d" % port
    wait_until(lambda: http("GET", url + "/-/ready", timeout=1)[0] == 200, 60, what="prometheus")
    return proc, url


def prom_query(url, q):
    import json
    status, body, _ = http("GET", url + "/api/v1/query?query=" + urllib.parse.quote(q))
    check(status == 200, "prometheus query %s: %d %s" % (q, status, body[:200]))
    return json.loads(body)["data"]["result"]


def test_live_with_prometheus(tmp):
    if not shutil.which("prometheus"):
        print("SKIP live Prometheus test: prometheus not installed")
        return
    data = os.path.join(tmp, "live-collector")
    c = Collector(COLLECTOR, data_dir=data).start()
    prom = None
    try:
        run_agent(c, os.path.join(tmp, "live-agent"), "--disable-collector", "smart")
        hostname = socket.gethostname()
        meminfo = open("/proc/meminfo").read()
        mem_total = int(re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.M).group(1)) * 1024
        text = c.metrics()
        check(samples(text, "node_memory_MemTotal_bytes", instance=hostname) == [mem_total],
              "collector exposes this machine's MemTotal")
        promtool_check(text)
        prom, purl = start_prometheus(tmp, c.port)
        q = 'node_memory_MemTotal_bytes{instance="%s"}' % hostname
        res = wait_until(lambda: prom_query(purl, q), 60, 0.5, what="prometheus to scrape")
        check(float(res[0]["value"][1]) == mem_total,
              "Prometheus returns MemTotal %s, /proc/meminfo says %d" % (res[0]["value"][1],
                                                                         mem_total))
        check(res[0]["metric"].get("job") == "wardwatch", "job label from the scrape config")
        print("prometheus: %s = %d" % (q, mem_total))
        # The collector restarted on the same data keeps serving the same series.
        before = samples(c.metrics(), "node_memory_MemTotal_bytes", instance=hostname)
        c.stop()
        c.start()
        after = samples(c.metrics(), "node_memory_MemTotal_bytes", instance=hostname)
        check(before == after == [mem_total], "series survive a collector restart")
        # A second agent run continues the sequence (stored, not duplicate).
        run_agent(c, os.path.join(tmp, "live-agent"), "--disable-collector", "smart")
        stored = samples(c.metrics(), "wardwatch_collector_reports_stored_total")
        check(stored and stored[0] >= 1, "the second report is stored")
    finally:
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        c.stop()


def main():
    tmp = tempfile.mkdtemp(prefix="ww-foundation-")
    try:
        test_golden(tmp)
        if not UPDATE:
            test_live_with_prometheus(tmp)
        print("foundation_e2e_test: OK")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
